using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Screens.Payloads;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// Brings an order's lines to what a change asks for, as a difference: lines are matched by line id; the same id
/// with another station, item or modifiers is another batch item's demand, so it leaves the old one (freeing what
/// was cooked) and joins the new. Every batch item involved must be locked by the caller.
/// </summary>
internal static class OrderLineDiff
{
    /// <param name="order">The order, tracked, with all its lines.</param>
    /// <param name="wanted">The lines the change asks for (none for a cancellation).</param>
    /// <param name="batches">The locked batch items of the old and the new lines.</param>
    /// <param name="remove">Deletes a line that is no longer wanted.</param>
    /// <param name="holdingTime">How long a ready order's food waits at the pass (<see cref="Surplus.KitchenSurplusOptions.HoldingTime"/>).</param>
    /// <param name="now">The time of the change.</param>
    /// <returns>The lines whose quantity changed.</returns>
    public static List<LineChangePayload> Apply(KitchenOrder order, IReadOnlyList<LineSnapshot> wanted, LockedBatchItems batches, Action<OrderLine> remove, TimeSpan holdingTime, DateTimeOffset now)
    {
        var changes = new List<LineChangePayload>();
        var remaining = wanted.ToDictionary(w => w.LineId, StringComparer.Ordinal);

        // A ready order's food waits at the pass for a while; after that it has been handed over, and what a change
        // takes away from it is gone rather than surplus.
        var keepsFood = order.Status != OrderStatus.Ready || order.ReadyAt >= now - holdingTime;

        // A ready order's food has waited at the pass since it was ready; surplus expires counting from then.
        var cookedSince = order.Status == OrderStatus.Ready ? order.ReadyAt : null;
        foreach (var line in order.Lines.ToList())
        {
            var current = batches.ById[line.BatchItemId];
            if (!remaining.Remove(line.LineId, out var target) || batches.For(target.Key) != current)
            {
                changes.Add(Change(line, current, 0, keepsFood, cookedSince, now));
                order.Lines.Remove(line);
                remove(line);
                if (target is not null)
                {
                    changes.Add(Add(order, target, batches, now));
                }

                continue;
            }

            // The same batch item may be another menu item now (a line id reused for "Single Smash" after "Double Smash").
            line.ItemName = target.ItemName;
            line.MenuStation = target.Station;
            line.MenuQuantity = target.Quantity;
            line.Multiplier = target.Multiplier;
            line.DueAt = order.DueAt;
            if (line.Quantity != target.ProductionQuantity)
            {
                changes.Add(Change(line, current, target.ProductionQuantity, keepsFood, cookedSince, now));
            }

            line.Note = target.Note;
            line.Modifiers = target.Modifiers;
        }

        foreach (var target in wanted.Where(w => remaining.ContainsKey(w.LineId)))
        {
            changes.Add(Add(order, target, batches, now));
        }

        return changes;
    }

    private static LineChangePayload Add(KitchenOrder order, LineSnapshot target, LockedBatchItems batches, DateTimeOffset now)
    {
        var batch = batches.For(target.Key);
        var line = new OrderLine
        {
            LineId = target.LineId,
            Station = target.ProductionStation,
            ItemName = target.ItemName,
            MenuStation = target.Station,
            ProductionItem = target.ProductionItem,
            Multiplier = target.Multiplier,
            MenuQuantity = target.Quantity,
            Modifiers = target.Modifiers,
            Note = target.Note,
            PlacedAt = order.PlacedAt,
            DueAt = order.DueAt,
            BatchItemId = batch.Id,
        };
        order.Lines.Add(line);
        return Change(line, batch, target.ProductionQuantity, keepsFood: true, cookedSince: null, now);
    }

    private static LineChangePayload Change(OrderLine line, BatchItem batch, int quantity, bool keepsFood, DateTimeOffset? cookedSince, DateTimeOffset now)
    {
        var from = line.Quantity;
        var freed = BatchAllocator.ChangeQuantity(batch, line, quantity, keepsFood, now, cookedSince);
        return new LineChangePayload(line.LineId, line.Station, line.ItemName, line.Modifiers, from, quantity, freed);
    }
}
