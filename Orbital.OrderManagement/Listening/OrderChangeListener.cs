using Microsoft.Extensions.Options;
using MongoDB.Driver;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Forwarding;
using Orbital.ServiceDefaults.Resilience;

namespace Orbital.OrderManagement.Listening;

/// <summary>
/// Keeps a change stream on the platform's orders collection open for as long as the service runs: plans where
/// each stream starts (<see cref="ListenerStartPlanner"/>), reads it (<see cref="OrderStreamReader"/>), and
/// decides what each failure means (<see cref="ChangeStreamFailure"/>): a lost position leads to a catch-up, a
/// misconfigured deployment or a held order is reported as such, and everything else is waited out. Every wait
/// grows from the backoff's initial delay to its maximum and starts over only once a checkpoint is saved, so a
/// stream that opens and fails again does not hammer MongoDB once a second. Of several instances, only the one
/// holding the listener's lease (<see cref="ListenerLease"/>) reads and forwards; the others stand by, healthy.
/// </summary>
public sealed partial class OrderChangeListener(
    IServiceProvider services,
    IOptions<OrderListenerOptions> options,
    ExponentialBackoff backoff,
    OrderListenerStatus status,
    OrderFlowMetrics metrics,
    TimeProvider time,
    ILogger<OrderChangeListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<IMongoDatabase>() is null)
        {
            status.NotConfigured("MongoDB is not configured (ConnectionStrings:orders): no orders can be read.");
            LogNotConfigured(logger);
            return;
        }

        var lease = services.GetRequiredService<ListenerLease>();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await WaitForLeaseAsync(lease, stoppingToken))
            {
                return;
            }

            // Leading: the stream is read until the service stops or the lease is lost (then this instance stands by).
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var renewing = KeepLeaseAsync(lease, leading);
            try
            {
                await ListenAsync(lease, leading.Token);
            }
            finally
            {
                await leading.CancelAsync();
                await renewing;
                if (stoppingToken.IsCancellationRequested)
                {
                    // A graceful stop hands over at once: a standby takes the lease at its next look.
                    await ReleaseAsync(lease);
                }
            }
        }
    }

    /// <summary>Stands by until this instance holds the lease; false when the service stops first.</summary>
    private async Task<bool> WaitForLeaseAsync(ListenerLease lease, CancellationToken stoppingToken)
    {
        var options = services.GetRequiredService<IOptions<ListenerLeaseOptions>>().Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await lease.TryAcquireAsync(stoppingToken))
                {
                    LogLeading(logger, lease.Instance, lease.Token);
                    return true;
                }

                status.Standby(lease.Holder is { } holder
                    ? $"Standing by: {holder.Instance} reads and forwards the orders (lease token {holder.Token}, until {holder.ExpiresAt:O}); this instance takes over when it stops or its lease runs out."
                    : "Standing by: another instance reads and forwards the orders.");
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
            catch (Exception ex)
            {
                status.WaitingForMongoDB($"The listener's lease cannot be read: {ex.Message}", options.StandbyInterval);
                LogMongoUnavailable(logger, ex, options.StandbyInterval.TotalSeconds);
            }

            await Task.Delay(options.StandbyInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return false;
    }

    /// <summary>
    /// Renews the lease while this instance leads; cancels <paramref name="leading"/> when it is lost, when it could not
    /// be renewed in time, or when the stream has gone silent (to open a new one).
    /// </summary>
    /// <remarks>
    /// Leading ends before the lease can run out in anyone's eyes: <see cref="ListenerLeaseOptions.TimeToLive"/> after
    /// the last write that took or renewed it was sent, less one renew interval as a margin. A renewal that hangs
    /// (a half-open connection) is cut off at that deadline too.
    /// </remarks>
    private async Task KeepLeaseAsync(ListenerLease lease, CancellationTokenSource leading)
    {
        var timing = services.GetRequiredService<IOptions<ListenerLeaseOptions>>().Value;
        var silenceLimit = options.Value.SilenceLimit;
        var leadFor = timing.TimeToLive - timing.RenewInterval;
        while (!leading.IsCancellationRequested)
        {
            var left = leadFor - time.GetElapsedTime(lease.ConfirmedAt);
            await Task.Delay(left < timing.RenewInterval ? TimeSpan.FromTicks(Math.Max(0, left.Ticks)) : timing.RenewInterval, time, leading.Token)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (leading.IsCancellationRequested || !lease.IsLeader)
            {
                break;
            }

            left = leadFor - time.GetElapsedTime(lease.ConfirmedAt);
            if (left <= TimeSpan.Zero)
            {
                lease.Lost();
                LogLeaseLost(logger, "nobody known (it could not be renewed in time)");
                break;
            }

            try
            {
                using var deadline = new CancellationTokenSource(left, time);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(leading.Token, deadline.Token);
                if (!await lease.RenewAsync(attempt.Token))
                {
                    LogLeaseLost(logger, lease.Holder?.Instance ?? "another instance");
                    break;
                }
            }
            catch (Exception ex) when (!leading.IsCancellationRequested)
            {
                // MongoDB did not answer in time: the lease stands while its time lasts; the next pass tries again or gives it up.
                LogRenewalFailed(logger, ex);
                continue;
            }

            if (status.Listener.State == ListenerState.Listening && status.Held is null
                && status.LastReadAt is { } read && time.GetUtcNow() - read > silenceLimit)
            {
                // The stream has not answered for far longer than a getMore waits (a half-open connection): this
                // instance keeps the lease, stops reading and opens a new stream from the checkpoint.
                LogStreamSilent(logger, (time.GetUtcNow() - read).TotalSeconds);
                await leading.CancelAsync();
                return;
            }
        }

        if (!lease.IsLeader)
        {
            await leading.CancelAsync();
        }
    }

    private async Task ReleaseAsync(ListenerLease lease)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await lease.ReleaseAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            // It runs out by itself.
            LogReleaseFailed(logger, ex);
        }
    }

    /// <summary>Reads the stream while this instance leads; returns when it stops leading or the service stops.</summary>
    private async Task ListenAsync(ListenerLease lease, CancellationToken leading)
    {
        var planner = services.GetRequiredService<ListenerStartPlanner>();
        var reader = services.GetRequiredService<OrderStreamReader>();
        var retry = backoff.Start(time);
        string? positionLost = null;

        while (!leading.IsCancellationRequested)
        {
            try
            {
                var start = await planner.PlanAsync(positionLost, leading);
                if (await reader.ReadAsync(start, retry, () => positionLost = null, leading) is StreamEnd.Invalidated)
                {
                    // Invalidated: the checkpoint now holds the invalidate's token, and the next stream starts after it.
                    continue;
                }

                throw new MongoClientException($"The server closed the change stream on '{options.Value.OrdersCollection}' without an invalidate event.");
            }
            catch (Exception) when (leading.IsCancellationRequested || !lease.IsLeader)
            {
                // Stopping, or no longer leading: whatever the cancelled call threw is not a failure.
                return;
            }
            catch (Exception ex)
            {
                var delay = Report(ChangeStreamFailure.From(ex), ex, retry, ref positionLost);
                await retry.WaitAsync(delay, leading).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private TimeSpan Report(ChangeStreamFailure failure, Exception exception, RetrySchedule retry, ref string? positionLost)
    {
        var delay = retry.NextDelay();
        metrics.ListenerRetry(failure.Kind.ToString());
        switch (failure.Kind)
        {
            case ChangeStreamFailureKind.PositionLost:
                // Until a catch-up completes, every pass catches up (a catch-up cut short is simply run again);
                // the first one starts at once.
                positionLost = failure.Reason;
                status.CatchingUp($"The stream's position was lost ({failure.Reason}); catching up from the orders collection.");
                metrics.HistoryLost(failure.Code);
                LogPositionLost(logger, exception, failure.Reason);
                return retry.Failures == 1 ? TimeSpan.Zero : delay;
            case ChangeStreamFailureKind.Misconfigured:
                status.Misconfigured(failure.Reason, delay);
                LogMisconfigured(logger, exception, failure.Reason, delay.TotalSeconds);
                return delay;
            case ChangeStreamFailureKind.OrderHeld:
                var relay = (OrderRelayException)exception;
                status.Hold(relay.OrderId ?? "(no order id)", relay.SourceId?.ToString(), HoldReason.RelayFailed, failure.Reason, retry.Failures, delay);
                LogOrderHeld(logger, exception, relay.OrderId ?? "(no order id)", delay.TotalSeconds, retry.Failures);
                return delay;
            default:
                status.WaitingForMongoDB(failure.Reason, delay);
                LogMongoUnavailable(logger, exception, delay.TotalSeconds);
                return delay;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance ({Instance}) leads the order listener now (lease token {Token})")]
    private static partial void LogLeading(ILogger logger, string instance, long token);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The order listener's lease was lost to {Holder}; this instance stops forwarding and stands by")]
    private static partial void LogLeaseLost(ILogger logger, string holder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The order listener's lease could not be renewed; it holds a little longer and is given up before it runs out")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change stream has not answered for {Seconds:0} s; it is opened again from the checkpoint")]
    private static partial void LogStreamSilent(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The order listener's lease could not be given up on stopping; it runs out by itself")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB is not configured (ConnectionStrings:orders); the order listener is idle")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB is unreachable or failed; the order listener retries in {DelaySeconds:0.0} s")]
    private static partial void LogMongoUnavailable(ILogger logger, Exception exception, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "MongoDB cannot serve the order listener: {Reason}; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogMisconfigured(ILogger logger, Exception exception, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "The order stream's position was lost ({Reason}): catching up from the orders collection")]
    private static partial void LogPositionLost(ILogger logger, Exception exception, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Order {OrderId} could not be relayed; holding it and the orders behind it, retrying in {DelaySeconds:0.0} s (attempt {Attempts})")]
    private static partial void LogOrderHeld(ILogger logger, Exception exception, string orderId, double delaySeconds, int attempts);
}
