namespace Orbital.KitchenBatch.Batches;

/// <summary>A batch item and the open order lines it serves, in the order completions are allocated to them.</summary>
public sealed record BatchItemDetailView(BatchItemView BatchItem, IReadOnlyList<BatchItemOrderView> Orders);

/// <summary>One open order line a batch item serves.</summary>
/// <param name="OrderId">The order's id on the platform.</param>
/// <param name="Brand">The brand it was ordered from.</param>
/// <param name="PlacedAt">When it was placed.</param>
/// <param name="DueAt">When it is due: completions go to the earliest due first.</param>
/// <param name="LineId">The line's id within its order.</param>
/// <param name="Item">The brand's menu item the line orders ("Double Smash").</param>
/// <param name="Quantity">What the line needs cooked, in production items (the menu quantity times the mapping's multiplier).</param>
/// <param name="CompletedQuantity">What was cooked for it, in production items.</param>
/// <param name="Note">The customer's note.</param>
public sealed record BatchItemOrderView(string OrderId, string Brand, DateTimeOffset PlacedAt, DateTimeOffset DueAt, string LineId, string Item, int Quantity, int CompletedQuantity, string? Note);
