using System.ComponentModel.DataAnnotations;

namespace Orbital.KitchenBatch.Production;

/// <summary>
/// What the kitchen cooks and how long it takes (section <c>Kitchen:Production</c>): prep times by default and by
/// station, how often the catalog is read again, and production items and menu mappings to seed it with.
/// </summary>
public sealed class KitchenProductionOptions
{
    public const string SectionName = "Kitchen:Production";

    /// <summary>The prep time of an item with none of its own and no station default.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "08:00:00")]
    public TimeSpan DefaultPrepTime { get; set; } = TimeSpan.FromMinutes(8);

    /// <summary>Prep times by station, for items without one of their own ("Grill Station": "00:08:00").</summary>
    public Dictionary<string, TimeSpan> StationPrepTimes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How often each kitchen instance reads the production items and menu mappings again (another instance may have changed them).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CatalogRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Production items created at start when the kitchen has none of that name (by name: station and prep time).</summary>
    public Dictionary<string, ProductionItemSeed> Items { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Menu mappings created at start when the kitchen has none for that brand and item.</summary>
    public List<MenuMappingSeed> Mappings { get; set; } = [];

    /// <summary>Which prep time sets an item's fire time: the configured one, the one learned from its batches, or learned once there are enough batches (the default).</summary>
    public PrepTimeSource PrepTimeSource { get; set; } = PrepTimeSource.LearnedWithFallback;

    /// <summary>How prep times are learned from the kitchen's own batches.</summary>
    public PrepTimeLearningOptions Learning { get; set; } = new();

    /// <summary>The prep time of an item at <paramref name="station"/> that has none of its own.</summary>
    public TimeSpan PrepTimeAt(string station) => StationPrepTimes.TryGetValue(station, out var prep) ? prep : DefaultPrepTime;
}

/// <summary>Which prep time sets a production item's fire time.</summary>
public enum PrepTimeSource
{
    /// <summary>The item's configured prep time (else its station's default).</summary>
    Configured,

    /// <summary>The median of its recent batches as soon as there is one; configured before that.</summary>
    Learned,

    /// <summary>The median of its recent batches once there are <see cref="PrepTimeLearningOptions.MinimumSamples"/>; configured before that.</summary>
    LearnedWithFallback,
}

/// <summary>How prep times are learned (section <c>Kitchen:Production:Learning</c>).</summary>
public sealed class PrepTimeLearningOptions
{
    /// <summary>How many of an item's most recent started-and-completed batches the median is taken over.</summary>
    [Range(1, 1000)]
    public int Samples { get; set; } = 20;

    /// <summary>How many batches the learned time needs before <see cref="PrepTimeSource.LearnedWithFallback"/> uses it.</summary>
    [Range(1, 1000)]
    public int MinimumSamples { get; set; } = 5;

    /// <summary>Batches older than this are not learned from (a menu or a crew changes).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Batches shorter than this are not learned from (a start and a completion tapped together).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MinimumBatchTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each kitchen instance learns again.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>A production item to seed: where it cooks and how long it takes (null: the station's default).</summary>
public sealed class ProductionItemSeed
{
    public string Station { get; set; } = string.Empty;

    public TimeSpan? PrepTime { get; set; }
}

/// <summary>A menu mapping to seed.</summary>
public sealed class MenuMappingSeed
{
    public string Brand { get; set; } = string.Empty;

    public string Item { get; set; } = string.Empty;

    public string ProductionItem { get; set; } = string.Empty;

    public int Multiplier { get; set; } = 1;
}
