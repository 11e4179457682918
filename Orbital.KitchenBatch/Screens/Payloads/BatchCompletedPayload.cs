namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>The payload of <c>batch.completed</c>: what was cooked and which orders it went to.</summary>
public sealed record BatchCompletedPayload(long BatchItemId, string Station, string ItemName, IReadOnlyList<string> Modifiers, int Quantity, IReadOnlyList<AllocationPayload> Allocations);
