namespace Orbital.KitchenBatch.Model;

/// <summary>
/// Cooked food of one batch item that became surplus together: how many, and since when it has been waiting (the
/// time its order was ready, or the time it was freed). Surplus is given out and discarded oldest lot first, and a
/// lot older than the holding time is waste.
/// </summary>
public sealed record SurplusLot(int Quantity, DateTimeOffset Since);
