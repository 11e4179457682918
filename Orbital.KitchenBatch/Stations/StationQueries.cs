using System.Data;
using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Surplus;

namespace Orbital.KitchenBatch.Stations;

/// <summary>What the station boards and the REST API read of stations: their totals, batch items, ready orders and surplus.</summary>
public sealed class StationQueries(KitchenDbContext db, OrderQueries orderQueries, SurplusQueries surplusQueries, FireSchedule schedule)
{
    /// <summary>Every station that has ever had a batch item, with its open totals; busiest (oldest open) first.</summary>
    public async Task<List<StationView>> StationsAsync(CancellationToken cancellationToken)
    {
        var stations = await db.BatchItems.AsNoTracking()
            .GroupBy(b => b.Station)
            .Select(g => new StationView(
                g.Key,
                g.Sum(b => b.OpenQuantity),
                g.Sum(b => b.InProgressQuantity),
                g.Count(b => b.OpenQuantity > 0),
                g.Min(b => b.OldestOpenPlacedAt)))
            .ToListAsync(cancellationToken);
        return [.. stations.OrderBy(s => s.OldestOpenPlacedAt ?? DateTimeOffset.MaxValue).ThenBy(s => s.Station, StringComparer.Ordinal)];
    }

    /// <summary>
    /// A station's open batch items, the one whose oldest open line is oldest first, with the id of the last
    /// kitchen event they include: both are read in one snapshot, so a screen that subscribes after that id
    /// misses nothing and sees nothing twice. Null when the station has never had a batch item.
    /// </summary>
    public async Task<StationBatchItemsView?> StationBatchItemsAsync(string station, CancellationToken cancellationToken)
        => await StationBoardAsync(station, cancellationToken) is { } board
            ? new StationBatchItemsView(board.Station, board.LastEventId, board.Items)
            : null;

    /// <summary>
    /// What a station board paints first: its open batch items and the orders ready for packing, with the id of
    /// the last event they include, all read in one snapshot (repeatable read), so that an order that becomes
    /// ready while the board loads is either in the list or after the id, never neither.
    /// </summary>
    public async Task<StationBoardView?> StationBoardAsync(string station, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        if (!await db.BatchItems.AnyAsync(b => b.Station == station, cancellationToken))
        {
            return null;
        }

        var lastEventId = await db.Events.LastIdAsync(cancellationToken);
        var items = await db.BatchItems.AsNoTracking()
            .Where(b => b.Station == station && b.OpenQuantity > 0)
            .OrderBy(b => b.OldestOpenPlacedAt)
            .ThenBy(b => b.Id)
            .ToListAsync(cancellationToken);
        var ready = await orderQueries.ReadyOrdersAsync(cancellationToken);
        var surplus = await surplusQueries.SurplusAsync(station, cancellationToken);
        var window = schedule.Now();
        var late = await LateOrdersAsync(station, window, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StationBoardView(
            station,
            lastEventId,
            [.. items.Select(i => BatchItemView.From(i, window))],
            ready,
            surplus,
            ScheduleTimingView.From(window),
            late);
    }

    /// <summary>
    /// The open orders with something left to cook at <paramref name="station"/> whose due time has passed, earliest due
    /// first (at most 200): the late ones, the stale among them marked.
    /// </summary>
    public Task<List<LateOrderView>> LateOrdersAsync(string station, CancellationToken cancellationToken)
        => LateOrdersAsync(station, schedule.Now(), cancellationToken);

    private async Task<List<LateOrderView>> LateOrdersAsync(string station, ScheduleWindow window, CancellationToken cancellationToken)
    {
        var now = window.Now;
        var late = await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Open && o.DueAt <= now)
            .Select(o => new
            {
                o.OrderId,
                o.Brand,
                o.PlacedAt,
                o.DueAt,
                Open = o.Lines.Where(l => l.Station == station && l.CompletedQuantity < l.Quantity).Sum(l => l.Quantity - l.CompletedQuantity),
            })
            .Where(o => o.Open > 0)
            .OrderBy(o => o.DueAt)
            .Take(200)
            .ToListAsync(cancellationToken);
        return [.. late.Select(o => new LateOrderView(o.OrderId, o.Brand, o.PlacedAt, o.DueAt, o.Open, window.IsStale(o.DueAt)))];
    }
}
