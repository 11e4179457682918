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

    /// <summary>When the kitchen first stored the order.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The source document's id in the ordering platform's database.</summary>
    public string? SourceId { get; set; }

    public OrderStatus Status { get; set; }

    public DateTimeOffset? ReadyAt { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
}
