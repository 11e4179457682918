using Orbital.KitchenBatch.Batches;
namespace Orbital.KitchenBatch.Stations;

/// <summary>A station and how much is open there.</summary>
/// <param name="Station">The station's name.</param>
/// <param name="OpenQuantity">Items ordered and not yet cooked, over all its batch items.</param>
/// <param name="InProgressQuantity">Of those, started by a cook.</param>
/// <param name="OpenBatchItems">How many batch items have open demand.</param>
/// <param name="OldestOpenPlacedAt">When the oldest order waiting at this station was placed.</param>
public sealed record StationView(string Station, int OpenQuantity, int InProgressQuantity, int OpenBatchItems, DateTimeOffset? OldestOpenPlacedAt);

/// <summary>A station's open batch items, oldest first, and the event position they were read at.</summary>
/// <param name="Station">The station's name.</param>
/// <param name="LastEventId">Subscribe to <c>/api/events</c> after this id to see every change since this list.</param>
/// <param name="Items">The open batch items, the one with the oldest open line first.</param>
public sealed record StationBatchItemsView(string Station, long LastEventId, IReadOnlyList<BatchItemView> Items);
