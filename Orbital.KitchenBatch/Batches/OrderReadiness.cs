using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;

namespace Orbital.KitchenBatch.Batches;

/// <summary>
/// Decides which orders became ready after food was allocated to their lines (by a cook's completion or from
/// surplus). The orders are locked first, in id order, so two transactions finishing one order's last two lines
/// cannot both miss that it is ready.
/// </summary>
public sealed class OrderReadiness(KitchenDbContext db, KitchenTransactions transactions, KitchenTelemetry telemetry)
{
    /// <summary>Locks <paramref name="orderIds"/> and marks the open ones with nothing left to cook as ready.</summary>
    /// <returns>The orders by id, and the ones that became ready.</returns>
    public async Task<(Dictionary<long, KitchenOrder> Orders, List<ReadyOrderView> Ready)> MarkReadyAsync(long[] orderIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orderIds);
        if (orderIds.Length == 0)
        {
            return ([], []);
        }

        // Locked in id order; a concurrent completion of another line of the same order waits here and then
        // sees this one's committed lines.
        var orders = await db.LockOrdersAsync(orderIds, cancellationToken);
        var stillOpen = await db.OrderLines
            .Where(l => orderIds.Contains(l.KitchenOrderId))
            .Open()
            .Select(l => l.KitchenOrderId)
            .Distinct()
            .ToListAsync(cancellationToken);

        var ready = new List<ReadyOrderView>();
        foreach (var order in orders.Where(o => o.Status == OrderStatus.Open && !stillOpen.Contains(o.Id)))
        {
            order.Status = OrderStatus.Ready;
            order.ReadyAt = now;
            ready.Add(ReadyOrderView.From(order));
            if (now > order.DueAt)
            {
                var brand = order.Brand;
                transactions.AfterCommit(() => telemetry.OrderLate(brand));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return (orders.ToDictionary(o => o.Id), ready);
    }
}
