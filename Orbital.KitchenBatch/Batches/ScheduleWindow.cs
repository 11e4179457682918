using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Batches;

/// <summary>
/// The schedule's windows at one moment: demand fires when its fire time (due − prep) is at most
/// <see cref="Horizon"/> ahead, is "coming up" within <see cref="ComingUp"/>, and is stale (out of "fire now") once
/// its due time is <see cref="StaleAfter"/> past.
/// </summary>
public sealed record ScheduleWindow(DateTimeOffset Now, TimeSpan Horizon, TimeSpan ComingUp, TimeSpan AllDay, TimeSpan StaleAfter)
{
    public static ScheduleWindow At(DateTimeOffset now, KitchenScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(now, options.FireHorizon, options.ComingUp(), options.AllDayWindow, options.StaleAfter);
    }

    /// <summary>When demand due at <paramref name="dueAt"/> must be started.</summary>
    public static DateTimeOffset FireAt(DateTimeOffset dueAt, int prepSeconds) => dueAt.AddSeconds(-prepSeconds);

    public bool IsStale(DateTimeOffset dueAt) => dueAt + StaleAfter <= Now;

    /// <summary>Demand due at or before this is stale (see <see cref="IsStale"/>).</summary>
    public DateTimeOffset StaleBefore => Now - StaleAfter;

    public bool FiresNow(DateTimeOffset dueAt, int prepSeconds) => !IsStale(dueAt) && FireAt(dueAt, prepSeconds) <= Now + Horizon;

    public bool IsComingUp(DateTimeOffset dueAt, int prepSeconds)
        => FireAt(dueAt, prepSeconds) is var fire && fire > Now + Horizon && fire <= Now + ComingUp;

    /// <summary>
    /// The moments at which a demand due at <paramref name="dueAt"/> changes section: into "fire now", and out of it
    /// when stale.
    /// </summary>
    public (DateTimeOffset Fires, DateTimeOffset Stale) Crossings(DateTimeOffset dueAt, int prepSeconds)
        => (FireAt(dueAt, prepSeconds) - Horizon, dueAt + StaleAfter);

    /// <summary>How much of <paramref name="item"/>'s open demand fires now.</summary>
    public int NowQuantity(BatchItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Schedule.Where(s => FiresNow(s.DueAt, item.PrepSeconds)).Sum(s => s.Quantity);
    }
}

/// <summary>The schedule window now, from <see cref="KitchenScheduleOptions"/> and the kitchen's clock.</summary>
public sealed class FireSchedule(IOptions<KitchenScheduleOptions> options, TimeProvider time)
{
    public ScheduleWindow Now() => ScheduleWindow.At(time.GetUtcNow(), options.Value);

    /// <summary>A batch item as screens see it now.</summary>
    public BatchItemView View(BatchItem item) => BatchItemView.From(item, Now());
}
