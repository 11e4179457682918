namespace Orbital.KitchenBatch.Model;

/// <summary>
/// What makes two order lines the same batch item: station, item name and modifiers. Modifiers are compared
/// trimmed, case-insensitively and regardless of order, so the same burger typed two ways is one batch.
/// </summary>
public sealed record BatchKey(string Station, string ItemName, IReadOnlyList<string> Modifiers, string ModifiersKey)
{
    private const char Separator = '\u001F';

    public static BatchKey For(string station, string itemName, IEnumerable<string> modifiers)
    {
        ArgumentNullException.ThrowIfNull(modifiers);
        var normalized = modifiers
            .Select(m => m.Trim())
            .Where(m => m.Length > 0)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ThenBy(m => m, StringComparer.Ordinal)
            .ToList();
        var key = string.Join(Separator, normalized.Select(m => m.ToUpperInvariant()));
        return new BatchKey(station.Trim(), itemName.Trim(), normalized, key);
    }
}
