using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Production;

/// <summary>A production item: where it cooks, how long it takes, and which brands' menu items map to it.</summary>
/// <param name="Name">Its name ("Smash patty").</param>
/// <param name="Station">The station that cooks it.</param>
/// <param name="PrepSeconds">How long it takes, in seconds, as fire times use it: learned, or configured (see <paramref name="PrepTimeSource"/>).</param>
/// <param name="PrepTimeSource"><c>learned</c> (from its batches), <c>item</c> (its own), <c>station</c> (the station's default) or <c>default</c> (the kitchen's).</param>
/// <param name="Described">Whether it is in the catalog (false: a menu item nothing maps, seen in open demand).</param>
/// <param name="MappedFrom">The brands' menu items that map to it.</param>
/// <param name="OpenQuantity">What is open of it now, over its batch items.</param>
/// <param name="ConfiguredPrepSeconds">The configured prep time: its own, else the station's default.</param>
/// <param name="LearnedPrepSeconds">The median of its recent batches, start to completion; null before its first.</param>
/// <param name="LearnedSamples">How many batches <paramref name="LearnedPrepSeconds"/> is the median of.</param>
public sealed record ProductionItemView(
    string Name,
    string Station,
    int PrepSeconds,
    string PrepTimeSource,
    bool Described,
    IReadOnlyList<MenuMappingView> MappedFrom,
    int OpenQuantity,
    int ConfiguredPrepSeconds,
    int? LearnedPrepSeconds,
    int LearnedSamples);

/// <summary>A brand's menu item as the kitchen cooks it: <paramref name="Multiplier"/> × <paramref name="ProductionItem"/>.</summary>
public sealed record MenuMappingView(string Brand, string Item, string ProductionItem, int Multiplier, DateTimeOffset UpdatedAt)
{
    public static MenuMappingView From(MenuMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        return new(mapping.Brand, mapping.Item, mapping.ProductionItem, mapping.Multiplier, mapping.UpdatedAt);
    }
}

/// <summary>What a catalog change did: the item or mapping as it is now, and how many open lines moved to another batch item.</summary>
public sealed record CatalogChangeView<T>(T Value, int MovedLines);
