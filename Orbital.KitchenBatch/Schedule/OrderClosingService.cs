using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Screens;
using Orbital.KitchenBatch.Screens.Payloads;

namespace Orbital.KitchenBatch.Schedule;

/// <summary>
/// Closes open orders that will not be cooked to the end: a stale one a manager closes, or one the stale expiry
/// closes. Its open demand leaves the batch items, the order records how much and why, and screens are told
/// (<c>order.closed</c>, <c>batch.updated</c>). Locks as intake does: batch items by key, then the order.
/// </summary>
public sealed class OrderClosingService(KitchenDbContext db, KitchenTransactions transactions, KitchenEventOutbox events, FireSchedule schedule, TimeProvider time)
{
    /// <summary>Closes the open order <paramref name="orderId"/>.</summary>
    public async Task<OrderCloseResult> CloseAsync(string orderId, string reason, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            db.ChangeTracker.Clear();
            var look = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
            if (look is null)
            {
                return OrderCloseResult.NotFound;
            }

            if (look.Status != OrderStatus.Open)
            {
                return OrderCloseResult.NotOpen(look.Status);
            }

            if (await TryCloseAsync(look, reason, cancellationToken) is { } closed)
            {
                return closed;
            }
        }

        throw new TimeoutException($"Order {orderId} kept changing while it was being closed.");
    }

    /// <returns>The result; null when the order changed between the look and the lock, to be looked at again.</returns>
    private async Task<OrderCloseResult?> TryCloseAsync(KitchenOrder look, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var write = await transactions.BeginAsync(cancellationToken);
        var keys = look.Lines.Select(l => BatchKey.For(l.Station, l.ProductionItem, l.Modifiers));
        var locked = (await db.LockBatchItemsAsync(keys, k => 0, now, cancellationToken)).ToDictionary(b => b.Id);
        var order = (await db.LockOrdersAsync([look.Id], cancellationToken)).Single();
        await db.OrderLines.Where(l => l.KitchenOrderId == order.Id).LoadAsync(cancellationToken);
        if (order.Status != OrderStatus.Open)
        {
            return OrderCloseResult.NotOpen(order.Status);
        }

        if (order.Revision != look.Revision || order.Lines.Any(l => !locked.ContainsKey(l.BatchItemId)))
        {
            return null;
        }

        var dropped = OrderCloser.Close(order, id => locked[id], line => db.OrderLines.Remove(line), reason, now);
        await db.SaveChangesAsync(cancellationToken);
        var window = schedule.Now();
        foreach (var batch in await db.RefreshDemandAsync([.. locked.Keys], cancellationToken))
        {
            events.Add(KitchenEventTypes.BatchUpdated, batch.Station, BatchItemView.From(batch, window));
        }

        var lines = dropped.Select(d => new LineChangePayload(d.Line.LineId, d.Line.Station, d.Line.ItemName, d.Line.Modifiers, d.Line.CompletedQuantity + d.Dropped, d.Line.CompletedQuantity, 0)).ToList();
        var payload = new OrderClosedPayload(order.OrderId, order.Brand, reason, now, dropped.Sum(d => d.Dropped), lines);
        events.Add(KitchenEventTypes.OrderClosed, station: null, payload);
        await write.CommitAsync(cancellationToken);
        return OrderCloseResult.Closed(payload);
    }
}

/// <summary>How closing an order ended: closed (with what was dropped), not found, or not open (ready, cancelled or closed already).</summary>
public sealed record OrderCloseResult(OrderClosedPayload? Closing, OrderStatus? Status, bool Found)
{
    public static OrderCloseResult NotFound { get; } = new(null, null, Found: false);

    public static OrderCloseResult NotOpen(OrderStatus status) => new(null, status, Found: true);

    public static OrderCloseResult Closed(OrderClosedPayload closing) => new(closing, OrderStatus.Closed, Found: true);
}
