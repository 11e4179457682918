using System.ComponentModel.DataAnnotations;

namespace Orbital.KitchenBatch.Intake;

/// <summary>How intake treats what the platform says about an order (section <c>Kitchen:Intake</c>).</summary>
public sealed class KitchenIntakeOptions
{
    public const string SectionName = "Kitchen:Intake";

    /// <summary>
    /// How far back a placed-at time is believed, measured from when the kitchen receives the order. Completions go to
    /// the oldest orders first, so a placed-at of the year 1 (a platform bug, a test document) would put an order
    /// ahead of every real one: an order placed earlier than this counts as placed when it arrived. A day keeps the
    /// real times of any backlog the order service catches up on.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan PlacedAtMaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How far ahead of the kitchen's clock a placed-at time is believed (the platform's clock may run a little
    /// ahead); an order placed later than that (the year 9999) counts as placed when it arrived.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan PlacedAtMaxAhead { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The most active orders one <c>GetActiveOrders</c> answer lists (a listener re-reads them after a lost
    /// checkpoint): a kitchen's open tickets with room to spare, about 0.6 MB at 10,000. At most 50,000, which stays
    /// inside a gRPC client's default 4 MB receive limit.
    /// </summary>
    [Range(100, 50_000)]
    public int MaxActiveOrders { get; set; } = 10_000;

    /// <summary>
    /// How many transactions of new orders (<see cref="NewOrderQueue"/>) run at once. New orders of calls that arrive
    /// while these are under way wait and go together in the next one, so many callers cost a few commits rather than
    /// one each; two let one transaction's work overlap the other's commit.
    /// </summary>
    [Range(1, 8)]
    public int NewOrderWriters { get; set; } = 2;

    /// <summary>The most new orders one such transaction takes; a larger call's orders still go in one.</summary>
    [Range(1, 5_000)]
    public int MaxNewOrdersPerTransaction { get; set; } = 500;

    /// <summary>The placed-at time an order arriving at <paramref name="receivedAt"/> is filed with: its own, or its arrival when that is not believable.</summary>
    public DateTimeOffset PlacedAt(DateTimeOffset placedAt, DateTimeOffset receivedAt)
        => placedAt > receivedAt + PlacedAtMaxAhead || placedAt < receivedAt - PlacedAtMaxAge ? receivedAt : placedAt;
}
