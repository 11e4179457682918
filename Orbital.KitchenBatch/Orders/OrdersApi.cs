using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Orders;

/// <summary>Orders: how far one is, and which are ready to pack.</summary>
public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization();

        api.MapGet("/ready", GetReadyOrders)
            .WithName("GetReadyOrders")
            .WithSummary("Lists the orders most recently ready for packing, newest first.");

        api.MapGet("/{orderId}", GetOrder)
            .WithName("GetOrder")
            .WithSummary("Gets an order's status and each line's progress, by the ordering platform's order id (a station's device: its station's lines).");

        return app;
    }

    public static async Task<Ok<List<ReadyOrderView>>> GetReadyOrders(OrderQueries queries, CancellationToken cancellationToken)
        => TypedResults.Ok(await queries.ReadyOrdersAsync(cancellationToken));

    public static async Task<Results<Ok<OrderProgressView>, ProblemHttpResult>> GetOrder(string orderId, OrderQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var order = await queries.OrderAsync(orderId, cancellationToken);
        if (order is null)
        {
            return ApiProblems.NotFound($"The kitchen has no order '{orderId}'. It may not have arrived yet, or it was rejected.");
        }

        // A station's device sees the order and its own station's lines; the other stations' lines are not its business.
        return TypedResults.Ok(KitchenCaller.From(user).Station is { } station ? order with { Lines = [.. order.Lines.Where(l => l.Station == station)] } : order);
    }
}
