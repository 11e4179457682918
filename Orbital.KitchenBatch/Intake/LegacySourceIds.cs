using System.Text;
using System.Text.RegularExpressions;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// Source ids from an order service older than exact source ids, in today's form. That order service sent a string
/// <c>_id</c> as the bare text; today it is quoted (<c>"abc"</c>), so that it is never taken for a number or an
/// ObjectId. During a rolling upgrade either side may be the older one: the kitchen brings what arrives, and the
/// migration <c>IntakeGuarantees</c> brings what is stored, to today's form by the same rule.
/// </summary>
/// <remarks>
/// Kept as it is: today's forms (an ObjectId's 24 hex digits, a number, a quoted string, extended JSON, a
/// <c>NumberDecimal</c>, a shortened id ending in <c>…#</c> and a hash), and an old id that was cut short (it ends in
/// <c>…</c>: what it was cannot be told). Anything else was a string, and is quoted. An old string id that looked
/// like a number or an ObjectId cannot be told from one, and stays as it is.
/// </remarks>
public static partial class LegacySourceIds
{
    public static string? Normalize(string? sourceId)
    {
        if (string.IsNullOrEmpty(sourceId) || CurrentForm().IsMatch(sourceId) || sourceId.EndsWith('…'))
        {
            return sourceId;
        }

        var quoted = new StringBuilder(sourceId.Length + 2).Append('"');
        foreach (var c in sourceId)
        {
            quoted.Append(c is '"' or '\\' ? $"\\{c}" : c.ToString());
        }

        var text = quoted.Append('"').ToString();
        return text.Length <= Contracts.Validation.OrderLimits.MaxIdLength ? text : sourceId;
    }

    [GeneratedRegex("""^([0-9a-f]{24}|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|-?Infinity|".*"|[\[{].*|NumberDecimal\(.*\)|.*…#[0-9a-f]{32})$""", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex CurrentForm();
}
