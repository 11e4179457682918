using System.Data;
using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Events;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Model.Views;

namespace Orbital.KitchenBatch.Services;

/// <summary>What the screens and the REST API read: stations, their batch items, orders and their progress.</summary>
public sealed class KitchenQueries(KitchenDbContext db)
{
    private const int ReadyOrdersShown = 50;

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
        var ready = await ReadyOrdersAsync(cancellationToken);
        var surplus = await SurplusAsync(station, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new StationBoardView(station, lastEventId, [.. items.Select(BatchItemView.From)], ready, surplus);
    }

    /// <summary>The station of a batch item; null when there is no such batch item.</summary>
    public Task<string?> BatchItemStationAsync(long id, CancellationToken cancellationToken)
        => db.BatchItems.AsNoTracking().Where(b => b.Id == id).Select(b => b.Station).SingleOrDefaultAsync(cancellationToken);

    /// <summary>A batch item and the open lines it serves, in the order completions go to them.</summary>
    public async Task<BatchItemDetailView?> BatchItemAsync(long id, CancellationToken cancellationToken)
    {
        var item = await db.BatchItems.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (item is null)
        {
            return null;
        }

        var lines = await db.OrderLines.AsNoTracking()
            .Where(l => l.BatchItemId == id && l.CompletedQuantity < l.Quantity)
            .Include(l => l.Order)
            .ToListAsync(cancellationToken);
        var orders = BatchAllocator.OldestFirst(lines)
            .Select(l => new BatchItemOrderView(l.Order!.OrderId, l.Order.Brand, l.PlacedAt, l.LineId, l.Quantity, l.CompletedQuantity, l.Note))
            .ToList();
        return new BatchItemDetailView(BatchItemView.From(item), orders);
    }

    /// <summary>An order's status and the progress of each line; null when the kitchen does not have it.</summary>
    public async Task<OrderProgressView?> OrderAsync(string orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking()
            .Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        return order is null
            ? null
            : new OrderProgressView(
                order.OrderId,
                order.Brand,
                order.Status.ToString(),
                order.PlacedAt,
                order.ReceivedAt,
                order.ReadyAt,
                order.CancelledAt,
                order.CancelReason,
                [.. order.Lines.OrderBy(l => l.LineId, StringComparer.Ordinal).Select(l => new OrderLineProgressView(
                    l.LineId, l.Station, l.ItemName, l.Modifiers, l.Note, l.Quantity, l.CompletedQuantity, l.BatchItemId))]);
    }

    /// <summary>Cooked food no order has taken yet, by station, the oldest first.</summary>
    public async Task<List<SurplusView>> SurplusAsync(string? station, CancellationToken cancellationToken)
    {
        var items = db.BatchItems.AsNoTracking().Where(b => b.SurplusQuantity > 0);
        if (station is not null)
        {
            items = items.Where(b => b.Station == station);
        }

        var surplus = await items.OrderBy(b => b.Station).ThenBy(b => b.SurplusSince).ThenBy(b => b.Id).ToListAsync(cancellationToken);
        return [.. surplus.Select(SurplusView.From)];
    }

    /// <summary>The most recently ready orders, newest first: what is waiting to be packed.</summary>
    public async Task<List<ReadyOrderView>> ReadyOrdersAsync(CancellationToken cancellationToken)
        => await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Ready)
            .OrderByDescending(o => o.ReadyAt)
            .Take(ReadyOrdersShown)
            .Select(o => new ReadyOrderView(o.OrderId, o.Brand, o.PlacedAt, o.ReadyAt!.Value))
            .ToListAsync(cancellationToken);
}
