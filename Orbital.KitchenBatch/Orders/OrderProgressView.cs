using Orbital.KitchenBatch.Model;
namespace Orbital.KitchenBatch.Orders;

/// <summary>How far an order is: its status and, per line, how much is cooked.</summary>
public sealed record OrderProgressView(
    string OrderId,
    string Brand,
    string Status,
    DateTimeOffset PlacedAt,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? ReadyAt,
    DateTimeOffset? CancelledAt,
    string? CancelReason,
    IReadOnlyList<OrderLineProgressView> Lines);

/// <summary>One line of an order and its progress.</summary>
public sealed record OrderLineProgressView(
    string LineId,
    string Station,
    string ItemName,
    IReadOnlyList<string> Modifiers,
    string? Note,
    int Quantity,
    int CompletedQuantity,
    long BatchItemId);

/// <summary>An order ready for packing; also the payload of <c>order.ready</c>.</summary>
public sealed record ReadyOrderView(string OrderId, string Brand, DateTimeOffset PlacedAt, DateTimeOffset ReadyAt)
{
    public static ReadyOrderView From(KitchenOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new(order.OrderId, order.Brand, order.PlacedAt, order.ReadyAt ?? order.ReceivedAt);
    }
}
