using System.ComponentModel.DataAnnotations;

namespace Orbital.KitchenBatch.Analytics;

/// <summary>How long the kitchen keeps its measurements, and what the analytics API answers by default (section <c>Kitchen:Analytics</c>).</summary>
public sealed class KitchenAnalyticsOptions
{
    public const string SectionName = "Kitchen:Analytics";

    /// <summary>Batches, surplus given out and waste older than this are deleted (orders are kept as they are).</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>The period the analytics cover when the caller names none: the last 12 hours.</summary>
    [Range(typeof(TimeSpan), "00:15:00", "31.00:00:00")]
    public TimeSpan DefaultPeriod { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The longest period one call may cover.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "366.00:00:00")]
    public TimeSpan MaxPeriod { get; set; } = TimeSpan.FromDays(31);
}
