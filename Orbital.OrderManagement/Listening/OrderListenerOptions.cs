using System.ComponentModel.DataAnnotations;

namespace Orbital.OrderManagement.Listening;

/// <summary>How the order listener reads the ordering platform's MongoDB (section <c>OrderListener</c>).</summary>
public sealed class OrderListenerOptions
{
    public const string SectionName = "OrderListener";

    /// <summary>The collection the ordering platform writes orders to.</summary>
    [Required]
    public string OrdersCollection { get; set; } = "orders";

    /// <summary>Where to start when there is no checkpoint yet.</summary>
    public StartPosition StartFrom { get; set; } = StartPosition.Now;

    /// <summary>How long one read of the change stream waits for new orders.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan MaxAwaitTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A getMore answers within <see cref="MaxAwaitTime"/>; this much silence (at least 30 s) means a stream that hangs,
    /// as on a half-open connection: health says so, and the leader opens a new stream.
    /// </summary>
    public TimeSpan SilenceLimit => TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, MaxAwaitTime.Ticks * 5));

    /// <summary>
    /// How often a quiet stream's position is checkpointed, so the saved token never falls off the oplog while no
    /// orders arrive.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan QuietCheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How far before the last checkpoint a catch-up scan starts, after history was lost: clocks and the
    /// checkpoint's own granularity are not exact, and re-sent orders are deduplicated by the kitchen.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan CatchUpMargin { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How far a catch-up's window may be widened by delays observed between an ObjectId's creation and its insert
    /// (twice the largest one seen); beyond this, such documents are a documented limit of the catch-up.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan CatchUpMarginLimit { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// A date field the platform writes at insert (e.g. <c>CreatedAt</c>), by which a catch-up also selects
    /// documents; unset, only the creation time in ObjectId <c>_id</c>s tells time, and documents with other ids
    /// are all re-read. See docs/architecture.md.
    /// </summary>
    public string? CatchUpTimeField { get; set; }

    /// <summary>
    /// Checkpoint writes are coalesced: the newest dealt-with position is saved once this many changes are behind
    /// it, or <see cref="CheckpointInterval"/> after the last save (at once for a change after a quiet while, also
    /// while the stream waits for its next batch).
    /// </summary>
    [Range(1, 100_000)]
    public int CheckpointEvery { get; set; } = 1_000;

    /// <inheritdoc cref="CheckpointEvery"/>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>Where a listener without a checkpoint starts.</summary>
public enum StartPosition
{
    /// <summary>With orders written from now on.</summary>
    Now = 0,

    /// <summary>With every order already in the collection (deduplicated by the kitchen), then the live stream.</summary>
    Beginning = 1,
}
