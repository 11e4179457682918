using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>Unhealthy until the migrations are applied, saying what failed and when the next attempt is.</summary>
internal sealed class KitchenSchemaHealthCheck(KitchenSchemaState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var current = state.Current;
        return Task.FromResult(current.Ready
            ? HealthCheckResult.Healthy("The kitchen schema is up to date.")
            : HealthCheckResult.Unhealthy(
                $"The kitchen schema is not applied yet ({current.LastError}); next attempt at {current.NextAttemptAt:O}."));
    }
}
