using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// <c>OrderIntake</c>. <c>SubmitOrder</c> and <c>CancelOrder</c> validate (<c>INVALID_ARGUMENT</c> with every broken
/// field), apply each revision of an order once (a repeat or an older one is OK with <c>duplicate = true</c>), and answer <c>UNAVAILABLE</c> while PostgreSQL
/// cannot take it, which tells the sender to hold the order and retry. Data PostgreSQL refuses as such is
/// <c>INVALID_ARGUMENT</c> too, never <c>UNKNOWN</c>: the sender must record it, not retry it forever.
/// </summary>
public sealed partial class OrderIntakeService(
    KitchenOrderIntake intake,
    KitchenSchemaState schema,
    IOptions<KitchenIntakeOptions> options,
    ILogger<OrderIntakeService> logger) : OrderIntake.OrderIntakeBase
{
    public override async Task<OrderAck> SubmitOrder(OrderRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        var errors = OrderRequestValidator.Validate(request);
        if (errors.Count > 0)
        {
            LogInvalid(logger, request.OrderId, string.Join("; ", errors));
            throw OrderIntakeErrors.InvalidArgument(errors);
        }

        return await ApplyAsync(request.OrderId, request.OrderId, intake => intake.AcceptAsync(request, context.CancellationToken), context);
    }

    public override async Task<OrderAck> CancelOrder(OrderCancellation request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);

        var errors = OrderRequestValidator.Validate(request);
        var name = string.IsNullOrEmpty(request.OrderId) ? $"with source id {request.SourceId}" : request.OrderId;
        if (errors.Count > 0)
        {
            LogInvalid(logger, name, string.Join("; ", errors));
            throw OrderIntakeErrors.InvalidArgument(errors);
        }

        return await ApplyAsync(request.OrderId, name, intake => intake.CancelAsync(request, context.CancellationToken), context);
    }

    public override Task<OrderBatchResult> SubmitOrders(OrderBatch request, ServerCallContext context)
        => SubmitAsync(request, context, rehearsal: false);

    /// <summary>
    /// <c>SubmitOrders</c> for orders the kitchen has never seen, rolled back: the same validation, the same intake, the
    /// same answer, nothing stored. <c>FAILED_PRECONDITION</c> when an item would take another path.
    /// </summary>
    public override Task<OrderBatchResult> RehearseOrders(OrderBatch request, ServerCallContext context)
        => SubmitAsync(request, context, rehearsal: true);

    private async Task<OrderBatchResult> SubmitAsync(OrderBatch request, ServerCallContext context, bool rehearsal)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Items.Count > OrderLimits.MaxBatchItems)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"A batch holds at most {OrderLimits.MaxBatchItems} items; this one held {request.Items.Count}."));
        }

        if (request.Items.Count == 0)
        {
            return new OrderBatchResult();
        }

        var results = request.Items.Select(_ => new OrderBatchItemResult()).ToArray();
        var valid = new List<(int Index, OrderChange Change)>();
        for (var i = 0; i < request.Items.Count; i++)
        {
            var item = request.Items[i];
            var (change, errors) = item.ChangeCase switch
            {
                OrderBatchItem.ChangeOneofCase.Order => (OrderChange.Of(item.Order), OrderRequestValidator.Validate(item.Order)),
                OrderBatchItem.ChangeOneofCase.Cancellation => (OrderChange.Of(item.Cancellation), OrderRequestValidator.Validate(item.Cancellation)),
                _ => (null, [new OrderFieldError("change", "is required: an order or a cancellation")]),
            };
            if (errors.Count > 0)
            {
                results[i].Invalid.AddRange(errors.Select(e => new FieldViolation { Field = e.Field, Description = e.Message }));
            }
            else
            {
                valid.Add((i, change!));
            }
        }

        if (valid.Count > 0)
        {
            EnsureSchemaReady();
            if (rehearsal)
            {
                await RehearseBatchAsync(valid, results, context.CancellationToken);
            }
            else
            {
                await ApplyBatchAsync(valid, results, context.CancellationToken);
            }
        }

        var invalid = results.Count(r => r.Invalid.Count > 0);
        if (rehearsal)
        {
            LogRehearsal(logger, request.Items.Count, invalid);
        }
        else
        {
            LogBatch(logger, request.Items.Count, results.Count(r => r.Ack?.Duplicate == true), invalid);
        }

        var answer = new OrderBatchResult();
        answer.Results.AddRange(results);
        return answer;
    }

    /// <summary>
    /// Applies a batch in one transaction; when PostgreSQL refuses the data of one of its changes, applies them one
    /// at a time instead, so that only that one is refused.
    /// </summary>
    private async Task ApplyBatchAsync(List<(int Index, OrderChange Change)> valid, OrderBatchItemResult[] results, CancellationToken cancellationToken)
    {
        try
        {
            var applied = await intake.ApplyAsync([.. valid.Select(v => v.Change)], cancellationToken);
            for (var i = 0; i < valid.Count; i++)
            {
                results[valid[i].Index].Ack = Ack(valid[i].Change, applied[i]);
            }
        }
        catch (Exception ex) when (valid.Count > 1 && DatabaseFailures.IsDataError(ex, out _))
        {
            foreach (var (index, change) in valid)
            {
                try
                {
                    results[index].Ack = Ack(change, (await intake.ApplyAsync([change], cancellationToken))[0]);
                }
                catch (Exception one) when (DatabaseFailures.IsDataError(one, out var refusal))
                {
                    var field = string.IsNullOrEmpty(refusal.ColumnName) ? "order" : refusal.ColumnName;
                    LogRefusedByDatabase(logger, change.OrderId ?? change.SourceId ?? "?", refusal.SqlState, refusal.MessageText);
                    results[index].Invalid.Add(new FieldViolation { Field = field, Description = CannotStore(refusal) });
                }
            }
        }
    }

    private async Task RehearseBatchAsync(List<(int Index, OrderChange Change)> valid, OrderBatchItemResult[] results, CancellationToken cancellationToken)
    {
        IReadOnlyList<IntakeResult>? rehearsed;
        try
        {
            rehearsed = await intake.RehearseAsync([.. valid.Select(v => v.Change)], cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && DatabaseFailures.IsDataError(ex, out var refusal))
        {
            // Which order PostgreSQL refused cannot be told in a rehearsal's one transaction.
            throw OrderIntakeErrors.InvalidArgument([new("order", CannotStore(refusal))]);
        }

        if (rehearsed is null)
        {
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition,
                "A rehearsal takes only new orders the kitchen receives in one round trip; some of these would take the full path, which is not rehearsed (a change, a cancellation, an order it holds or that comes twice, a line that meets surplus, a document with another open order, or a transaction PostgreSQL broke off). Nothing was stored."));
        }

        for (var i = 0; i < valid.Count; i++)
        {
            results[valid[i].Index].Ack = Ack(valid[i].Change, rehearsed[i]);
        }
    }

    /// <summary>What a sender is told of data PostgreSQL refused.</summary>
    private static string CannotStore(Npgsql.PostgresException refusal) => $"cannot be stored by the kitchen: {refusal.MessageText} (SQLSTATE {refusal.SqlState})";

    private static OrderAck Ack(OrderChange change, IntakeResult result) => new()
    {
        OrderId = change.OrderId ?? string.Empty,
        Duplicate = result.Duplicate,
        Changed = result.Changed,
        AcceptedAt = Timestamp.FromDateTimeOffset(result.AcceptedAt),
    };

    /// <summary>Applies one change, telling the sender what to do about each way it can fail.</summary>
    /// <param name="orderId">The order id the acknowledgement names (empty for a deleted document's cancellation).</param>
    /// <param name="name">How the logs name the order.</param>
    /// <param name="apply">The change.</param>
    /// <param name="context">The call.</param>
    private async Task<OrderAck> ApplyAsync(string orderId, string name, Func<KitchenOrderIntake, Task<IntakeResult>> apply, ServerCallContext context)
    {
        EnsureSchemaReady();
        try
        {
            var result = await apply(intake);
            LogAccepted(logger, name, result.Duplicate, result.Changed);
            return new OrderAck
            {
                OrderId = orderId,
                Duplicate = result.Duplicate,
                Changed = result.Changed,
                AcceptedAt = Timestamp.FromDateTimeOffset(result.AcceptedAt),
            };
        }
        catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested && DatabaseFailures.IsDataError(ex, out var refusal))
        {
            var field = string.IsNullOrEmpty(refusal.ColumnName) ? "order" : refusal.ColumnName;
            LogRefusedByDatabase(logger, name, refusal.SqlState, refusal.MessageText);
            throw OrderIntakeErrors.InvalidArgument([new(field, CannotStore(refusal))]);
        }
    }

    public override async Task<IntakeState> GetIntakeState(IntakeStateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        EnsureSchemaReady();
        var (count, latest, revision) = await intake.StateAsync(context.CancellationToken);
        var state = new IntakeState { OrderCount = count, LatestRevision = revision };
        if (latest is not null)
        {
            state.LatestOrderId = latest.OrderId;
            state.LatestReceivedAt = Timestamp.FromDateTimeOffset(latest.ReceivedAt);
            state.LatestSourceId = latest.SourceId ?? string.Empty;
        }

        return state;
    }

    public override async Task<ActiveOrders> GetActiveOrders(ActiveOrdersRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        EnsureSchemaReady();
        var active = new ActiveOrders();
        active.Orders.AddRange((await intake.ActiveOrdersAsync(options.Value.MaxActiveOrders, context.CancellationToken))
            .Select(o => new ActiveOrder { OrderId = o.OrderId, SourceId = o.SourceId ?? string.Empty }));
        return active;
    }

    private void EnsureSchemaReady()
    {
        if (!schema.IsReady)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"The kitchen database is not ready: {schema.Current.LastError}"));
        }
    }

    // Per order and per call: at hundreds a second, writing these is work the kitchen's cores should spend on intake;
    // the intake's span and the orders.received meter tell the same.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Order {OrderId} accepted (duplicate: {Duplicate}, changed: {Changed})")]
    private static partial void LogAccepted(ILogger logger, string orderId, bool duplicate, bool changed);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Applied a batch of {Count} changes ({Duplicates} already applied, {Invalid} refused as invalid)")]
    private static partial void LogBatch(ILogger logger, int count, int duplicates, int invalid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rehearsed a batch of {Count} changes, rolled back ({Invalid} refused as invalid)")]
    private static partial void LogRehearsal(ILogger logger, int count, int invalid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} refused as invalid: {Errors}")]
    private static partial void LogInvalid(ILogger logger, string orderId, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} refused: PostgreSQL cannot store it ({SqlState}: {Reason})")]
    private static partial void LogRefusedByDatabase(ILogger logger, string orderId, string sqlState, string reason);
}
