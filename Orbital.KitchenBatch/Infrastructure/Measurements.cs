using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>
/// Records batches from the starts and completions cooks tap, inside their transaction (the batch item is locked,
/// so a batch item's runs change one action at a time).
/// </summary>
public static class BatchRunLog
{
    /// <summary>A cook started <paramref name="quantity"/> of the batch item: a batch begins.</summary>
    /// <param name="db">The kitchen's context, in the start's transaction.</param>
    /// <param name="item">The batch item, locked, before the start was applied to it.</param>
    /// <param name="cooking">How many of it were in progress before this start.</param>
    /// <param name="quantity">How many were started.</param>
    /// <param name="now">When.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task StartedAsync(KitchenDbContext db, BatchItem item, int cooking, int quantity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(item);
        await ReconcileAsync(db, item, cooking, now, cancellationToken);
        db.BatchRuns.Add(new BatchRun { BatchItemId = item.Id, Station = item.Station, ItemName = item.ItemName, Quantity = quantity, StartedAt = now });
    }

    /// <summary>
    /// A cook completed <paramref name="quantity"/>: the oldest batches cooking are completed first; what no started
    /// batch covers was cooked without a start and is a batch of its own.
    /// </summary>
    /// <returns>The batches whose last item this completion was.</returns>
    public static async Task<List<BatchRun>> CompletedAsync(KitchenDbContext db, BatchItem item, int cooking, int quantity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(item);
        var runs = await ReconcileAsync(db, item, cooking, now, cancellationToken);
        var finished = new List<BatchRun>();
        var remaining = quantity;
        foreach (var run in runs)
        {
            var take = Math.Min(remaining, run.Quantity - run.CompletedQuantity);
            run.CompletedQuantity += take;
            if (take > 0)
            {
                run.LastCompletedAt = now;
            }

            remaining -= take;
            if (run.CompletedQuantity == run.Quantity)
            {
                run.CompletedAt = now;
                finished.Add(run);
            }

            if (remaining == 0)
            {
                break;
            }
        }

        if (remaining > 0)
        {
            var unstarted = new BatchRun { BatchItemId = item.Id, Station = item.Station, ItemName = item.ItemName, Quantity = remaining, CompletedQuantity = remaining, CompletedAt = now, LastCompletedAt = now };
            db.BatchRuns.Add(unstarted);
            finished.Add(unstarted);
        }

        return finished;
    }

    /// <summary>
    /// The batches cooking, oldest first, trimmed to what the batch item has in progress: demand that was cancelled or
    /// moved while it cooked takes the oldest batches' remainder with it, so a batch left cooking forever never
    /// completes hours later and poisons the prep times.
    /// </summary>
    private static async Task<List<BatchRun>> ReconcileAsync(KitchenDbContext db, BatchItem item, int cooking, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var runs = await db.BatchRuns
            .Where(r => r.BatchItemId == item.Id && r.CompletedAt == null)
            .OrderBy(r => r.StartedAt).ThenBy(r => r.Id)
            .ToListAsync(cancellationToken);
        var excess = runs.Sum(r => r.Quantity - r.CompletedQuantity) - Math.Max(0, cooking);
        foreach (var run in runs.ToList())
        {
            if (excess <= 0)
            {
                break;
            }

            var drop = Math.Min(excess, run.Quantity - run.CompletedQuantity);
            run.Quantity -= drop;
            excess -= drop;
            if (run.Quantity == 0)
            {
                db.BatchRuns.Remove(run);
                runs.Remove(run);
            }
            else if (run.CompletedQuantity == run.Quantity)
            {
                // What was cooked of it was done when it was last completed, not now.
                run.CompletedAt = run.LastCompletedAt ?? now;
                runs.Remove(run);
            }
        }

        return runs;
    }
}

/// <summary>Records surplus given to orders, inside the transaction that gave it.</summary>
public static class SurplusUseLog
{
    /// <summary>Adds what <paramref name="allocations"/> gave from <paramref name="item"/>'s surplus, if anything.</summary>
    /// <returns>The allocations, for the caller to go on with.</returns>
    public static IReadOnlyList<LineAllocation> Record(KitchenDbContext db, BatchItem item, IReadOnlyList<LineAllocation> allocations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(allocations);
        var quantity = allocations.Sum(a => a.Quantity);
        if (quantity > 0)
        {
            db.SurplusUses.Add(new SurplusUse { BatchItemId = item.Id, Station = item.Station, ItemName = item.ItemName, Quantity = quantity, UsedAt = now });
        }

        return allocations;
    }
}
