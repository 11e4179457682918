using Grpc.Core;
using Microsoft.Extensions.Options;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Options;
using Orbital.ServiceDefaults.Resilience;

namespace Orbital.OrderManagement.Services;

/// <summary>
/// Hands one order to the kitchen with <c>OrderIntake.SubmitOrder</c>, each call with a deadline, and keeps
/// trying with the shared backoff until the kitchen acknowledges it. The order id is the idempotency key, so a
/// retry after a lost answer is harmless. Only <c>INVALID_ARGUMENT</c> ends without an acknowledgement.
/// </summary>
public sealed partial class KitchenOrderForwarder(
    OrderIntake.OrderIntakeClient kitchen,
    IOptions<KitchenForwardingOptions> options,
    ExponentialBackoff backoff,
    OrderListenerStatus status,
    OrderFlowMetrics metrics,
    TimeProvider time,
    ILogger<KitchenOrderForwarder> logger)
{
    private readonly TimeSpan _deadline = options.Value.Deadline;

    public async Task<ForwardOutcome> ForwardAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var ack = await kitchen.SubmitOrderAsync(
                    request,
                    deadline: time.GetUtcNow().UtcDateTime + _deadline,
                    cancellationToken: cancellationToken);
                status.KitchenAnswered();
                metrics.Forwarded(ack.Duplicate, time.GetElapsedTime(started));
                LogForwarded(logger, request.OrderId, ack.Duplicate);
                return new ForwardOutcome.Acknowledged(ack);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
            {
                status.KitchenAnswered();
                return new ForwardOutcome.Refused(OrderIntakeErrors.Reasons(ex));
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                // UNAVAILABLE and DEADLINE_EXCEEDED are the expected ones; any other status is retried too,
                // because dropping an order is never the answer to a kitchen problem.
                var delay = backoff.DelayFor(attempt);
                status.WaitingForKitchen(request.OrderId, ex.StatusCode.ToString(), delay);
                metrics.ForwardRetry(ex.StatusCode.ToString());
                if (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    LogKitchenUnavailable(logger, request.OrderId, ex.StatusCode, delay.TotalSeconds, ex.Status.Detail);
                }
                else
                {
                    LogKitchenFailed(logger, ex, request.OrderId, ex.StatusCode, delay.TotalSeconds);
                }

                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kitchen acknowledged order {OrderId} (duplicate: {Duplicate})")]
    private static partial void LogForwarded(ILogger logger, string orderId, bool duplicate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kitchen did not take order {OrderId} ({StatusCode}: {Detail}); retrying in {DelaySeconds:0.0} s")]
    private static partial void LogKitchenUnavailable(ILogger logger, string orderId, StatusCode statusCode, double delaySeconds, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kitchen failed order {OrderId} with {StatusCode}; retrying in {DelaySeconds:0.0} s")]
    private static partial void LogKitchenFailed(ILogger logger, Exception exception, string orderId, StatusCode statusCode, double delaySeconds);
}
