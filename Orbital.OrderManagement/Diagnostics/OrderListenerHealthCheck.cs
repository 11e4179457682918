using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orbital.OrderManagement.Diagnostics;

/// <summary>
/// Says what the order path waits for: Unhealthy while it cannot read MongoDB (or has no connection string),
/// Degraded while it catches up after lost history or holds an order for an unavailable kitchen.
/// </summary>
internal sealed class OrderListenerHealthCheck(OrderListenerStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var listener = status.Listener;
        var data = new Dictionary<string, object>
        {
            ["state"] = listener.State.ToString(),
            ["since"] = listener.Since,
        };
        if (status.LastCheckpointAt is { } checkpointed)
        {
            data["lastCheckpointAt"] = checkpointed;
        }

        if (status.LastRecovery is { } recovery)
        {
            data["lastHistoryLossAt"] = recovery.At;
            data["lastHistoryLoss"] = $"{recovery.Reason}; the catch-up re-read {recovery.OrdersScanned} orders";
        }

        var result = listener.State switch
        {
            ListenerState.Listening when status.KitchenWaiting is { } wait => HealthCheckResult.Degraded(
                $"Holding order {wait.OrderId}: the kitchen answered {wait.Status}. Next attempt at {wait.NextAttemptAt:O}; later orders wait behind it.",
                data: data),
            ListenerState.Listening => HealthCheckResult.Healthy(listener.Detail, data),
            ListenerState.CatchingUp => HealthCheckResult.Degraded(listener.Detail, data: data),
            ListenerState.Starting => HealthCheckResult.Degraded(listener.Detail, data: data),
            _ => HealthCheckResult.Unhealthy(listener.Detail, data: data),
        };
        return Task.FromResult(result);
    }
}
