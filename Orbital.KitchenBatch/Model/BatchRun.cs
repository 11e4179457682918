namespace Orbital.KitchenBatch.Model;

/// <summary>
/// One batch as a cook made it: a quantity of a production item started at a station, and when the last of it was
/// completed. Recorded from the starts and completions cooks already tap (no extra tap): a completion closes the
/// oldest started batches of the item first; what is completed without having been started is a batch of its own
/// with no start (it counts for sizes and items, not for prep time). Kept for
/// <c>Kitchen:Analytics:Retention</c>.
/// </summary>
public sealed class BatchRun
{
    public long Id { get; set; }

    public long BatchItemId { get; set; }

    public required string Station { get; set; }

    /// <summary>The production item (the batch item's name).</summary>
    public required string ItemName { get; set; }

    /// <summary>How many were started together (or completed together, without a start).</summary>
    public int Quantity { get; set; }

    /// <summary>How many of them are completed so far.</summary>
    public int CompletedQuantity { get; set; }

    /// <summary>When the cook started it; null when it was completed without a start.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When its last item was completed; null while it cooks.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>When some of it was last completed (a batch may be completed in parts).</summary>
    public DateTimeOffset? LastCompletedAt { get; set; }

    /// <summary>Start to completion, once both happened.</summary>
    public TimeSpan? PrepTime => StartedAt is { } started && CompletedAt is { } completed ? completed - started : null;
}

/// <summary>Surplus given to an order instead of cooking for it: food that would otherwise have been waste.</summary>
public sealed class SurplusUse
{
    public long Id { get; set; }

    public long BatchItemId { get; set; }

    public required string Station { get; set; }

    public required string ItemName { get; set; }

    public int Quantity { get; set; }

    public DateTimeOffset UsedAt { get; set; }
}

/// <summary>What a device may do: a screen works a station's board; a manager device also reads the kitchen's analytics.</summary>
public enum DeviceRole
{
    Screen,
    Manager,
}
