using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Stations;

/// <summary>The stations and the batch items each one has to cook.</summary>
public static class StationsApi
{
    public static IEndpointRouteBuilder MapStationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/stations").WithTags("Stations").RequireAuthorization();

        api.MapGet("/", GetStations)
            .WithName("GetStations")
            .WithSummary("Lists the stations with their open quantities, the one waiting longest first.");

        api.MapGet("/{station}/batch-items", GetStationBatchItems)
            .WithName("GetStationBatchItems")
            .WithSummary("Lists a station's open batch items, oldest open order first, with the event id to stream from.");

        api.MapGet("/{station}/board", GetStationBoard)
            .WithName("GetStationBoard")
            .WithSummary("Gets what a station board paints first: its open batch items with their schedules, the ready and late orders, read in one snapshot, with the event id to stream from.");

        api.MapGet("/{station}/late-orders", GetLateOrders)
            .WithName("GetLateOrders")
            .WithSummary("Lists the open orders past their due time with something left to cook at the station, earliest due first; stale ones marked.");

        return app;
    }

    public static async Task<Ok<List<StationView>>> GetStations(StationQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
        => TypedResults.Ok(await queries.StationsAsync(cancellationToken));

    public static async Task<Results<Ok<StationBatchItemsView>, ProblemHttpResult>> GetStationBatchItems(
        string station,
        StationQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!KitchenCaller.From(user).MayActOn(station))
        {
            return ApiProblems.OtherStation(KitchenCaller.From(user).Station, station);
        }

        var items = await queries.StationBatchItemsAsync(station, cancellationToken);
        return items is null
            ? ApiProblems.NotFound($"No station is called '{station}'. GET /api/stations lists them.")
            : TypedResults.Ok(items);
    }

    public static async Task<Results<Ok<StationBoardView>, ProblemHttpResult>> GetStationBoard(
        string station,
        StationQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!KitchenCaller.From(user).MayActOn(station))
        {
            return ApiProblems.OtherStation(KitchenCaller.From(user).Station, station);
        }

        var board = await queries.StationBoardAsync(station, cancellationToken);
        return board is null
            ? ApiProblems.NotFound($"No station is called '{station}'. GET /api/stations lists them.")
            : TypedResults.Ok(board);
    }

    public static async Task<Results<Ok<List<LateOrderView>>, ProblemHttpResult>> GetLateOrders(
        string station,
        StationQueries queries, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (!KitchenCaller.From(user).MayActOn(station))
        {
            return ApiProblems.OtherStation(KitchenCaller.From(user).Station, station);
        }

        return TypedResults.Ok(await queries.LateOrdersAsync(station, cancellationToken));
    }
}
