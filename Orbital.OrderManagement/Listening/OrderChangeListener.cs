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
/// stream that opens and fails again does not hammer MongoDB once a second.
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

        var planner = services.GetRequiredService<ListenerStartPlanner>();
        var reader = services.GetRequiredService<OrderStreamReader>();
        var retry = backoff.Start(time);
        string? positionLost = null;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var start = await planner.PlanAsync(positionLost, stoppingToken);
                if (await reader.ReadAsync(start, retry, () => positionLost = null, stoppingToken) is StreamEnd.Invalidated)
                {
                    // Invalidated: the checkpoint now holds the invalidate's token, and the next stream starts after it.
                    continue;
                }

                throw new MongoClientException($"The server closed the change stream on '{options.Value.OrdersCollection}' without an invalidate event.");
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: whatever the cancelled call threw (an RpcException, a MongoDB error) is not a failure.
                return;
            }
            catch (Exception ex)
            {
                var delay = Report(ChangeStreamFailure.From(ex), ex, retry, ref positionLost);
                await retry.WaitAsync(delay, stoppingToken);
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
