using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Devices;

/// <summary>Unhealthy while a key is missing: without the manager key no device can be paired, without the intake key no order taken.</summary>
internal sealed class KitchenAuthHealthCheck(IOptions<KitchenAuthOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = options.Value.Problems();
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("The manager and intake keys are set.")
            : HealthCheckResult.Unhealthy($"{string.Join("; ", problems)}: set them (the AppHost does, as secret parameters)."));
    }
}
