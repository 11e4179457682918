using Orbital.Contracts.Validation;

namespace Orbital.KitchenBatch.Http;

/// <summary>The body of a start or complete: how many.</summary>
/// <param name="Quantity">How many items the cook starts or completes, at least 1.</param>
public sealed record QuantityRequest(int? Quantity)
{
    /// <summary>The validation errors of this body, by field; empty when it is valid.</summary>
    public Dictionary<string, string[]> Validate() => Quantity switch
    {
        null => new() { ["quantity"] = ["The quantity is required."] },
        < 1 => new() { ["quantity"] = [$"The quantity must be at least 1, was {Quantity}."] },
        > OrderLimits.MaxQuantity * 100 => new() { ["quantity"] = [$"The quantity must be at most {OrderLimits.MaxQuantity * 100}, was {Quantity}."] },
        _ => [],
    };
}
