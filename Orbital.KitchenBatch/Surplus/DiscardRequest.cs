using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Surplus;

/// <summary>The body of a discard: how much surplus went in the bin, and why.</summary>
/// <param name="Quantity">How many items, at least 1 and at most the surplus.</param>
/// <param name="Reason">Why they were thrown away ("cold", "end of shift"): the waste report groups by it.</param>
public sealed record DiscardRequest(int? Quantity, string? Reason)
{
    /// <summary>The validation errors of this body, by field; empty when it is valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new QuantityRequest(Quantity).Validate();
        if (string.IsNullOrWhiteSpace(Reason))
        {
            errors["reason"] = ["A reason is required: waste is recorded with why it happened."];
        }
        else if (Reason.Length > OrderLimits.MaxNameLength || Reason.Any(char.IsControl))
        {
            errors["reason"] = [$"The reason must be one line of at most {OrderLimits.MaxNameLength} characters."];
        }

        return errors;
    }
}
