namespace Orbital.KitchenBatch.Analytics;

/// <summary>A duration's median and 90th percentile over <paramref name="Count"/> samples, in seconds (null without samples).</summary>
public sealed record Percentiles(double? P50, double? P90, int Count)
{
    public static Percentiles None { get; } = new(null, null, 0);
}

/// <summary>How the kitchen did over a period: orders, ticket and prep times, batches, lateness and waste, overall and by time, station, brand and production item.</summary>
public sealed record KitchenAnalyticsView(
    DateTimeOffset From,
    DateTimeOffset To,
    int BucketMinutes,
    DateTimeOffset AsOf,
    string PrepTimeSource,
    AnalyticsTotals Totals,
    IReadOnlyList<AnalyticsBucket> Timeline,
    IReadOnlyList<StationAnalytics> Stations,
    IReadOnlyList<BrandAnalytics> Brands,
    IReadOnlyList<ProductionItemAnalytics> ProductionItems,
    IReadOnlyList<BatchSizeCount> BatchSizes,
    IReadOnlyList<WasteByReason> Waste,
    IReadOnlyList<ProductionItemAnalytics> Slowest);

/// <param name="Orders">Orders received in the period (cancelled ones aside).</param>
/// <param name="ReadyOrders">Orders that became ready in the period.</param>
/// <param name="LateOrders">Orders due in the period (and already due) that were ready after their due time, or are not ready (an order the platform finished before its due time is not late).</param>
/// <param name="Items">Menu items ordered in the period's orders (cancelled ones aside).</param>
/// <param name="Batches">Batches completed in the period.</param>
/// <param name="AverageBatchSize">Items per completed batch.</param>
/// <param name="TicketSeconds">Received to ready, of the orders ready in the period.</param>
/// <param name="PrepSeconds">Start to completion, of the batches completed in the period that were started.</param>
/// <param name="SurplusGiven">Surplus given to orders instead of cooking for them.</param>
/// <param name="Wasted">Cooked items thrown away or expired.</param>
public sealed record AnalyticsTotals(int Orders, int ReadyOrders, int LateOrders, int Items, int Batches, double? AverageBatchSize, Percentiles TicketSeconds, Percentiles PrepSeconds, int SurplusGiven, int Wasted);

/// <summary>One bucket of the period (<see cref="KitchenAnalyticsView.BucketMinutes"/> long, from <paramref name="Start"/>).</summary>
public sealed record AnalyticsBucket(DateTimeOffset Start, int Orders, int ReadyOrders, int LateOrders, int Items, int Batches, Percentiles TicketSeconds, int Wasted);

/// <summary>
/// A station over the period: production items ordered there, its batches and prep times, the time from an order's
/// receipt until the station's line was ready (of lines ready in the period), lines of late orders, and waste.
/// </summary>
public sealed record StationAnalytics(string Station, int Items, int Batches, double? AverageBatchSize, Percentiles PrepSeconds, Percentiles TicketSeconds, int LateLines, int Wasted);

public sealed record BrandAnalytics(string Brand, int Orders, int LateOrders, Percentiles TicketSeconds);

/// <summary>
/// A production item over the period: its batches, items and prep times (also by batch size: 1, 2–3, 4–6, 7+), its
/// configured and learned prep times and the one fire times use now (<c>FirePrepSeconds</c>), waste and surplus given.
/// </summary>
public sealed record ProductionItemAnalytics(
    string Name,
    string Station,
    int Batches,
    int Items,
    double? AverageBatchSize,
    Percentiles PrepSeconds,
    IReadOnlyList<PrepBySize> PrepSecondsBySize,
    int ConfiguredPrepSeconds,
    int? LearnedPrepSeconds,
    int LearnedSamples,
    int FirePrepSeconds,
    int Wasted,
    int SurplusGiven);

/// <summary>The median prep time of batches of a size range ("1", "2-3", "4-6", "7+").</summary>
public sealed record PrepBySize(string Size, double? P50, int Batches);

public sealed record BatchSizeCount(int Size, int Batches);

public sealed record WasteByReason(string Station, string Item, int Quantity, string Reason);
