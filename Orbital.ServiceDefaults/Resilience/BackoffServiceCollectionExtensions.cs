using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orbital.ServiceDefaults.Resilience;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the one backoff policy of a service, bound from the <c>Backoff</c> section and validated on start.</summary>
public static class BackoffServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="BackoffOptions"/> and the <see cref="ExponentialBackoff"/> they describe. Retry loops take
    /// the policy and keep their own <see cref="RetrySchedule"/>.
    /// </summary>
    public static IServiceCollection AddBackoff(this IServiceCollection services)
    {
        services.AddOptions<BackoffOptions>().BindConfiguration(BackoffOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<BackoffOptions>>().Value.ToPolicy());
        return services;
    }
}
