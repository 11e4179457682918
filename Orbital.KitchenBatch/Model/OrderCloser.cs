namespace Orbital.KitchenBatch.Model;

/// <summary>
/// Closes an order that will not be cooked to the end: the platform finished it (picked up, delivered), or it went
/// stale. What it still had open leaves its batch items uncooked (not as surplus: nothing was cooked for it), lines
/// with nothing cooked go, and the order records how much was dropped and why.
/// </summary>
public static class OrderCloser
{
    /// <param name="order">The order, tracked and locked, with all its lines.</param>
    /// <param name="batchOf">Each line's batch item by id, locked for this transaction.</param>
    /// <param name="remove">Deletes a line with nothing cooked.</param>
    /// <param name="reason">Why it is closed.</param>
    /// <param name="now">The time of closing.</param>
    /// <returns>The lines' open demand that was dropped, each as (line, quantity dropped).</returns>
    public static List<(OrderLine Line, int Dropped)> Close(KitchenOrder order, Func<long, BatchItem> batchOf, Action<OrderLine> remove, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(batchOf);
        ArgumentNullException.ThrowIfNull(remove);
        var dropped = new List<(OrderLine, int)>();
        foreach (var line in order.Lines.Where(l => l.OpenQuantity > 0).ToList())
        {
            dropped.Add((line, line.OpenQuantity));
            BatchAllocator.ChangeQuantity(batchOf(line.BatchItemId), line, line.CompletedQuantity, keepsFood: false, now);
            if (line.Quantity == 0)
            {
                order.Lines.Remove(line);
                remove(line);
            }
        }

        order.Status = OrderStatus.Closed;
        order.ClosedAt = now;
        order.CloseReason = reason;
        order.ClosedOpenQuantity = dropped.Sum(d => d.Item2);
        return dropped;
    }
}
