using Orbital.KitchenBatch.Model;
namespace Orbital.KitchenBatch.Batches;

/// <summary>A batch item as a screen shows it; also the payload of <c>batch.updated</c>.</summary>
/// <param name="Id">The batch item's id.</param>
/// <param name="Station">The station that cooks it.</param>
/// <param name="ItemName">The production item cooked ("Smash patty"); <paramref name="Serves"/> says for which brands' menu items.</param>
/// <param name="Modifiers">Its modifiers, normalised.</param>
/// <param name="OpenQuantity">Ordered and not yet cooked.</param>
/// <param name="InProgressQuantity">Of the open ones, started by a cook.</param>
/// <param name="WaitingQuantity">Of the open ones, not started yet.</param>
/// <param name="SurplusQuantity">Cooked and assigned to no order (while there is any, nothing is open).</param>
/// <param name="OldestOpenPlacedAt">When the oldest order waiting for it was placed; null when nothing is open.</param>
/// <param name="UpdatedAt">When its quantities last changed.</param>
/// <param name="PrepSeconds">How long it takes to cook: each quantity fires this long before it is due.</param>
/// <param name="Schedule">The open demand by due time (to the minute), with the time each must be started, earliest first.</param>
/// <param name="Serves">Which brands' menu items the open demand is for, in menu items.</param>
/// <param name="NowQuantity">Of the open ones, what fires now (its fire time within the horizon, not stale), as of <paramref name="AsOf"/>.</param>
/// <param name="ComingUpQuantity">Of the open ones, what fires later within the coming-up window.</param>
/// <param name="LateQuantity">Of the open ones, what is past its due time.</param>
/// <param name="StaleQuantity">Of the late ones, what is stale: so long past due that it is out of "fire now".</param>
/// <param name="AsOf">The time the now, coming-up, late and stale quantities were computed at; a screen recomputes them from the schedule as time passes.</param>
public sealed record BatchItemView(
    long Id,
    string Station,
    string ItemName,
    IReadOnlyList<string> Modifiers,
    int OpenQuantity,
    int InProgressQuantity,
    int WaitingQuantity,
    int SurplusQuantity,
    DateTimeOffset? OldestOpenPlacedAt,
    DateTimeOffset UpdatedAt,
    int PrepSeconds,
    IReadOnlyList<ScheduledDemandView> Schedule,
    IReadOnlyList<ServedItem> Serves,
    int NowQuantity,
    int ComingUpQuantity,
    int LateQuantity,
    int StaleQuantity,
    DateTimeOffset AsOf)
{
    public static BatchItemView From(BatchItem item, ScheduleWindow window)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(window);
        var schedule = item.Schedule;
        return new(
            item.Id,
            item.Station,
            item.ItemName,
            item.Modifiers,
            item.OpenQuantity,
            item.InProgressQuantity,
            item.WaitingQuantity,
            item.SurplusQuantity,
            item.OldestOpenPlacedAt,
            item.UpdatedAt,
            item.PrepSeconds,
            [.. schedule.Select(s => new ScheduledDemandView(s.DueAt, ScheduleWindow.FireAt(s.DueAt, item.PrepSeconds), s.Quantity))],
            item.Serves,
            window.NowQuantity(item),
            schedule.Where(s => window.IsComingUp(s.DueAt, item.PrepSeconds)).Sum(s => s.Quantity),
            schedule.Where(s => s.DueAt <= window.Now).Sum(s => s.Quantity),
            schedule.Where(s => window.IsStale(s.DueAt)).Sum(s => s.Quantity),
            window.Now);
    }
}

/// <summary>Open demand due at one time, and when it must be started.</summary>
public sealed record ScheduledDemandView(DateTimeOffset DueAt, DateTimeOffset FireAt, int Quantity);
