using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Events;
using Orbital.KitchenBatch.Events.Payloads;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Model.Views;

namespace Orbital.KitchenBatch.Services;

/// <summary>
/// Starts and completes batch items. Each runs in one transaction that first locks the batch item's row, so two
/// cooks acting on the same batch at once are served one after the other and the second sees what the first
/// did: a batch is never over-completed. Orders a completion finishes are locked before their readiness is
/// decided, so two completions finishing one order's last two lines cannot both miss that it is ready.
/// </summary>
public sealed class BatchItemService(KitchenDbContext db, KitchenEventOutbox events, TimeProvider time)
{
    public async Task<BatchActionResult> StartAsync(long batchItemId, int quantity, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var item = await LockAsync(batchItemId, cancellationToken);
        if (item is null)
        {
            return BatchActionResult.NotFound;
        }

        if (BatchAllocator.Start(item, quantity, time.GetUtcNow()) is { } refusal)
        {
            return BatchActionResult.Refused(refusal);
        }

        await db.SaveChangesAsync(cancellationToken);
        events.Add(KitchenEventTypes.BatchStarted, item.Station, new BatchStartedPayload(item.Id, item.Station, item.ItemName, item.Modifiers, quantity));
        events.Add(KitchenEventTypes.BatchUpdated, item.Station, BatchItemView.From(item));
        await events.WriteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        events.Committed();
        return BatchActionResult.Done(BatchItemView.From(item), []);
    }

    public async Task<BatchActionResult> CompleteAsync(long batchItemId, int quantity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var item = await LockAsync(batchItemId, cancellationToken);
        if (item is null)
        {
            return BatchActionResult.NotFound;
        }

        var openLines = BatchAllocator.OldestFirst(await db.OrderLines
            .Where(l => l.BatchItemId == batchItemId && l.CompletedQuantity < l.Quantity)
            .ToListAsync(cancellationToken)).ToList();
        var completion = BatchAllocator.Complete(item, openLines, quantity, now);
        if (completion.Refusal is { } refusal)
        {
            return BatchActionResult.Refused(refusal);
        }

        await db.SaveChangesAsync(cancellationToken);
        var (orders, ready) = await MarkReadyOrdersAsync([.. completion.Allocations.Select(a => a.Line.KitchenOrderId).Distinct()], now, cancellationToken);

        events.Add(KitchenEventTypes.BatchCompleted, item.Station, new BatchCompletedPayload(
            item.Id,
            item.Station,
            item.ItemName,
            item.Modifiers,
            quantity,
            [.. completion.Allocations.Select(a => new AllocationPayload(orders[a.Line.KitchenOrderId].OrderId, a.Line.LineId, a.Quantity))]));
        events.Add(KitchenEventTypes.BatchUpdated, item.Station, BatchItemView.From(item));
        foreach (var order in ready)
        {
            events.Add(KitchenEventTypes.OrderReady, station: null, order);
        }

        await events.WriteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        events.Committed();
        return BatchActionResult.Done(BatchItemView.From(item), ready);
    }

    private async Task<BatchItem?> LockAsync(long batchItemId, CancellationToken cancellationToken)
        => (await db.BatchItems.FromSql($"SELECT * FROM batch_items WHERE id = {batchItemId} FOR UPDATE").ToListAsync(cancellationToken)).SingleOrDefault();

    /// <summary>Locks the orders a completion touched and marks those with nothing left to cook as ready.</summary>
    /// <returns>The orders by id, and the ones that became ready.</returns>
    private async Task<(Dictionary<long, KitchenOrder> Orders, List<ReadyOrderView> Ready)> MarkReadyOrdersAsync(long[] orderIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Locked in id order; a concurrent completion of another line of the same order waits here and then
        // sees this one's committed lines.
        var orders = await db.Orders
            .FromSql($"SELECT * FROM orders WHERE id = ANY({orderIds}) ORDER BY id FOR UPDATE")
            .ToListAsync(cancellationToken);
        var stillOpen = await db.OrderLines
            .Where(l => orderIds.Contains(l.KitchenOrderId) && l.CompletedQuantity < l.Quantity)
            .Select(l => l.KitchenOrderId)
            .Distinct()
            .ToListAsync(cancellationToken);

        var ready = new List<ReadyOrderView>();
        foreach (var order in orders.Where(o => o.Status == OrderStatus.Open && !stillOpen.Contains(o.Id)))
        {
            order.Status = OrderStatus.Ready;
            order.ReadyAt = now;
            ready.Add(new ReadyOrderView(order.OrderId, order.Brand, order.PlacedAt, now));
        }

        await db.SaveChangesAsync(cancellationToken);
        return (orders.ToDictionary(o => o.Id), ready);
    }
}

/// <summary>How a start or complete ended: done (with the batch item's new state and any orders now ready), not found, or refused.</summary>
public sealed record BatchActionResult(BatchItemView? BatchItem, IReadOnlyList<ReadyOrderView> ReadyOrders, BatchRefusal? Refusal, bool Found)
{
    public static BatchActionResult NotFound { get; } = new(null, [], null, Found: false);

    public static BatchActionResult Refused(BatchRefusal refusal) => new(null, [], refusal, Found: true);

    public static BatchActionResult Done(BatchItemView item, IReadOnlyList<ReadyOrderView> ready) => new(item, ready, null, Found: true);
}
