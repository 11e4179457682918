namespace Orbital.KitchenBatch.Model;

/// <summary>
/// The open demand for one item at one station: the sum of what is still to cook over every open line with the
/// same (station, item name, modifiers), whichever order or brand it belongs to. Cooks start and complete it.
/// </summary>
public sealed class BatchItem
{
    public long Id { get; set; }

    public required string Station { get; set; }

    /// <summary>The production item cooked ("Smash patty"); several brands' menu items may map to it.</summary>
    public required string ItemName { get; set; }

    /// <summary>The modifiers, normalised (trimmed, sorted): "no onions, extra cheese" is one batch however it was typed.</summary>
    public string[] Modifiers { get; set; } = [];

    /// <summary>The modifiers as one comparable value; part of the batch item's identity.</summary>
    public required string ModifiersKey { get; set; }

    /// <summary>How many are ordered and not yet cooked.</summary>
    public int OpenQuantity { get; set; }

    /// <summary>How many of the open ones a cook has started.</summary>
    public int InProgressQuantity { get; set; }

    /// <summary>
    /// Cooked and not assigned to any order: what was completed for a line that was then removed, lowered or
    /// cancelled. It goes to the next matching open line before anything new is cooked, so surplus and open demand
    /// never coexist: while there is surplus, nothing is open.
    /// </summary>
    public int SurplusQuantity { get; set; }

    /// <summary>Since when the oldest surplus now held has been waiting; null without surplus.</summary>
    public DateTimeOffset? SurplusSince { get; set; }

    /// <summary>The surplus by when it became surplus, oldest first; together they are <see cref="SurplusQuantity"/>.</summary>
    public List<SurplusLot> SurplusLots { get; set; } = [];

    /// <summary>How long the item takes to cook: a line is fired this long before its due time.</summary>
    public int PrepSeconds { get; set; }

    /// <summary>The open demand by due time (to the minute), earliest first; computed from the open lines on every change.</summary>
    public List<ScheduledDemand> Schedule { get; set; } = [];

    /// <summary>Which brands' menu items the open demand is for, in menu items.</summary>
    public List<ServedItem> Serves { get; set; } = [];

    /// <summary>When the oldest order with an open line of this item was placed; null when nothing is open.</summary>
    public DateTimeOffset? OldestOpenPlacedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Open demand nobody has started yet.</summary>
    public int WaitingQuantity => OpenQuantity - InProgressQuantity;
}
