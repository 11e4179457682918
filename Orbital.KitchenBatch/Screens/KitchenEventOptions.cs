using System.ComponentModel.DataAnnotations;

namespace Orbital.KitchenBatch.Screens;

/// <summary>How kitchen events reach screens (section <c>Kitchen:Events</c>; <c>KitchenEvents</c> still read).</summary>
public sealed class KitchenEventOptions
{
    public const string SectionName = "Kitchen:Events";

    /// <summary>The section's name before every kitchen setting moved under <c>Kitchen</c>; still read.</summary>
    public const string FormerSectionName = "KitchenEvents";

    /// <summary>
    /// How many events may wait for one screen. A screen that falls this far behind is disconnected; it
    /// reconnects with <c>Last-Event-ID</c> and replays from the table, and the kitchen never waits for it.
    /// </summary>
    [Range(1, 100_000)]
    public int SubscriberBufferCapacity { get; set; } = 1000;

    /// <summary>The longest a stream stays silent: a heartbeat keeps proxies from closing it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:15")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The shortest time between two dispatches to the screens. The first commit after a quiet while goes out at once;
    /// under load, the commits of this interval go out together, as one write per screen: at 200 orders a second and
    /// hundreds of screens, this is what keeps the kitchen's writes (and the tablets' repaints) bounded. Zero
    /// dispatches every commit on its own.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How many writes a second dispatch may cost, all screens together: with more screens than this allows at
    /// <see cref="DispatchInterval"/>, dispatches under load are spaced further apart (screens ÷ this, 50 ms for 500
    /// screens at 10,000), so that the kitchen's work for them stays bounded however many connect. A write is what
    /// costs, not its size. Measured at 200 orders a second with 500 screens on two cores: 50 ms between dispatches
    /// took p99 from 689 to 226-409 ms against 20 ms (docs/benchmarks.md). It never delays the first commit after a
    /// quiet while, and it spaces dispatches at most <see cref="MaxBudgetInterval"/> apart, so that dispatch (a page
    /// of <see cref="PageSize"/> events at a time) always keeps up with a busy kitchen.
    /// </summary>
    [Range(100, 10_000_000)]
    public int ScreenWritesPerSecond { get; set; } = 10_000;

    /// <summary>The longest the write budget spaces dispatches.</summary>
    public static readonly TimeSpan MaxBudgetInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The shortest time between two dispatches to <paramref name="screens"/> connected screens.</summary>
    public TimeSpan DispatchIntervalFor(int screens)
    {
        var budget = TimeSpan.FromSeconds((double)screens / ScreenWritesPerSecond);
        budget = budget < MaxBudgetInterval ? budget : MaxBudgetInterval;
        return budget > DispatchInterval ? budget : DispatchInterval;
    }

    /// <summary>
    /// How often events committed by other kitchen instances are looked for while this instance cannot hear their
    /// notifications (its LISTEN connection is down).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often events are looked for while notifications are heard. Every commit of any instance wakes the stream
    /// anyway; this look finds what no commit announces: a database restored behind the kitchen (its events went back).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ListeningPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many events one read of the table returns, when replaying and when dispatching.</summary>
    [Range(1, 10_000)]
    public int PageSize { get; set; } = 500;

    /// <summary>How soon a browser reconnects after the stream drops.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many of the newest events are kept for replay; older ones are pruned. A screen further behind than this
    /// (or asking for <c>Last-Event-ID: 0</c> on a long-running kitchen) gets <c>reset</c> instead of a replay of
    /// the whole table.
    /// </summary>
    [Range(100, 10_000_000)]
    public int RetainedEvents { get; set; } = 10_000;

    /// <summary>How often events beyond <see cref="RetainedEvents"/> are pruned.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(10);
}
