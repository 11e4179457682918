namespace Orbital.KitchenBatch.Batches;

/// <summary>A batch item and the open order lines it serves, in the order completions are allocated to them.</summary>
public sealed record BatchItemDetailView(BatchItemView BatchItem, IReadOnlyList<BatchItemOrderView> Orders);

/// <summary>One open order line a batch item serves.</summary>
public sealed record BatchItemOrderView(string OrderId, string Brand, DateTimeOffset PlacedAt, string LineId, int Quantity, int CompletedQuantity, string? Note);
