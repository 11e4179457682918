namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>The payload of <c>order.received</c>: a new order, when it is due, the stations that cook for it and how many items (production items).</summary>
public sealed record OrderReceivedPayload(string OrderId, string Brand, DateTimeOffset PlacedAt, DateTimeOffset DueAt, IReadOnlyList<string> Stations, int Items);
