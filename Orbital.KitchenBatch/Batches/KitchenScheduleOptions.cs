using System.ComponentModel.DataAnnotations;

namespace Orbital.KitchenBatch.Batches;

/// <summary>
/// How the kitchen cooks to the clock (section <c>Kitchen:Schedule</c>): when an order is due, what "fire now" and
/// "coming up" mean, and when open demand is stale.
/// </summary>
public sealed class KitchenScheduleOptions
{
    public const string SectionName = "Kitchen:Schedule";

    /// <summary>An order without a pickup time is due this long after it was placed.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DefaultLeadTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How far ahead of a platform's pickup time a due time is believed, measured from placed-at: a pickup in the
    /// year 9999 (a platform bug) is treated as no pickup time at all.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan DueAtMaxAhead { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Demand whose fire time is at most this far ahead is "fire now": cooks start a little early rather than late.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan FireHorizon { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How far ahead "coming up" looks.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ComingUpWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How far ahead the all-day count looks: what is open and due within it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AllDayWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// An open order this long past its due time is stale: nobody is waiting for it any more, so its demand leaves
    /// "fire now" and is shown apart, until a manager closes it or <see cref="CloseStaleAfter"/> does.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// An open order this long past its due time is closed by the kitchen itself, recorded as closed stale; null: only
    /// a manager closes stale orders. Longer than <see cref="StaleAfter"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan? CloseStaleAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The longest the clock sleeps between looks for demand reaching its fire time.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ClockInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far ahead "coming up" looks; never less than the fire horizon.</summary>
    public TimeSpan ComingUp() => ComingUpWindow < FireHorizon ? FireHorizon : ComingUpWindow;

    /// <summary>
    /// When an order placed at <paramref name="placedAt"/> is due: its pickup time when it has a believable one (not
    /// before it was placed, not beyond <see cref="DueAtMaxAhead"/>), else after the default lead time.
    /// </summary>
    public DateTimeOffset DueAt(DateTimeOffset? pickupAt, DateTimeOffset placedAt)
        => pickupAt is { } pickup && pickup <= placedAt + DueAtMaxAhead && pickup >= placedAt
            ? pickup
            : placedAt + DefaultLeadTime;
}
