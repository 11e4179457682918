using Orbital.Contracts.Validation;

namespace Orbital.KitchenBatch.Production;

/// <summary>The body of <c>PUT /api/production-items/{name}</c>: where the item cooks and how long it takes.</summary>
/// <param name="Station">The station that cooks it.</param>
/// <param name="PrepSeconds">How long it takes, in seconds (at most 8 hours); null: the station's default prep time.</param>
public sealed record ProductionItemRequest(string? Station, int? PrepSeconds)
{
    public const int MaxPrepSeconds = 8 * 3600;

    public Dictionary<string, string[]> Validate(string name)
    {
        var errors = new Dictionary<string, string[]>();
        if (Names.Invalid(name) is { } nameError)
        {
            errors["name"] = [nameError];
        }

        if (Names.Invalid(Station) is { } stationError)
        {
            errors["station"] = [stationError];
        }

        if (PrepSeconds is < 0 or > MaxPrepSeconds)
        {
            errors["prepSeconds"] = [$"The prep time must be between 0 and {MaxPrepSeconds} seconds, was {PrepSeconds}."];
        }

        return errors;
    }
}

/// <summary>The body of <c>PUT /api/menu-mappings</c>: a brand's menu item is <paramref name="Multiplier"/> × <paramref name="ProductionItem"/>.</summary>
public sealed record MenuMappingRequest(string? Brand, string? Item, string? ProductionItem, int? Multiplier)
{
    public const int MaxMultiplier = 100;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, value) in new[] { ("brand", Brand), ("item", Item), ("productionItem", ProductionItem) })
        {
            if (Names.Invalid(value) is { } error)
            {
                errors[field] = [error];
            }
        }

        if (Multiplier is < 1 or > MaxMultiplier)
        {
            errors["multiplier"] = [$"The multiplier must be between 1 and {MaxMultiplier}, was {Multiplier}."];
        }

        return errors;
    }
}

/// <summary>What a name in the catalog must be: one line of text, as long as the platform's names may be.</summary>
internal static class Names
{
    public static string? Invalid(string? name)
        => string.IsNullOrWhiteSpace(name)
            ? "A name is required."
            : name.Trim().Length > OrderLimits.MaxNameLength || name.Any(char.IsControl)
                ? $"A name must be one line of at most {OrderLimits.MaxNameLength} characters."
                : null;
}
