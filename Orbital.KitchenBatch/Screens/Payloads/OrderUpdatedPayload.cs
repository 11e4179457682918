namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>
/// The payload of <c>order.updated</c>: the platform changed an order the kitchen already had. <c>Status</c> is
/// where it stands now (an order that was ready and got new lines is open again); <c>Lines</c> is every line
/// now; <c>Changes</c> the lines that changed; <c>DueAt</c> when it is due (the platform may move the pickup time).
/// </summary>
public sealed record OrderUpdatedPayload(
    string OrderId,
    string Brand,
    string Status,
    DateTimeOffset DueAt,
    IReadOnlyList<OrderLinePayload> Lines,
    IReadOnlyList<LineChangePayload> Changes);
