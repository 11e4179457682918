namespace Orbital.KitchenBatch.Model;

/// <summary>Surplus a cook threw away, and why: what the kitchen cooked for nobody.</summary>
public sealed class WasteRecord
{
    public long Id { get; set; }

    /// <summary>The batch item whose surplus it was.</summary>
    public long BatchItemId { get; set; }

    public required string Station { get; set; }

    public required string ItemName { get; set; }

    public string[] Modifiers { get; set; } = [];

    public int Quantity { get; set; }

    /// <summary>In the cook's words ("cold", "end of shift").</summary>
    public required string Reason { get; set; }

    /// <summary>The device that discarded it, as its manager named it; null for the manager key.</summary>
    public string? DiscardedBy { get; set; }

    public DateTimeOffset DiscardedAt { get; set; }
}
