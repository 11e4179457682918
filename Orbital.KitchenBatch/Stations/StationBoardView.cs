using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Surplus;
namespace Orbital.KitchenBatch.Stations;

/// <summary>
/// Everything a station board paints first, read in one snapshot: its open batch items, the orders ready for
/// packing, its surplus, and the event position both were read at.
/// </summary>
/// <param name="Station">The station's name.</param>
/// <param name="LastEventId">Subscribe to <c>/api/events</c> after this id to see every change since this snapshot.</param>
/// <param name="Items">The open batch items, the one with the oldest open line first.</param>
/// <param name="ReadyOrders">The orders most recently ready for packing, newest first.</param>
/// <param name="Surplus">The station's cooked food that no order has taken, the oldest first.</param>
public sealed record StationBoardView(string Station, long LastEventId, IReadOnlyList<BatchItemView> Items, IReadOnlyList<ReadyOrderView> ReadyOrders, IReadOnlyList<SurplusView> Surplus);
