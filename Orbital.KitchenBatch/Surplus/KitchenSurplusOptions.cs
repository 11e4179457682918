using System.ComponentModel.DataAnnotations;

namespace Orbital.KitchenBatch.Surplus;

/// <summary>When cooked food freed by a change is still there to give to another order (section <c>Kitchen:Surplus</c>).</summary>
public sealed class KitchenSurplusOptions
{
    public const string SectionName = "Kitchen:Surplus";

    /// <summary>
    /// How long a ready order's food waits at the pass. A ready order changed or cancelled later than this has been
    /// handed over (or thrown away): its food is not surplus, so no other order is marked ready with food that is gone.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan HoldingTime { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Surplus waits at most <see cref="HoldingTime"/> too (counted from when its order was ready, or when it was
    /// freed), then it is waste. Intake never gives out expired surplus; this is how often the kitchen looks for
    /// surplus nobody asked for, so boards stop offering it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMinutes(1);
}
