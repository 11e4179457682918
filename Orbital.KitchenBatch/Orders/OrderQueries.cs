using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Orders;

/// <summary>What the screens and the REST API read of orders: one order's progress, and the orders ready for packing.</summary>
public sealed class OrderQueries(KitchenDbContext db)
{
    private const int ReadyOrdersShown = 50;

    /// <summary>An order's status and the progress of each line; null when the kitchen does not have it.</summary>
    public async Task<OrderProgressView?> OrderAsync(string orderId, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking()
            .Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.OrderId == orderId, cancellationToken);
        return order is null
            ? null
            : new OrderProgressView(
                order.OrderId,
                order.Brand,
                order.Status.ToString(),
                order.PlacedAt,
                order.ReceivedAt,
                order.ReadyAt,
                order.CancelledAt,
                order.CancelReason,
                [.. order.Lines.OrderBy(l => l.LineId, StringComparer.Ordinal).Select(l => new OrderLineProgressView(
                    l.LineId, l.Station, l.ItemName, l.Modifiers, l.Note, l.Quantity, l.CompletedQuantity, l.BatchItemId, l.ProductionItem, l.MenuQuantity, l.Multiplier))],
                order.DueAt,
                order.ClosedAt,
                order.CloseReason,
                order.ClosedOpenQuantity);
    }

    /// <summary>The most recently ready orders, newest first: what is waiting to be packed.</summary>
    public async Task<List<ReadyOrderView>> ReadyOrdersAsync(CancellationToken cancellationToken)
        => await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Ready)
            .OrderByDescending(o => o.ReadyAt)
            .Take(ReadyOrdersShown)
            .Select(o => new ReadyOrderView(o.OrderId, o.Brand, o.PlacedAt, o.ReadyAt!.Value))
            .ToListAsync(cancellationToken);
}
