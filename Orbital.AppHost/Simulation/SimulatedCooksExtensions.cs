using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orbital.AppHost.Hosting;

namespace Orbital.AppHost.Simulation;

/// <summary>
/// Cooks for a kitchen run here (not a published one), so that orders get started and completed without anyone at
/// a screen: off unless <c>Orbital:Simulator:Cooks</c> is true. They run inside the AppHost and stop with it.
/// </summary>
public static class SimulatedCooksExtensions
{
    /// <summary>Whether simulated cooks start and complete the kitchen's batch items (default false).</summary>
    public const string CooksKey = "Orbital:Simulator:Cooks";

    /// <summary>
    /// How much faster than real the simulated cooks work (default 1): 10 divides prep times, and the time a cook
    /// holds a small quantity back, by 10, and looks at each station every 2 s instead of 5 s. It does not move the
    /// kitchen's schedule: demand still fires when it is due less its prep time.
    /// </summary>
    public const string CookSpeedKey = "Orbital:Simulator:CookSpeed";

    public static IResourceBuilder<ProjectResource> WithSimulatedCooks(this IResourceBuilder<ProjectResource> kitchen, IResourceBuilder<ParameterResource> managerKey)
    {
        ArgumentNullException.ThrowIfNull(kitchen);
        ArgumentNullException.ThrowIfNull(managerKey);
        var builder = kitchen.ApplicationBuilder;
        if (!builder.ExecutionContext.IsRunMode || !builder.Configuration.GetValue(CooksKey, defaultValue: false))
        {
            return kitchen;
        }

        var speed = builder.Configuration.GetValue(CookSpeedKey, defaultValue: 1.0);
        if (!double.IsFinite(speed) || speed <= 0)
        {
            throw new DistributedApplicationException(string.Create(CultureInfo.InvariantCulture, $"{CookSpeedKey} must be a number above 0 (1: real time), was {speed}."));
        }

        builder.Services.TryAddSingleton(_ => new KitchenClient(kitchen.Resource, managerKey.Resource));
        builder.Services.AddHostedService(sp => new SimulatedCooks(
            sp.GetRequiredService<KitchenClient>(),
            speed,
            TimeProvider.System,
            sp.GetRequiredService<ILogger<SimulatedCooks>>()));
        return kitchen;
    }
}
