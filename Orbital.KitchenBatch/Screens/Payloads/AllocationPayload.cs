namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>Part of a completion: <paramref name="Quantity"/> went to <paramref name="OrderId"/>'s line.</summary>
public sealed record AllocationPayload(string OrderId, string LineId, int Quantity);
