namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>
/// The payload of <c>order.cancelled</c>: nothing is cooked for the order any more. <c>WasReady</c> says it was
/// waiting to be packed; <c>Lines</c> what it had ordered, and how much of what was cooked became surplus.
/// </summary>
public sealed record OrderCancelledPayload(
    string OrderId,
    string Brand,
    string Reason,
    bool WasReady,
    DateTimeOffset CancelledAt,
    IReadOnlyList<LineChangePayload> Lines);
