namespace Orbital.KitchenBatch.Model.Views;

/// <summary>The payload of <c>order.received</c>.</summary>
public sealed record OrderReceivedPayload(string OrderId, string Brand, DateTimeOffset PlacedAt, IReadOnlyList<string> Stations, int Items);

/// <summary>The payload of <c>batch.started</c>.</summary>
public sealed record BatchStartedPayload(long BatchItemId, string Station, string ItemName, IReadOnlyList<string> Modifiers, int Quantity);

/// <summary>The payload of <c>batch.completed</c>: what was cooked and which orders it went to.</summary>
public sealed record BatchCompletedPayload(long BatchItemId, string Station, string ItemName, IReadOnlyList<string> Modifiers, int Quantity, IReadOnlyList<AllocationPayload> Allocations);

/// <summary>Part of a completion: <paramref name="Quantity"/> went to <paramref name="OrderId"/>'s line.</summary>
public sealed record AllocationPayload(string OrderId, string LineId, int Quantity);
