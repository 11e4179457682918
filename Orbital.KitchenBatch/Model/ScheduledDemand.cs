namespace Orbital.KitchenBatch.Model;

/// <summary>Open demand of a batch item due at one time (to the minute, rounded down).</summary>
public sealed record ScheduledDemand(DateTimeOffset DueAt, int Quantity);

/// <summary>Open demand of a batch item for one brand's menu item, in menu items.</summary>
public sealed record ServedItem(string Brand, string Item, int Quantity);
