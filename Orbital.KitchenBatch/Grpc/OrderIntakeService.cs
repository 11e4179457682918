using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Services;

namespace Orbital.KitchenBatch.Grpc;

/// <summary>
/// <c>OrderIntake.SubmitOrder</c>: validates (<c>INVALID_ARGUMENT</c> with every broken field), stores the order
/// once (a repeat is OK with <c>duplicate = true</c>), and answers <c>UNAVAILABLE</c> while PostgreSQL cannot
/// take it, which tells the sender to hold the order and retry.
/// </summary>
public sealed partial class OrderIntakeService(
    KitchenOrderIntake intake,
    KitchenSchemaState schema,
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

        if (!schema.IsReady)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"The kitchen database is not ready: {schema.Current.LastError}"));
        }

        try
        {
            var result = await intake.AcceptAsync(request, context.CancellationToken);
            LogAccepted(logger, request.OrderId, result.Duplicate);
            return new OrderAck
            {
                OrderId = request.OrderId,
                Duplicate = result.Duplicate,
                AcceptedAt = Timestamp.FromDateTimeOffset(result.AcceptedAt),
            };
        }
        catch (Exception ex) when (context.CancellationToken.IsCancellationRequested)
        {
            // The caller's deadline passed (or it went away) while the database worked: nothing was committed.
            var code = context.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
            throw new RpcException(new Status(code, "The order was not stored before the call ended.", ex));
        }
        catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex))
        {
            LogDatabaseUnavailable(logger, ex, request.OrderId);
            throw new RpcException(new Status(StatusCode.Unavailable, $"The kitchen database is unavailable: {ex.Message}"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} accepted (duplicate: {Duplicate})")]
    private static partial void LogAccepted(ILogger logger, string orderId, bool duplicate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} refused as invalid: {Errors}")]
    private static partial void LogInvalid(ILogger logger, string orderId, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId} could not be stored: PostgreSQL is unavailable")]
    private static partial void LogDatabaseUnavailable(ILogger logger, Exception exception, string orderId);
}
