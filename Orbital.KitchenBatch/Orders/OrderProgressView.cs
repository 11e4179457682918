using Orbital.KitchenBatch.Model;
namespace Orbital.KitchenBatch.Orders;

/// <summary>How far an order is: its status, when it is due and, per line, how much is cooked.</summary>
/// <param name="OrderId">The platform's order id.</param>
/// <param name="Brand">The brand it was ordered from.</param>
/// <param name="Status">Open, Ready, Cancelled or Closed.</param>
/// <param name="PlacedAt">When the customer placed it.</param>
/// <param name="ReceivedAt">When the kitchen first stored it.</param>
/// <param name="ReadyAt">When every line was cooked.</param>
/// <param name="CancelledAt">When the platform cancelled it.</param>
/// <param name="CancelReason">Why it was cancelled.</param>
/// <param name="Lines">Its lines, by line id.</param>
/// <param name="DueAt">When it must be ready (the platform's pickup time, or placed-at plus the default lead time).</param>
/// <param name="ClosedAt">When it was closed without being cooked to the end (finished on the platform, or stale).</param>
/// <param name="CloseReason">Why it was closed.</param>
/// <param name="ClosedOpenQuantity">What was still open when it was closed, in production items: demand that left the batches uncooked.</param>
public sealed record OrderProgressView(
    string OrderId,
    string Brand,
    string Status,
    DateTimeOffset PlacedAt,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? ReadyAt,
    DateTimeOffset? CancelledAt,
    string? CancelReason,
    IReadOnlyList<OrderLineProgressView> Lines,
    DateTimeOffset DueAt,
    DateTimeOffset? ClosedAt,
    string? CloseReason,
    int ClosedOpenQuantity);

/// <summary>One line of an order and its progress.</summary>
/// <param name="LineId">The line's id within its order.</param>
/// <param name="Station">The station that cooks it (the production item's).</param>
/// <param name="ItemName">The brand's menu item.</param>
/// <param name="Quantity">What it needs cooked, in production items (<paramref name="MenuQuantity"/> × <paramref name="Multiplier"/>).</param>
/// <param name="Modifiers">Its modifiers, as the platform gave them.</param>
/// <param name="Note">The customer's note.</param>
/// <param name="CompletedQuantity">What was cooked for it, in production items.</param>
/// <param name="BatchItemId">The batch item its demand is part of.</param>
/// <param name="ProductionItem">What the kitchen cooks for it.</param>
/// <param name="MenuQuantity">How many the customer ordered.</param>
/// <param name="Multiplier">Production items per menu item.</param>
public sealed record OrderLineProgressView(
    string LineId,
    string Station,
    string ItemName,
    IReadOnlyList<string> Modifiers,
    string? Note,
    int Quantity,
    int CompletedQuantity,
    long BatchItemId,
    string ProductionItem,
    int MenuQuantity,
    int Multiplier);

/// <summary>An order ready for packing; also the payload of <c>order.ready</c>.</summary>
public sealed record ReadyOrderView(string OrderId, string Brand, DateTimeOffset PlacedAt, DateTimeOffset ReadyAt)
{
    public static ReadyOrderView From(KitchenOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new(order.OrderId, order.Brand, order.PlacedAt, order.ReadyAt ?? order.ReceivedAt);
    }
}
