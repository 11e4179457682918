namespace Orbital.KitchenBatch.Model;

/// <summary>An order as the kitchen keeps it: who it is for, when it was placed, and its lines.</summary>
public sealed class KitchenOrder
{
    public long Id { get; set; }

    /// <summary>The ordering platform's order id; unique, and the idempotency key of intake.</summary>
    public required string OrderId { get; set; }

    public required string Brand { get; set; }

    /// <summary>When the customer placed the order; work is allocated oldest first.</summary>
    public DateTimeOffset PlacedAt { get; set; }

    /// <summary>
    /// When the order must be ready: the platform's pickup time, else placed-at plus the kitchen's default lead time.
    /// Completions go to the earliest due first, and each line is fired its production item's prep time before it.
    /// </summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>When the kitchen first stored the order.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The source document's id in the ordering platform's database.</summary>
    public string? SourceId { get; set; }

    public OrderStatus Status { get; set; }

    public DateTimeOffset? ReadyAt { get; set; }

    /// <summary>
    /// The position in the platform's history of the state the kitchen holds (the change's cluster time); a change
    /// is applied only when its revision is newer. 0 for an order only ever created.
    /// </summary>
    public ulong Revision { get; set; }

    /// <summary>When the platform cancelled the order (or deleted its document); null while it stands.</summary>
    public DateTimeOffset? CancelledAt { get; set; }

    /// <summary>Why it was cancelled, as the order service put it.</summary>
    public string? CancelReason { get; set; }

    /// <summary>When the order was closed (<see cref="OrderStatus.Closed"/>); null otherwise.</summary>
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Why it was closed: the platform's status, a manager's reason, or the stale expiry.</summary>
    public string? CloseReason { get; set; }

    /// <summary>How many items (in production units) were still open when it was closed: demand that left the batches uncooked.</summary>
    public int ClosedOpenQuantity { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}
