using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Screens;

namespace Orbital.KitchenBatch.Surplus;

/// <summary>
/// Discards and expires surplus. Each runs in one transaction that first locks the batch item's row, like a start
/// or a completion of it, so surplus is never given out and thrown away at once.
/// </summary>
public sealed class SurplusService(KitchenDbContext db, KitchenTransactions transactions, KitchenEventOutbox events, FireSchedule schedule, KitchenTelemetry telemetry, TimeProvider time)
{
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
        var item = await db.LockBatchItemAsync(batchItemId, cancellationToken) ?? throw new InvalidOperationException($"Batch item {batchItemId} went away.");
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
        transactions.AfterCommit(() => telemetry.Wasted(item.Station, quantity, "discarded"));
        var surplus = SurplusView.From(item);
        events.Add(KitchenEventTypes.SurplusUpdated, item.Station, new SurplusUpdatedPayload(surplus, [], quantity, reason));
        events.Add(KitchenEventTypes.BatchUpdated, item.Station, schedule.View(item));
        await write.CommitAsync(cancellationToken);
        return new SurplusDiscardResult(surplus, null);
    }

    /// <summary>Expires a batch item's surplus that has waited longer than <paramref name="holdingTime"/>, as waste.</summary>
    /// <returns>How many items expired.</returns>
    public async Task<int> ExpireSurplusAsync(long batchItemId, TimeSpan holdingTime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var write = await transactions.BeginAsync(cancellationToken);
        var item = await db.LockBatchItemAsync(batchItemId, cancellationToken);
        if (item is null || SurplusExpiry.Apply(db, item, holdingTime, now) is not (> 0 and var expired))
        {
            return 0;
        }

        transactions.AfterCommit(() => telemetry.Wasted(item.Station, expired, "expired"));

        await db.SaveChangesAsync(cancellationToken);
        events.Add(KitchenEventTypes.SurplusUpdated, item.Station, new SurplusUpdatedPayload(SurplusView.From(item), [], expired, SurplusExpiry.Reason(holdingTime)));
        events.Add(KitchenEventTypes.BatchUpdated, item.Station, schedule.View(item));
        await write.CommitAsync(cancellationToken);
        return expired;
    }
}

/// <summary>How a discard ended: the surplus left, or why it was refused.</summary>
public sealed record SurplusDiscardResult(SurplusView? Surplus, BatchRefusal? Refusal);
