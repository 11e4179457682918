using Microsoft.EntityFrameworkCore;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Services;

/// <summary>
/// Stores an order and its lines in one transaction. The unique index on the order id, not a look-up first,
/// decides whether it is new: two deliveries of one order racing each other store it once, and the loser is
/// told it was a duplicate.
/// </summary>
public sealed class KitchenOrderIntake(KitchenDbContext db, TimeProvider time)
{
    private const string OrderIdIndex = "ix_orders_order_id";

    public async Task<IntakeResult> AcceptAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // PostgreSQL keeps microseconds: round now, so a duplicate's acknowledgement repeats the first one exactly.
        var now = time.GetUtcNow();
        var order = ToOrder(request, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond)));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Orders.Add(order);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (DatabaseFailures.IsUniqueViolation(ex, OrderIdIndex))
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            var acceptedAt = await db.Orders.AsNoTracking()
                .Where(o => o.OrderId == request.OrderId)
                .Select(o => o.ReceivedAt)
                .SingleAsync(cancellationToken);
            return new IntakeResult(acceptedAt, Duplicate: true);
        }

        await transaction.CommitAsync(cancellationToken);
        return new IntakeResult(order.ReceivedAt, Duplicate: false);
    }

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
