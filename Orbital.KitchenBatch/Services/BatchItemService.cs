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
public sealed class BatchItemService(KitchenDbContext db, KitchenTransactions transactions, KitchenEventOutbox events, OrderReadiness readiness, TimeProvider time)
{
    public async Task<BatchActionResult> StartAsync(long batchItemId, int quantity, CancellationToken cancellationToken)
    {
        await using var write = await transactions.BeginAsync(cancellationToken);
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
        await write.CommitAsync(cancellationToken);
        return BatchActionResult.Done(BatchItemView.From(item), []);
    }

    public async Task<BatchActionResult> CompleteAsync(long batchItemId, int quantity, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var write = await transactions.BeginAsync(cancellationToken);
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
        var (orders, ready) = await readiness.MarkReadyAsync([.. completion.Allocations.Select(a => a.Line.KitchenOrderId).Distinct()], now, cancellationToken);

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

        await write.CommitAsync(cancellationToken);
        return BatchActionResult.Done(BatchItemView.From(item), ready);
    }

    /// <summary>Throws surplus away and records it as waste.</summary>
    /// <param name="batchItemId">The batch item whose surplus it is (the surplus's id).</param>
    /// <param name="quantity">How many.</param>
    /// <param name="reason">Why, in the cook's words.</param>
    /// <param name="discardedBy">The device (or the manager) that discarded it.</param>
    /// <param name="cancellationToken">Cancels the discard.</param>
    public async Task<SurplusDiscardResult> DiscardAsync(long batchItemId, int quantity, string reason, string discardedBy, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var write = await transactions.BeginAsync(cancellationToken);
        var item = await LockAsync(batchItemId, cancellationToken) ?? throw new InvalidOperationException($"Batch item {batchItemId} went away.");
        if (BatchAllocator.Discard(item, quantity, now) is { } refusal)
        {
            return new SurplusDiscardResult(null, refusal);
        }

        db.WasteRecords.Add(new WasteRecord
        {
            BatchItemId = item.Id,
            Station = item.Station,
            ItemName = item.ItemName,
            Modifiers = item.Modifiers,
            Quantity = quantity,
            Reason = reason,
            DiscardedBy = discardedBy,
            DiscardedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        var surplus = SurplusView.From(item);
        events.Add(KitchenEventTypes.SurplusUpdated, item.Station, new SurplusUpdatedPayload(surplus, [], quantity, reason));
        events.Add(KitchenEventTypes.BatchUpdated, item.Station, BatchItemView.From(item));
        await write.CommitAsync(cancellationToken);
        return new SurplusDiscardResult(surplus, null);
    }

    /// <summary>Expires a batch item's surplus that has waited longer than <paramref name="holdingTime"/>, as waste.</summary>
    /// <returns>How many items expired.</returns>
    public async Task<int> ExpireSurplusAsync(long batchItemId, TimeSpan holdingTime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var write = await transactions.BeginAsync(cancellationToken);
        var item = await LockAsync(batchItemId, cancellationToken);
        if (item is null || SurplusExpiry.Apply(db, item, holdingTime, now) is not (> 0 and var expired))
        {
            return 0;
        }

        await db.SaveChangesAsync(cancellationToken);
        events.Add(KitchenEventTypes.SurplusUpdated, item.Station, new SurplusUpdatedPayload(SurplusView.From(item), [], expired, SurplusExpiry.Reason(holdingTime)));
        events.Add(KitchenEventTypes.BatchUpdated, item.Station, BatchItemView.From(item));
        await write.CommitAsync(cancellationToken);
        return expired;
    }

    private async Task<BatchItem?> LockAsync(long batchItemId, CancellationToken cancellationToken)
        => (await db.BatchItems.FromSql($"SELECT * FROM batch_items WHERE id = {batchItemId} FOR UPDATE").ToListAsync(cancellationToken)).SingleOrDefault();
}

/// <summary>How a start or complete ended: done (with the batch item's new state and any orders now ready), not found, or refused.</summary>
public sealed record BatchActionResult(BatchItemView? BatchItem, IReadOnlyList<ReadyOrderView> ReadyOrders, BatchRefusal? Refusal, bool Found)
{
    public static BatchActionResult NotFound { get; } = new(null, [], null, Found: false);

    public static BatchActionResult Refused(BatchRefusal refusal) => new(null, [], refusal, Found: true);

    public static BatchActionResult Done(BatchItemView item, IReadOnlyList<ReadyOrderView> ready) => new(item, ready, null, Found: true);
}

/// <summary>How a discard ended: the surplus left, or why it was refused.</summary>
public sealed record SurplusDiscardResult(SurplusView? Surplus, BatchRefusal? Refusal);
