namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>
/// The payload of <c>order.closed</c>: an order that will not be cooked to the end (the platform finished it, or it
/// was stale and a manager or the expiry closed it). <c>OpenQuantity</c> is what was still open and left the batches
/// uncooked; <c>Lines</c> the lines that changed.
/// </summary>
public sealed record OrderClosedPayload(
    string OrderId,
    string Brand,
    string Reason,
    DateTimeOffset ClosedAt,
    int OpenQuantity,
    IReadOnlyList<LineChangePayload> Lines);
