namespace Orbital.KitchenBatch.Model;

/// <summary>
/// Something the kitchen cooks, whichever brand's menu item it is for ("Smash patty"), at one station, with how long
/// it takes. Menu items map to it (<see cref="MenuMapping"/>); an item nothing maps is its own production item.
/// </summary>
public sealed class ProductionItem
{
    public required string Name { get; set; }

    public required string Station { get; set; }

    /// <summary>How long it takes to cook; null: the station's default prep time.</summary>
    public TimeSpan? PrepTime { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A brand's menu item as the kitchen cooks it: <see cref="Multiplier"/> × <see cref="ProductionItem"/>. Brand and item
/// are matched case-insensitively.
/// </summary>
public sealed class MenuMapping
{
    public required string Brand { get; set; }

    public required string Item { get; set; }

    public required string ProductionItem { get; set; }

    public int Multiplier { get; set; } = 1;

    public DateTimeOffset UpdatedAt { get; set; }
}
