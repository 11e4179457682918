using System.Security.Cryptography;
using System.Text;

namespace Orbital.KitchenBatch.Model;

/// <summary>
/// What makes two order lines the same batch item: station, item name and modifiers. Modifiers are compared
/// trimmed, case-insensitively and regardless of order, so the same burger typed two ways is one batch.
/// </summary>
public sealed record BatchKey(string Station, string ItemName, IReadOnlyList<string> Modifiers, string ModifiersKey)
{
    /// <summary>The length of <see cref="ModifiersKey"/> for an item with modifiers: a SHA-256 in hex.</summary>
    public const int ModifiersKeyLength = 64;

    private const char Separator = '\u001F';

    /// <summary>The batch item's identity as a value: what the unique index compares, and the order rows are locked in.</summary>
    public (string Station, string ItemName, string ModifiersKey) Identity => (Station, ItemName, ModifiersKey);

    public static BatchKey For(string station, string itemName, IEnumerable<string> modifiers)
    {
        ArgumentNullException.ThrowIfNull(modifiers);
        var normalized = modifiers
            .Select(m => m.Trim())
            .Where(m => m.Length > 0)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ThenBy(m => m, StringComparer.Ordinal)
            .ToList();
        return new BatchKey(station.Trim(), itemName.Trim(), normalized, KeyOf(normalized));
    }

    /// <summary>
    /// The modifiers' identity as a fixed-size value: empty without modifiers, else the SHA-256 of the upper-cased
    /// modifiers joined by U+001F. Fixed-size, because the unique index over (station, item, key) must stay
    /// under PostgreSQL's index row limit whatever modifiers an order carries.
    /// </summary>
    private static string KeyOf(List<string> normalized)
    {
        if (normalized.Count == 0)
        {
            return string.Empty;
        }

        var joined = string.Join(Separator, normalized.Select(m => m.ToUpperInvariant()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)));
    }
}
