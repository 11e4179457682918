using Microsoft.AspNetCore.Http.HttpResults;
using Orbital.KitchenBatch.Idempotency;
using Orbital.KitchenBatch.Model.Views;
using Orbital.KitchenBatch.Security;

namespace Orbital.KitchenBatch.Apis;

/// <summary>
/// Surplus: food cooked for lines that were removed or cancelled. It goes to the next matching order by itself;
/// what nobody will take is discarded here, as waste with a reason.
/// </summary>
public static class SurplusApi
{
    public static IEndpointRouteBuilder MapSurplusApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/surplus").WithTags("Surplus").RequireAuthorization();

        api.MapGet("/", GetSurplus)
            .WithName("GetSurplus")
            .WithSummary("Lists the surplus by station (optionally one station's; a station's device gets its own), the oldest first.");

        api.MapPost("/{id:long}/discard", DiscardSurplus)
            .RequireRateLimiting(KitchenRateLimits.Writes)
            .WithIdempotency()
            .WithName("DiscardSurplus")
            .WithSummary("Discards some surplus and records it as waste, with the reason.");

        return app;
    }

    public static async Task<Results<Ok<List<SurplusView>>, ProblemHttpResult>> GetSurplus(string? station, [AsParameters] KitchenServices services)
    {
        // A station's device sees its own station's surplus, whatever it asks for; another station's is refused.
        var forStation = string.IsNullOrWhiteSpace(station) ? services.Caller.Station : station;
        if (forStation is not null && !services.Caller.MayActOn(forStation))
        {
            return ApiProblems.OtherStation(services.Caller.Station, forStation);
        }

        return TypedResults.Ok(await services.Queries.SurplusAsync(forStation, services.CancellationToken));
    }

    public static async Task<Results<Ok<SurplusView>, ValidationProblem, ProblemHttpResult>> DiscardSurplus(
        long id,
        DiscardRequest request,
        [AsParameters] KitchenServices services)
    {
        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var station = await services.Queries.BatchItemStationAsync(id, services.CancellationToken);
        if (station is null)
        {
            return ApiProblems.NotFound($"No surplus has id {id}. GET /api/surplus lists it.");
        }

        if (!services.Caller.MayActOn(station))
        {
            return ApiProblems.OtherStation(services.Caller.Station, station);
        }

        var result = await services.Batches.DiscardAsync(id, request.Quantity!.Value, request.Reason!.Trim(), services.Caller.Subject, services.CancellationToken);
        return result.Refusal is { } refusal ? ApiProblems.Conflict(refusal.Reason) : TypedResults.Ok(result.Surplus!);
    }
}
