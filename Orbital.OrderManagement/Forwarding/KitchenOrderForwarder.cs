using Grpc.Core;
using Microsoft.Extensions.Options;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Mapping;
using Orbital.ServiceDefaults.Resilience;

namespace Orbital.OrderManagement.Forwarding;

/// <summary>
/// Talks to the kitchen's <c>OrderIntake</c>. Hands one order (or one change to it) over with <c>SubmitOrder</c> or
/// <c>CancelOrder</c>, each call with a deadline, and keeps trying with the shared backoff until the kitchen
/// acknowledges it. The order id and the change's revision make each call idempotent, so a retry after a lost
/// answer is harmless. Only <c>INVALID_ARGUMENT</c> ends without an
/// acknowledgement; every other answer holds the order (and the flow behind it), with a delay that grows to the
/// maximum, and says so in the status.
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
    private static readonly TimeSpan s_rehearsalDeadline = TimeSpan.FromSeconds(2);
    private readonly TimeSpan _deadline = options.Value.Deadline;
    /// <param name="request">A valid order, as it is at its revision.</param>
    /// <param name="sourceId">The platform document's id, for the status of a held order.</param>
    /// <param name="cancellationToken">Stops waiting for the kitchen.</param>
    public Task<ForwardOutcome> ForwardAsync(OrderRequest request, string? sourceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(request.OrderId, sourceId, (deadline, token) => kitchen.SubmitOrderAsync(request, deadline: deadline, cancellationToken: token), cancellationToken);
    }

    /// <param name="cancellation">A valid cancellation.</param>
    /// <param name="cancellationToken">Stops waiting for the kitchen.</param>
    public Task<ForwardOutcome> CancelAsync(OrderCancellation cancellation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cancellation);
        var orderId = string.IsNullOrEmpty(cancellation.OrderId) ? $"(deleted document {cancellation.SourceId})" : cancellation.OrderId;
        return SendAsync(orderId, cancellation.SourceId, (deadline, token) => kitchen.CancelOrderAsync(cancellation, deadline: deadline, cancellationToken: token), cancellationToken);
    }

    /// <summary>
    /// Sends many changes in one <c>SubmitOrders</c> call, retrying an unavailable kitchen (or a missed deadline) with
    /// the shared backoff, holding the batch visibly meanwhile.
    /// </summary>
    /// <returns>One result per change, in order; null when the kitchen failed the call in another way (a bug on its side, or a batch it will not take), so that the caller sends them one at a time.</returns>
    public async Task<IReadOnlyList<OrderBatchItemResult>?> SendBatchAsync(IReadOnlyList<PreparedChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var batch = BatchOf(changes);
        var started = time.GetTimestamp();
        var first = changes[0];
        var others = changes.Count == 1 ? string.Empty : $"; {changes.Count - 1} more wait in the same batch";
        try
        {
            var result = await CallUntilAnsweredAsync(
                (deadline, token) => kitchen.SubmitOrdersAsync(batch, deadline: deadline, cancellationToken: token),
                ex => ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded,
                (ex, delay, failures) =>
                {
                    status.Hold(first.Name, first.DocumentKey, HoldReason.KitchenUnavailable, $"the kitchen answered {ex.StatusCode} ({ex.Status.Detail}){others}", failures, delay);
                    metrics.ForwardRetry(ex.StatusCode.ToString());
                    LogKitchenUnavailable(logger, first.Name, ex.StatusCode, delay.TotalSeconds, ex.Status.Detail + others);
                },
                cancellationToken);
            status.Release();
            var elapsed = time.GetElapsedTime(started);
            foreach (var item in result.Results.Where(r => r.Ack is not null))
            {
                metrics.Forwarded(item.Ack.Duplicate, elapsed);
            }

            LogBatchForwarded(logger, changes.Count, first.Name);
            return result.Results.Count == changes.Count ? result.Results : null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Anything else (a kitchen bug, a batch it will not take, a channel that broke): one at a time, so
            // that only the change that cannot pass is held, by name.
            LogBatchFailed(logger, ex, changes.Count, (ex as RpcException)?.StatusCode);
            return null;
        }
    }

    /// <summary>
    /// The rehearsal of <see cref="SendBatchAsync"/>: one <c>RehearseOrders</c> call with the same batch, which the
    /// kitchen takes through the same intake and rolls back. Nothing is held, retried, counted or sent one at a time,
    /// and the call has a short deadline of its own: the stream does not wait long for a kitchen that is not there.
    /// </summary>
    /// <exception cref="RpcException">The kitchen failed the call (an older kitchen answers <c>UNIMPLEMENTED</c>).</exception>
    /// <exception cref="InvalidOperationException">The kitchen answered, but did not take every change.</exception>
    public async Task RehearseBatchAsync(IReadOnlyList<PreparedChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var batch = BatchOf(changes);
        var result = await CallUntilAnsweredAsync(
            (_, token) => kitchen.RehearseOrdersAsync(batch, deadline: time.GetUtcNow().UtcDateTime + s_rehearsalDeadline, cancellationToken: token),
            _ => false,
            (_, _, _) => { },
            cancellationToken);
        if (result.Results.Count != changes.Count || result.Results.Any(r => r.Ack is null))
        {
            var reasons = result.Results.SelectMany(r => r.Invalid).Select(v => $"{v.Field} {v.Description}");
            throw new InvalidOperationException($"The kitchen did not take the rehearsal: {string.Join("; ", reasons)}");
        }
    }

    private static OrderBatch BatchOf(IReadOnlyList<PreparedChange> changes)
    {
        var batch = new OrderBatch();
        batch.Items.AddRange(changes.Select(c => c.Item!));
        return batch;
    }

    private async Task<ForwardOutcome> SendAsync(
        string orderId,
        string? sourceId,
        Func<DateTime, CancellationToken, AsyncUnaryCall<OrderAck>> call,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            // UNAVAILABLE and DEADLINE_EXCEEDED are the expected failures; any other status but INVALID_ARGUMENT is
            // retried too, because dropping an order is never the answer to a kitchen problem. It is held, visibly.
            var ack = await CallUntilAnsweredAsync(
                call,
                ex => ex.StatusCode != StatusCode.InvalidArgument,
                (ex, delay, failures) =>
                {
                    var expected = ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded;
                    status.Hold(
                        orderId,
                        sourceId,
                        expected ? HoldReason.KitchenUnavailable : HoldReason.KitchenFailed,
                        $"the kitchen answered {ex.StatusCode} ({ex.Status.Detail})",
                        failures,
                        delay);
                    metrics.ForwardRetry(ex.StatusCode.ToString());
                    if (expected)
                    {
                        LogKitchenUnavailable(logger, orderId, ex.StatusCode, delay.TotalSeconds, ex.Status.Detail);
                    }
                    else
                    {
                        LogKitchenFailed(logger, ex, orderId, ex.StatusCode, delay.TotalSeconds, failures);
                    }
                },
                cancellationToken);
            status.Release();
            metrics.Forwarded(ack.Duplicate, time.GetElapsedTime(started));
            LogForwarded(logger, orderId, ack.Duplicate, ack.Changed);
            return new ForwardOutcome.Acknowledged(ack);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            status.Release();
            return new ForwardOutcome.Refused(OrderIntakeErrors.Reasons(ex));
        }
    }

    /// <summary>
    /// Asks the kitchen what it holds, retrying an unavailable kitchen with the shared backoff: a listener
    /// without a checkpoint cannot tell a first start from a lost checkpoint without the answer.
    /// </summary>
    /// <returns>The answer; null when the kitchen does not have the call (<c>UNIMPLEMENTED</c>: an older version).</returns>
    public Task<IntakeState?> GetIntakeStateAsync(Action<string, TimeSpan> waiting, CancellationToken cancellationToken)
        => AskAsync("GetIntakeState", (deadline, token) => kitchen.GetIntakeStateAsync(new IntakeStateRequest(), deadline: deadline, cancellationToken: token), waiting, cancellationToken);

    /// <summary>Asks the kitchen which orders it is still working on, retrying an unavailable kitchen with the shared backoff.</summary>
    /// <returns>The answer; null when the kitchen does not have the call (<c>UNIMPLEMENTED</c>: an older version).</returns>
    public Task<ActiveOrders?> GetActiveOrdersAsync(Action<string, TimeSpan> waiting, CancellationToken cancellationToken)
        => AskAsync("GetActiveOrders", (deadline, token) => kitchen.GetActiveOrdersAsync(new ActiveOrdersRequest(), deadline: deadline, cancellationToken: token), waiting, cancellationToken);

    /// <summary>
    /// One question to the kitchen, asked until it answers. A kitchen that does not have the call at all (an older
    /// version during a rolling upgrade) answers <c>UNIMPLEMENTED</c>, which no retry changes: the caller falls back
    /// to what it can do without the answer, and the status says so until the kitchen answers again.
    /// </summary>
    private async Task<T?> AskAsync<T>(string call, Func<DateTime, CancellationToken, AsyncUnaryCall<T>> ask, Action<string, TimeSpan> waiting, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(waiting);
        try
        {
            var answer = await CallUntilAnsweredAsync(
                ask,
                ex => ex.StatusCode != StatusCode.Unimplemented,
                (ex, delay, _) =>
                {
                    waiting($"{ex.StatusCode} ({ex.Status.Detail})", delay);
                    LogKitchenStateUnknown(logger, ex.StatusCode, delay.TotalSeconds, ex.Status.Detail);
                },
                cancellationToken);
            status.KitchenAnswered(call);
            return answer;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented && !cancellationToken.IsCancellationRequested)
        {
            LogKitchenLacksCall(logger, call, ex.Status.Detail);
            return null;
        }
    }

    /// <summary>
    /// The one retry loop of every call to the kitchen: makes <paramref name="call"/> until it answers. A failure
    /// <paramref name="retries"/> accepts is told to <paramref name="waiting"/> (with the delay and the failures so
    /// far) and waited out by the shared backoff; any other failure, or a cancellation, leaves.
    /// </summary>
    private async Task<T> CallUntilAnsweredAsync<T>(
        Func<DateTime, CancellationToken, AsyncUnaryCall<T>> call,
        Func<RpcException, bool> retries,
        Action<RpcException, TimeSpan, int> waiting,
        CancellationToken cancellationToken)
    {
        var retry = backoff.Start(time);
        while (true)
        {
            try
            {
                return await call(Deadline(), cancellationToken);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested && retries(ex))
            {
                var delay = retry.NextDelay();
                waiting(ex, delay, retry.Failures);
                await retry.WaitAsync(delay, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    private DateTime Deadline() => time.GetUtcNow().UtcDateTime + _deadline;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kitchen acknowledged order {OrderId} (duplicate: {Duplicate}, changed: {Changed})")]
    private static partial void LogForwarded(ILogger logger, string orderId, bool duplicate, bool changed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kitchen answered a batch of {Count} changes, the first of order {OrderId}")]
    private static partial void LogBatchForwarded(ILogger logger, int count, string orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kitchen failed a batch of {Count} changes ({StatusCode}); sending them one at a time")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count, StatusCode? statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kitchen did not take order {OrderId} ({StatusCode}: {Detail}); retrying in {DelaySeconds:0.0} s")]
    private static partial void LogKitchenUnavailable(ILogger logger, string orderId, StatusCode statusCode, double delaySeconds, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kitchen failed order {OrderId} with {StatusCode}; holding it and retrying in {DelaySeconds:0.0} s (attempt {Attempts})")]
    private static partial void LogKitchenFailed(ILogger logger, Exception exception, string orderId, StatusCode statusCode, double delaySeconds, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kitchen does not have {Call} (UNIMPLEMENTED: an older version?): {Detail}; falling back to what the listener can do without it")]
    private static partial void LogKitchenLacksCall(ILogger logger, string call, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kitchen did not say what it holds ({StatusCode}: {Detail}); asking again in {DelaySeconds:0.0} s")]
    private static partial void LogKitchenStateUnknown(ILogger logger, StatusCode statusCode, double delaySeconds, string detail);
}
