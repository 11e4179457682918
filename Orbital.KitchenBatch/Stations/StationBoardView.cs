using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Surplus;
namespace Orbital.KitchenBatch.Stations;

/// <summary>
/// Everything a station board paints first, read in one snapshot: its open batch items, the orders ready for
/// packing, its surplus, its late orders, the schedule's windows, and the event position all were read at.
/// </summary>
/// <param name="Station">The station's name.</param>
/// <param name="LastEventId">Subscribe to <c>/api/events</c> after this id to see every change since this snapshot.</param>
/// <param name="Items">The open batch items, the one with the oldest open line first; each with its schedule.</param>
/// <param name="ReadyOrders">The orders most recently ready for packing, newest first.</param>
/// <param name="Surplus">The station's cooked food that no order has taken, the oldest first.</param>
/// <param name="Timing">The schedule's windows and the server's time, for a screen to split "fire now" from "coming up" as time passes.</param>
/// <param name="LateOrders">The open orders past their due time with something left to cook here, earliest due first.</param>
public sealed record StationBoardView(
    string Station,
    long LastEventId,
    IReadOnlyList<BatchItemView> Items,
    IReadOnlyList<ReadyOrderView> ReadyOrders,
    IReadOnlyList<SurplusView> Surplus,
    ScheduleTimingView Timing,
    IReadOnlyList<LateOrderView> LateOrders);

/// <summary>The schedule's windows, in seconds, and the server's time they apply from.</summary>
/// <param name="HorizonSeconds">Demand whose fire time is at most this far ahead fires now.</param>
/// <param name="ComingUpSeconds">How far ahead "coming up" looks.</param>
/// <param name="AllDaySeconds">How far ahead the all-day count looks (open and due within it).</param>
/// <param name="StaleAfterSeconds">Demand this long past its due time is stale: out of "fire now".</param>
/// <param name="ServerTime">The kitchen's clock when the snapshot was read.</param>
public sealed record ScheduleTimingView(int HorizonSeconds, int ComingUpSeconds, int AllDaySeconds, int StaleAfterSeconds, DateTimeOffset ServerTime)
{
    public static ScheduleTimingView From(ScheduleWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new((int)window.Horizon.TotalSeconds, (int)window.ComingUp.TotalSeconds, (int)window.AllDay.TotalSeconds, (int)window.StaleAfter.TotalSeconds, window.Now);
    }
}

/// <summary>An open order past its due time.</summary>
/// <param name="OrderId">The order's id on the platform.</param>
/// <param name="Brand">The brand it was ordered from.</param>
/// <param name="PlacedAt">When it was placed.</param>
/// <param name="DueAt">When it was due.</param>
/// <param name="OpenQuantity">What is left to cook for it at the station, in production items.</param>
/// <param name="Stale">Whether it is so long past due that its demand is out of "fire now" (a manager, or the expiry, closes it).</param>
public sealed record LateOrderView(string OrderId, string Brand, DateTimeOffset PlacedAt, DateTimeOffset DueAt, int OpenQuantity, bool Stale);
