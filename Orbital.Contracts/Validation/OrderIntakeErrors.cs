using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Orbital.Contracts.Validation;

/// <summary>
/// How an invalid order travels over gRPC: <c>INVALID_ARGUMENT</c> with the rich error model's
/// <see cref="BadRequest"/> listing every broken field, so the sender can record exactly why.
/// </summary>
public static class OrderIntakeErrors
{
    /// <summary>The exception the kitchen throws for an order that breaks <paramref name="errors"/>.</summary>
    public static RpcException InvalidArgument(IReadOnlyList<OrderFieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);

        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(errors.Select(e => new BadRequest.Types.FieldViolation { Field = e.Field, Description = e.Message }));
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = $"The order is invalid: {string.Join("; ", errors)}",
            Details = { Any.Pack(badRequest) },
        };
        return status.ToRpcException();
    }

    /// <summary>The field errors an <c>INVALID_ARGUMENT</c> carries; the status message when it has none.</summary>
    public static IReadOnlyList<string> Reasons(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        var badRequest = exception.GetRpcStatus()?.GetDetail<BadRequest>();
        return badRequest is { FieldViolations.Count: > 0 }
            ? [.. badRequest.FieldViolations.Select(v => $"{v.Field} {v.Description}")]
            : [exception.Status.Detail];
    }
}
