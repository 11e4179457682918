using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Screens;
using Orbital.KitchenBatch.Screens.Payloads;

namespace Orbital.KitchenBatch.Batches;

/// <summary>
/// Starts and completes batch items. Each runs in one transaction that first locks the batch item's row, so two
/// cooks acting on the same batch at once are served one after the other and the second sees what the first
/// did: a batch is never over-completed. Orders a completion finishes are locked before their readiness is
/// decided, so two completions finishing one order's last two lines cannot both miss that it is ready.
/// </summary>
public sealed class BatchItemService(KitchenDbContext db, KitchenTransactions transactions, KitchenEventOutbox events, OrderReadiness readiness, FireSchedule schedule, KitchenTelemetry telemetry, TimeProvider time)
{
    public async Task<BatchActionResult> StartAsync(long batchItemId, int quantity, CancellationToken cancellationToken)
    {
        await using var write = await transactions.BeginAsync(cancellationToken);
        var item = await db.LockBatchItemAsync(batchItemId, cancellationToken);
        if (item is null)
        {
            return BatchActionResult.NotFound;
        }

        var now = time.GetUtcNow();
        var cooking = item.InProgressQuantity;
        if (BatchAllocator.Start(item, quantity, now) is { } refusal)
        {
            return BatchActionResult.Refused(refusal);
        }

        await BatchRunLog.StartedAsync(db, item, cooking, quantity, now, cancellationToken);

        await db.SaveChangesAsync(cancellationToken);
        events.Add(KitchenEventTypes.BatchStarted, item.Station, new BatchStartedPayload(item.Id, item.Station, item.ItemName, item.Modifiers, quantity));
        var view = schedule.View(item);
        events.Add(KitchenEventTypes.BatchUpdated, item.Station, view);
        await write.CommitAsync(cancellationToken);
        return BatchActionResult.Done(view, []);
    }

    public async Task<BatchActionResult> CompleteAsync(long batchItemId, int quantity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var write = await transactions.BeginAsync(cancellationToken);
        var item = await db.LockBatchItemAsync(batchItemId, cancellationToken);
        if (item is null)
        {
            return BatchActionResult.NotFound;
        }

        var openLines = BatchAllocator.DueFirst(
            await db.OrderLines.Where(l => l.BatchItemId == batchItemId).Open().ToListAsync(cancellationToken),
            schedule.Now().StaleBefore).ToList();
        var cooking = item.InProgressQuantity;
        var completion = BatchAllocator.Complete(item, openLines, quantity, now);
        if (completion.Refusal is { } refusal)
        {
            return BatchActionResult.Refused(refusal);
        }

        var batches = await BatchRunLog.CompletedAsync(db, item, cooking, quantity, now, cancellationToken);

        await db.SaveChangesAsync(cancellationToken);
        var (orders, ready) = await readiness.MarkReadyAsync([.. completion.Allocations.Select(a => a.Line.KitchenOrderId).Distinct()], now, cancellationToken);
        var view = schedule.View((await db.RefreshDemandAsync([item.Id], cancellationToken))[0]);

        events.Add(KitchenEventTypes.BatchCompleted, item.Station, new BatchCompletedPayload(
            item.Id,
            item.Station,
            item.ItemName,
            item.Modifiers,
            quantity,
            [.. completion.Allocations.Select(a => new AllocationPayload(orders[a.Line.KitchenOrderId].OrderId, a.Line.LineId, a.Quantity))]));
        events.Add(KitchenEventTypes.BatchUpdated, item.Station, view);
        foreach (var order in ready)
        {
            events.Add(KitchenEventTypes.OrderReady, station: null, order);
        }

        var linesReady = completion.Allocations
            .Where(a => a.Line.ReadyAt == now)
            .Select(a => (a.Line.Station, Waited: now - orders[a.Line.KitchenOrderId].ReceivedAt))
            .ToList();
        transactions.AfterCommit(() =>
        {
            batches.ForEach(telemetry.BatchCompleted);
            linesReady.ForEach(l => telemetry.LineReady(l.Station, l.Waited));
        });
        await write.CommitAsync(cancellationToken);
        return BatchActionResult.Done(view, ready);
    }
}

/// <summary>How a start or complete ended: done (with the batch item's new state and any orders now ready), not found, or refused.</summary>
public sealed record BatchActionResult(BatchItemView? BatchItem, IReadOnlyList<ReadyOrderView> ReadyOrders, BatchRefusal? Refusal, bool Found)
{
    public static BatchActionResult NotFound { get; } = new(null, [], null, Found: false);

    public static BatchActionResult Refused(BatchRefusal refusal) => new(null, [], refusal, Found: true);

    public static BatchActionResult Done(BatchItemView item, IReadOnlyList<ReadyOrderView> ready) => new(item, ready, null, Found: true);
}
