using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Idempotency;

namespace Orbital.KitchenBatch.Surplus;

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

    public static async Task<Results<Ok<List<SurplusView>>, ProblemHttpResult>> GetSurplus(string? station, SurplusQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        // A station's device sees its own station's surplus, whatever it asks for; another station's is refused.
        var caller = KitchenCaller.From(user);
        var forStation = string.IsNullOrWhiteSpace(station) ? caller.Station : station;
        if (forStation is not null && !caller.MayActOn(forStation))
        {
            return ApiProblems.OtherStation(caller.Station, forStation);
        }

        return TypedResults.Ok(await queries.SurplusAsync(forStation, cancellationToken));
    }

    public static async Task<Results<Ok<SurplusView>, ValidationProblem, ProblemHttpResult>> DiscardSurplus(
        long id,
        DiscardRequest request,
        SurplusQueries queries,
        SurplusService surplus,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var station = await queries.BatchItemStationAsync(id, cancellationToken);
        if (station is null)
        {
            return ApiProblems.NotFound($"No surplus has id {id}. GET /api/surplus lists it.");
        }

        var caller = KitchenCaller.From(user);
        if (!caller.MayActOn(station))
        {
            return ApiProblems.OtherStation(caller.Station, station);
        }

        var result = await surplus.DiscardAsync(id, request.Quantity!.Value, request.Reason!.Trim(), caller.Subject, cancellationToken);
        return result.Refusal is { } refusal ? ApiProblems.Conflict(refusal.Reason) : TypedResults.Ok(result.Surplus!);
    }
}
