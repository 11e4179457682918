using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orbital.OrderManagement.Diagnostics;

namespace Orbital.OrderManagement.Listening;

/// <summary>
/// Says what the order path waits for: Unhealthy until its first stream is open (while it decides where to start,
/// it reads no orders yet), while it cannot read MongoDB (unreachable, misconfigured, or no connection string) and
/// while it holds an order for an unplanned failure; Degraded while it catches up, holds an order for an
/// unavailable kitchen, or works around a call an older kitchen lacks (<see cref="OrderListenerStatus.KitchenFallback"/>).
/// A standby (another instance holds the listener's lease) is Healthy: it is ready to take over.
/// </summary>
public sealed class OrderListenerHealthCheck(OrderListenerStatus status, IOptions<OrderListenerOptions> options, TimeProvider time, ListenerLease? lease = null) : IHealthCheck
{
    private readonly TimeSpan _silenceLimit = options.Value.SilenceLimit;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var listener = status.Listener;
        var held = status.Held;
        var data = Data(listener, held);
        var result = (listener.State, held) switch
        {
            (ListenerState.Listening or ListenerState.CatchingUp, { Reason: HoldReason.KitchenUnavailable }) => HealthCheckResult.Degraded(Describe(held), data: data),
            (ListenerState.Listening or ListenerState.CatchingUp, not null) => HealthCheckResult.Unhealthy(Describe(held), data: data),
            (ListenerState.Listening, null) when time.GetUtcNow() - status.LastReadAt > _silenceLimit => HealthCheckResult.Degraded(
                $"The change stream has not answered for {(time.GetUtcNow() - status.LastReadAt)!.Value.TotalSeconds:0} s (a getMore should answer within {options.Value.MaxAwaitTime.TotalSeconds:0.#} s): the connection may hang.",
                data: data),
            (ListenerState.Listening, null) when status.KitchenFallback is { } workaround => HealthCheckResult.Degraded($"{listener.Detail} {workaround}", data: data),
            (ListenerState.Listening, null) => HealthCheckResult.Healthy(listener.Detail, data),
            (ListenerState.CatchingUp, _) => HealthCheckResult.Degraded(listener.Detail, data: data),
            (ListenerState.Standby, _) => HealthCheckResult.Healthy(listener.Detail, data),
            _ => HealthCheckResult.Unhealthy(listener.Detail, data: data),
        };
        return Task.FromResult(result);
    }

    /// <summary>What the health report shows besides the verdict: the listener's state, progress, recoveries and any held order.</summary>
    private Dictionary<string, object> Data(ListenerSnapshot listener, HeldOrder? held)
    {
        var data = new Dictionary<string, object>
        {
            ["state"] = listener.State.ToString(),
            ["since"] = listener.Since,
        };
        if (lease is not null)
        {
            data["instance"] = lease.Instance;
            data["leads"] = lease.IsLeader;
        }

        if (lease?.Holder is { } holder)
        {
            data["leader"] = holder.Instance;
            data["leaseToken"] = holder.Token;
        }
        if (listener.NextAttemptAt is { } next)
        {
            data["nextAttemptAt"] = next;
        }

        if (status.LastCheckpointAt is { } checkpointed)
        {
            data["lastCheckpointAt"] = checkpointed;
        }

        if (status.LastReadAt is { } read)
        {
            data["lastReadAt"] = read;
        }

        if (status.Start is { } start)
        {
            data["start"] = start;
        }

        if (status.LastRecovery is { } recovery)
        {
            data["lastRecoveryAt"] = recovery.At;
            data["lastRecovery"] = $"{recovery.Reason}; the catch-up re-read {recovery.DocumentsScanned} documents";
        }

        if (status.LargestObjectIdLag > TimeSpan.Zero)
        {
            data["largestObjectIdLag"] = status.LargestObjectIdLag.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }

        if (status.UnrecordedRejections is { Count: > 0 } unrecorded)
        {
            data["unrecordedRejections"] = unrecorded.Count;
            data["lastUnrecordedRejection"] = unrecorded.Last ?? string.Empty;
        }

        if (status.KitchenFallback is { } fallback)
        {
            data["kitchenFallback"] = fallback;
        }

        if (held is not null)
        {
            data["heldOrder"] = held.OrderId;
            data["heldSince"] = held.Since;
            data["heldAttempts"] = held.Attempts;
        }

        return data;
    }

    private string Describe(HeldOrder held)
    {
        var heldFor = time.GetUtcNow() - held.Since;
        var source = held.SourceId is null ? string.Empty : $" (source _id {held.SourceId})";
        return $"Holding order {held.OrderId}{source} for {heldFor.TotalSeconds:0} s after {held.Attempts} failed attempts: {held.Detail}. "
            + $"Next attempt at {held.NextAttemptAt:O}; later orders wait behind it.";
    }
}
