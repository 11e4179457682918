using Microsoft.AspNetCore.Http.HttpResults;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Devices;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Idempotency;
using Orbital.KitchenBatch.Screens.Payloads;

namespace Orbital.KitchenBatch.Schedule;

/// <summary>Closing an order that will not be cooked: a stale one, with the manager key.</summary>
public static class ScheduleApi
{
    public static IEndpointRouteBuilder MapScheduleApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orders/{orderId}/close", CloseOrder)
            .WithTags("Orders")
            .RequireAuthorization(DevicesApi.ManagerPolicy)
            .RequireRateLimiting(KitchenRateLimits.Writes)
            .WithIdempotency()
            .WithName("CloseOrder")
            .WithSummary("Closes an open order that will not be cooked (a stale one): its open demand leaves the batches, recorded on the order with the reason. Needs the manager key.");
        return app;
    }

    public static async Task<Results<Ok<OrderClosedPayload>, ValidationProblem, ProblemHttpResult>> CloseOrder(
        string orderId,
        CloseOrderRequest request,
        OrderClosingService closing,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(closing);
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > OrderLimits.MaxNameLength || request.Reason.Any(char.IsControl))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["reason"] = [$"A reason is required, one line of at most {OrderLimits.MaxNameLength} characters: what was closed is recorded with why."],
            });
        }

        var result = await closing.CloseAsync(orderId, request.Reason.Trim(), cancellationToken);
        if (!result.Found)
        {
            return ApiProblems.NotFound($"No order has id '{orderId}'.");
        }

        return result.Closing is { } closed
            ? TypedResults.Ok(closed)
            : TypedResults.Problem(
                detail: $"Order '{orderId}' is {result.Status}, not open: only an open order is closed.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Order not open");
    }
}

/// <summary>The body of <c>POST /api/orders/{orderId}/close</c>.</summary>
/// <param name="Reason">Why it is closed ("customer never came", "stale").</param>
public sealed record CloseOrderRequest(string? Reason);
