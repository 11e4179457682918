using Microsoft.AspNetCore.Http.HttpResults;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Idempotency;
using Orbital.KitchenBatch.Orders;

namespace Orbital.KitchenBatch.Batches;

/// <summary>One batch item: what it serves, and a cook starting and completing it.</summary>
public static class BatchItemsApi
{
    public static IEndpointRouteBuilder MapBatchItemsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/batch-items").WithTags("Batch items").RequireAuthorization();

        api.MapGet("/{id:long}", GetBatchItem)
            .WithName("GetBatchItem")
            .WithSummary("Gets a batch item and the open order lines it serves, in the order completions go to them.");

        api.MapPost("/{id:long}/start", StartBatchItem)
            .RequireRateLimiting(KitchenRateLimits.Writes)
            .WithIdempotency()
            .WithName("StartBatchItem")
            .WithSummary("Starts cooking some of a batch item's open demand.");

        api.MapPost("/{id:long}/complete", CompleteBatchItem)
            .RequireRateLimiting(KitchenRateLimits.Writes)
            .WithIdempotency()
            .WithName("CompleteBatchItem")
            .WithSummary("Completes some of a batch item; the oldest open order lines get them first.");

        return app;
    }

    public static async Task<Results<Ok<BatchItemDetailView>, ProblemHttpResult>> GetBatchItem(long id, [AsParameters] BatchServices services)
    {
        if (await RefusedAsync(id, services) is { } refused)
        {
            return refused;
        }

        var item = await services.Queries.BatchItemAsync(id, services.CancellationToken);
        return item is null ? ApiProblems.NotFound(NoSuchBatchItem(id)) : TypedResults.Ok(item);
    }

    public static Task<Results<Ok<BatchItemView>, ValidationProblem, ProblemHttpResult>> StartBatchItem(
        long id,
        QuantityRequest request,
        [AsParameters] BatchServices services)
        => ActAsync(id, request, services, services.Batches.StartAsync, done => TypedResults.Ok(done.BatchItem!));

    public static Task<Results<Ok<CompletionResponse>, ValidationProblem, ProblemHttpResult>> CompleteBatchItem(
        long id,
        QuantityRequest request,
        [AsParameters] BatchServices services)
        => ActAsync(id, request, services, services.Batches.CompleteAsync, done => TypedResults.Ok(new CompletionResponse(done.BatchItem!, done.ReadyOrders)));

    /// <summary>A start or a completion: the body validated, the batch item found and the caller's, then the action.</summary>
    private static async Task<Results<Ok<T>, ValidationProblem, ProblemHttpResult>> ActAsync<T>(
        long id,
        QuantityRequest request,
        BatchServices services,
        Func<long, int, CancellationToken, Task<BatchActionResult>> act,
        Func<BatchActionResult, Ok<T>> done)
    {
        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await RefusedAsync(id, services) is { } refused)
        {
            return refused;
        }

        return Respond(id, await act(id, request.Quantity!.Value, services.CancellationToken), done);
    }

    private static Results<Ok<T>, ValidationProblem, ProblemHttpResult> Respond<T>(long id, BatchActionResult result, Func<BatchActionResult, Ok<T>> done)
    {
        if (!result.Found)
        {
            return ApiProblems.NotFound(NoSuchBatchItem(id));
        }

        return result.Refusal is { } refusal ? ApiProblems.Conflict(refusal.Reason) : done(result);
    }

    /// <summary>404 for no such batch item, 403 when it is another station's than the calling device's; null when allowed.</summary>
    private static async Task<ProblemHttpResult?> RefusedAsync(long id, BatchServices services)
    {
        var station = await services.Queries.BatchItemStationAsync(id, services.CancellationToken);
        if (station is null)
        {
            return ApiProblems.NotFound(NoSuchBatchItem(id));
        }

        return services.Caller.MayActOn(station) ? null : ApiProblems.OtherStation(services.Caller.Station, station);
    }

    private static string NoSuchBatchItem(long id) => $"No batch item has id {id}. GET /api/stations/{{station}}/batch-items lists a station's.";
}

/// <summary>The answer to a completion: the batch item now, and the orders it made ready.</summary>
public sealed record CompletionResponse(BatchItemView BatchItem, IReadOnlyList<ReadyOrderView> ReadyOrders);
