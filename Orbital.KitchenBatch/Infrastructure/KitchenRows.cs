using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>
/// The row locks every write takes, and the look-up of a batch item's station, written once. Rows are always locked in id order, so two writers that need
/// the same rows queue instead of deadlocking.
/// </summary>
public static class KitchenRows
{
    /// <summary>Locks <paramref name="orderIds"/>' rows (in id order) for the rest of the transaction and loads them.</summary>
    public static async Task<List<KitchenOrder>> LockOrdersAsync(this KitchenDbContext db, long[] orderIds, CancellationToken cancellationToken)
        => orderIds.Length == 0
            ? []
            : await db.Orders.FromSql($"SELECT * FROM orders WHERE id = ANY({orderIds}) ORDER BY id FOR UPDATE").ToListAsync(cancellationToken);

    /// <summary>Locks a batch item's row for the rest of the transaction and loads it; null when there is none.</summary>
    public static async Task<BatchItem?> LockBatchItemAsync(this KitchenDbContext db, long batchItemId, CancellationToken cancellationToken)
        => (await db.BatchItems.FromSql($"SELECT * FROM batch_items WHERE id = {batchItemId} FOR UPDATE").ToListAsync(cancellationToken)).SingleOrDefault();

    /// <summary>The station of a batch item; null when there is no such batch item.</summary>
    public static Task<string?> StationOfBatchItemAsync(this KitchenDbContext db, long batchItemId, CancellationToken cancellationToken)
        => db.BatchItems.AsNoTracking().Where(b => b.Id == batchItemId).Select(b => b.Station).SingleOrDefaultAsync(cancellationToken);
}
