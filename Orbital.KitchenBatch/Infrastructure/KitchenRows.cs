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

    /// <summary>
    /// Locks the batch items of <paramref name="keys"/>, creating the missing ones empty (with their prep time), in one
    /// atomic upsert that takes them in key order, so concurrent writers lock them in the same order.
    /// </summary>
    public static async Task<List<BatchItem>> LockBatchItemsAsync(this KitchenDbContext db, IEnumerable<BatchKey> keys, Func<BatchKey, int> prepSeconds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var distinct = keys.DistinctBy(k => k.Identity).ToList();
        var stations = distinct.Select(k => k.Station).ToArray();
        var items = distinct.Select(k => k.ItemName).ToArray();
        var modifiers = distinct.Select(k => System.Text.Json.JsonSerializer.Serialize(k.Modifiers)).ToArray();
        var modifiersKeys = distinct.Select(k => k.ModifiersKey).ToArray();
        var preps = distinct.Select(prepSeconds).ToArray();
        return await db.BatchItems.FromSql($"""
                INSERT INTO batch_items (station, item_name, modifiers, modifiers_key, open_quantity, in_progress_quantity, surplus_quantity, updated_at, prep_seconds)
                SELECT k.station, k.item_name, ARRAY(SELECT jsonb_array_elements_text(k.modifiers::jsonb)), k.modifiers_key, 0, 0, 0, {now}, k.prep_seconds
                FROM unnest({stations}, {items}, {modifiers}, {modifiersKeys}, {preps}) AS k(station, item_name, modifiers, modifiers_key, prep_seconds)
                ORDER BY k.station COLLATE "C", k.item_name COLLATE "C", k.modifiers_key COLLATE "C"
                ON CONFLICT (station, item_name, modifiers_key) DO UPDATE SET updated_at = batch_items.updated_at
                RETURNING *
                """).ToListAsync(cancellationToken);
    }

    /// <summary>Locks a batch item's row for the rest of the transaction and loads it; null when there is none.</summary>
    public static async Task<BatchItem?> LockBatchItemAsync(this KitchenDbContext db, long batchItemId, CancellationToken cancellationToken)
        => (await db.BatchItems.FromSql($"SELECT * FROM batch_items WHERE id = {batchItemId} FOR UPDATE").ToListAsync(cancellationToken)).SingleOrDefault();

    /// <summary>
    /// Computes again, from the open lines, what of a batch item's demand depends on which lines are open: its oldest
    /// open placed-at time, its schedule (open demand by due time, to the minute) and which brands' items it serves.
    /// Every write that changes lines calls this for their batch items before it commits, in one statement.
    /// </summary>
    /// <returns>The batch items as they are now, untracked.</returns>
    public static async Task<List<BatchItem>> RefreshDemandAsync(this KitchenDbContext db, long[] batchItemIds, CancellationToken cancellationToken)
        => batchItemIds.Length == 0
            ? []
            : await db.BatchItems.FromSql($"""
                UPDATE batch_items b
                SET oldest_open_placed_at = d.oldest, schedule = d.schedule, serves = d.serves
                FROM (
                    SELECT x.id,
                        (SELECT min(l.placed_at) FROM order_lines l
                         WHERE l.batch_item_id = x.id AND l.completed_quantity < l.quantity) AS oldest,
                        coalesce((
                            SELECT jsonb_agg(jsonb_build_object('dueAt', s.due, 'quantity', s.quantity) ORDER BY s.due)
                            FROM (SELECT date_trunc('minute', l.due_at) AS due, sum(l.quantity - l.completed_quantity) AS quantity
                                  FROM order_lines l
                                  WHERE l.batch_item_id = x.id AND l.completed_quantity < l.quantity
                                  GROUP BY 1) s), '[]'::jsonb) AS schedule,
                        coalesce((
                            SELECT jsonb_agg(jsonb_build_object('brand', s.brand, 'item', s.item, 'quantity', s.quantity) ORDER BY s.quantity DESC, s.brand, s.item)
                            FROM (SELECT o.brand, l.item_name AS item, sum(ceil((l.quantity - l.completed_quantity)::numeric / l.multiplier))::int AS quantity
                                  FROM order_lines l JOIN orders o ON o.id = l.kitchen_order_id
                                  WHERE l.batch_item_id = x.id AND l.completed_quantity < l.quantity
                                  GROUP BY 1, 2) s), '[]'::jsonb) AS serves
                    FROM unnest({batchItemIds}) AS x(id)
                ) d
                WHERE b.id = d.id
                RETURNING b.*
                """).AsNoTracking().ToListAsync(cancellationToken);

    /// <summary>The station of a batch item; null when there is no such batch item.</summary>
    public static Task<string?> StationOfBatchItemAsync(this KitchenDbContext db, long batchItemId, CancellationToken cancellationToken)
        => db.BatchItems.AsNoTracking().Where(b => b.Id == batchItemId).Select(b => b.Station).SingleOrDefaultAsync(cancellationToken);
}
