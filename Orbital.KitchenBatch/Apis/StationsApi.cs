using Microsoft.AspNetCore.Http.HttpResults;
using Orbital.KitchenBatch.Model.Views;

namespace Orbital.KitchenBatch.Apis;

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
            .WithSummary("Gets what a station board paints first: its open batch items and the ready orders, read in one snapshot, with the event id to stream from.");

        return app;
    }

    public static async Task<Ok<List<StationView>>> GetStations([AsParameters] KitchenServices services)
        => TypedResults.Ok(await services.Queries.StationsAsync(services.CancellationToken));

    public static async Task<Results<Ok<StationBatchItemsView>, ProblemHttpResult>> GetStationBatchItems(
        string station,
        [AsParameters] KitchenServices services)
    {
        if (!services.Caller.MayActOn(station))
        {
            return ApiProblems.OtherStation(services.Caller.Station, station);
        }

        var items = await services.Queries.StationBatchItemsAsync(station, services.CancellationToken);
        return items is null
            ? ApiProblems.NotFound($"No station is called '{station}'. GET /api/stations lists them.")
            : TypedResults.Ok(items);
    }

    public static async Task<Results<Ok<StationBoardView>, ProblemHttpResult>> GetStationBoard(
        string station,
        [AsParameters] KitchenServices services)
    {
        if (!services.Caller.MayActOn(station))
        {
            return ApiProblems.OtherStation(services.Caller.Station, station);
        }

        var board = await services.Queries.StationBoardAsync(station, services.CancellationToken);
        return board is null
            ? ApiProblems.NotFound($"No station is called '{station}'. GET /api/stations lists them.")
            : TypedResults.Ok(board);
    }
}
