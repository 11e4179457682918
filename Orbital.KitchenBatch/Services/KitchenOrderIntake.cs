using Microsoft.EntityFrameworkCore;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Events;
using Orbital.KitchenBatch.Events.Payloads;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Model.Views;

namespace Orbital.KitchenBatch.Services;

/// <summary>
/// Stores an order, its lines, their share of the batch items and the events saying so, in one transaction.
/// The unique index on the order id, not the look-up before it, decides whether the order is new: two deliveries
/// of one order racing each other store it once, and the loser is told it was a duplicate.
/// </summary>
public sealed class KitchenOrderIntake(KitchenDbContext db, KitchenEventOutbox events, TimeProvider time)
{
    private const string OrderIdIndex = "ix_orders_order_id";

    public async Task<IntakeResult> AcceptAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The common repeat (a re-delivery long after the first) needs no transaction; a racing one is caught below.
        if (await AcceptedAtAsync(request.OrderId, cancellationToken) is { } earlier)
        {
            return new IntakeResult(earlier, Duplicate: true);
        }

        // PostgreSQL keeps microseconds: round now, so a duplicate's acknowledgement repeats the first one exactly.
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        var order = ToOrder(request, now);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batches = await AddToBatchesAsync(order, now, cancellationToken);
        db.Orders.Add(order);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseFailures.IsUniqueViolation(ex, OrderIdIndex))
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return new IntakeResult((await AcceptedAtAsync(request.OrderId, cancellationToken))!.Value, Duplicate: true);
        }

        events.Add(
            KitchenEventTypes.OrderReceived,
            station: null,
            new OrderReceivedPayload(order.OrderId, order.Brand, order.PlacedAt, [.. order.Lines.Select(l => l.Station).Distinct()], order.Lines.Sum(l => l.Quantity)));
        foreach (var batch in batches)
        {
            events.Add(KitchenEventTypes.BatchUpdated, batch.Station, BatchItemView.From(batch));
        }

        await events.WriteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        events.Committed();
        return new IntakeResult(order.ReceivedAt, Duplicate: false);
    }

    /// <summary>
    /// Adds each line's quantity to its batch item, creating the batch item on first use, with one atomic upsert
    /// per batch item. Batch items are touched in key order, so concurrent intakes lock them in the same order.
    /// </summary>
    private async Task<List<BatchItem>> AddToBatchesAsync(KitchenOrder order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var groups = order.Lines
            .Select(line => (Line: line, Key: BatchKey.For(line.Station, line.ItemName, line.Modifiers)))
            .GroupBy(x => (x.Key.Station, x.Key.ItemName, x.Key.ModifiersKey))
            .OrderBy(g => g.Key.Station, StringComparer.Ordinal)
            .ThenBy(g => g.Key.ItemName, StringComparer.Ordinal)
            .ThenBy(g => g.Key.ModifiersKey, StringComparer.Ordinal);

        var batches = new List<BatchItem>();
        foreach (var group in groups)
        {
            var key = group.First().Key;
            var quantity = group.Sum(x => x.Line.Quantity);
            var modifiers = key.Modifiers.ToArray();
            var batch = (await db.BatchItems.FromSql($"""
                    INSERT INTO batch_items (station, item_name, modifiers, modifiers_key, open_quantity, in_progress_quantity, oldest_open_placed_at, updated_at)
                    VALUES ({key.Station}, {key.ItemName}, {modifiers}, {key.ModifiersKey}, {quantity}, 0, {order.PlacedAt}, {now})
                    ON CONFLICT (station, item_name, modifiers_key) DO UPDATE
                    SET open_quantity = batch_items.open_quantity + EXCLUDED.open_quantity,
                        oldest_open_placed_at = LEAST(batch_items.oldest_open_placed_at, EXCLUDED.oldest_open_placed_at),
                        updated_at = EXCLUDED.updated_at
                    RETURNING *
                    """).AsNoTracking().ToListAsync(cancellationToken)).Single();
            foreach (var (line, _) in group)
            {
                line.BatchItemId = batch.Id;
            }

            batches.Add(batch);
        }

        return batches;
    }

    /// <summary>How many orders the kitchen holds, and the one it received last (none when it holds none).</summary>
    public async Task<(long Count, KitchenOrder? Latest)> StateAsync(CancellationToken cancellationToken)
    {
        var count = await db.Orders.LongCountAsync(cancellationToken);
        var latest = count == 0 ? null : await db.Orders.AsNoTracking().OrderByDescending(o => o.Id).FirstOrDefaultAsync(cancellationToken);
        return (count, latest);
    }

    private Task<DateTimeOffset?> AcceptedAtAsync(string orderId, CancellationToken cancellationToken)
        => db.Orders.AsNoTracking()
            .Where(o => o.OrderId == orderId)
            .Select(o => (DateTimeOffset?)o.ReceivedAt)
            .SingleOrDefaultAsync(cancellationToken);

    private static KitchenOrder ToOrder(OrderRequest request, DateTimeOffset receivedAt)
    {
        var placedAt = request.PlacedAt.ToDateTimeOffset();
        return new KitchenOrder
        {
            OrderId = request.OrderId,
            Brand = request.Brand,
            PlacedAt = placedAt,
            ReceivedAt = receivedAt,
            SourceId = string.IsNullOrEmpty(request.SourceId) ? null : request.SourceId,
            Status = OrderStatus.Open,
            Lines =
            [
                .. request.Stations.SelectMany(station => station.Items.Select(item => new OrderLine
                {
                    LineId = item.LineId,
                    Station = station.Station,
                    ItemName = item.Name,
                    Modifiers = [.. item.Modifiers],
                    Note = string.IsNullOrEmpty(item.Note) ? null : item.Note,
                    Quantity = item.Quantity,
                    PlacedAt = placedAt,
                })),
            ],
        };
    }
}
