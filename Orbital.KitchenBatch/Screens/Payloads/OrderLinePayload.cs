namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>One line of an order as it stands after a change.</summary>
public sealed record OrderLinePayload(string LineId, string Station, string ItemName, IReadOnlyList<string> Modifiers, int Quantity, int CompletedQuantity);
