namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>The payload of <c>batch.started</c>.</summary>
public sealed record BatchStartedPayload(long BatchItemId, string Station, string ItemName, IReadOnlyList<string> Modifiers, int Quantity);
