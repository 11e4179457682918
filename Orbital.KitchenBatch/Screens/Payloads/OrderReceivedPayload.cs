namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>The payload of <c>order.received</c>.</summary>
public sealed record OrderReceivedPayload(string OrderId, string Brand, DateTimeOffset PlacedAt, IReadOnlyList<string> Stations, int Items);
