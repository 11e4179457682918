using System.Globalization;
using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using Orbital.Contracts.Validation;

namespace Orbital.OrderManagement.Mapping;

/// <summary>
/// A platform document's <c>_id</c> as the kitchen keeps it (the order's source id): exact, so that a deleted
/// document cancels its own order and no other. Two <c>_id</c>s MongoDB tells apart never share a source id, and
/// two it holds equal (<c>42</c>, <c>42L</c> and <c>42.0</c>) always do.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>an ObjectId: its 24 hex digits, <c>674454c0a1b2c3d4e5f60718</c> (as before: most platforms use them);</item>
/// <item>a string: quoted, with <c>"</c>, <c>\</c>, control characters and lone surrogates escaped: <c>"42"</c>;</item>
/// <item>a whole number of any numeric type: its decimal digits, <c>42</c>; another double: its shortest round-trip
/// form, <c>0.5</c>; another decimal: <c>NumberDecimal("0.5")</c>;</item>
/// <item>anything else: MongoDB's canonical extended JSON, <c>{ "$binary" : ... }</c>.</item>
/// </list>
/// A form longer than <see cref="OrderLimits.MaxIdLength"/> is shortened by <see cref="BoundedId"/>: still readable,
/// still exact.
/// </remarks>
public static class DocumentSourceId
{
    private static readonly JsonWriterSettings s_json = new() { OutputMode = JsonOutputMode.CanonicalExtendedJson };

    /// <summary>The source id of <paramref name="id"/>; empty for a missing <c>_id</c>.</summary>
    public static string Of(BsonValue id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.IsBsonNull ? string.Empty : BoundedId.Of(Canonical(id));
    }

    private static string Canonical(BsonValue id) => id switch
    {
        BsonObjectId objectId => objectId.Value.ToString(),
        BsonString text => Quoted(text.Value),
        BsonInt32 number => number.Value.ToString(CultureInfo.InvariantCulture),
        BsonInt64 number => number.Value.ToString(CultureInfo.InvariantCulture),
        BsonDouble number => Double(number.Value),
        BsonDecimal128 number => Decimal(number.Value),
        _ => id.ToJson(s_json),
    };

    private static string Double(double value)
        => double.IsFinite(value) && Math.Floor(value) == value && Math.Abs(value) < 9.2e18
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Decimal(Decimal128 value)
    {
        if (!Decimal128.IsNaN(value) && !Decimal128.IsInfinity(value))
        {
            try
            {
                var number = Decimal128.ToDecimal(value);
                if (decimal.Truncate(number) == number && Math.Abs(number) < 9.2e18m)
                {
                    return ((long)number).ToString(CultureInfo.InvariantCulture);
                }
            }
            catch (OverflowException)
            {
                // Beyond System.Decimal: written as MongoDB writes it below.
            }
        }

        return $"NumberDecimal(\"{value}\")";
    }

    /// <summary>The text in double quotes, escaped so that different texts never read the same and nothing unstorable remains.</summary>
    private static string Quoted(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '"' or '\\')
            {
                quoted.Append('\\').Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                quoted.Append(c).Append(value[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                quoted.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                quoted.Append(c);
            }
        }

        return quoted.Append('"').ToString();
    }
}
