using System.Globalization;
using MongoDB.Bson;

namespace Orbital.OrderManagement.Mapping;

/// <summary>
/// Gives each line of one document its id, by a rule that never refuses an order: an update of the order is applied
/// line by line, by these ids, so they must be stable and unique within the order.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The platform's <c>Id</c> when it has one: a non-empty string (trimmed), a whole number (its decimal digits)
/// or an ObjectId (its hex digits). Any other value, or none, gives the line its position, <c>station-item</c>
/// (<c>0-1</c> is the second item of the first station).</item>
/// <item>A line whose id an earlier line of the document already took (two lines with one <c>Id</c>, or an <c>Id</c>
/// that reads like another line's position) gets its own position appended: <c>li-1@0-1</c>.</item>
/// <item>An id too long to store, or with control characters, is shortened by <see cref="BoundedId"/>.</item>
/// </list>
/// </remarks>
internal sealed class OrderLineIds
{
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

    /// <param name="platformId">The item's <c>Id</c> field, if it has one.</param>
    /// <param name="station">The station's position in the document.</param>
    /// <param name="item">The item's position in its station.</param>
    public string Next(BsonValue? platformId, int station, int item)
    {
        var position = string.Create(CultureInfo.InvariantCulture, $"{station}-{item}");
        var id = BoundedId.Of(FromPlatform(platformId) ?? position);
        while (!_taken.Add(id))
        {
            id = BoundedId.Of($"{id}@{position}");
        }

        return id;
    }

    private static string? FromPlatform(BsonValue? id) => id switch
    {
        BsonString { Value: var text } when !string.IsNullOrWhiteSpace(text) => text.Trim(),
        BsonInt32 number => number.Value.ToString(CultureInfo.InvariantCulture),
        BsonInt64 number => number.Value.ToString(CultureInfo.InvariantCulture),
        BsonDouble { Value: var number } when double.IsFinite(number) && Math.Floor(number) == number && Math.Abs(number) < 9e15 => ((long)number).ToString(CultureInfo.InvariantCulture),
        BsonDecimal128 number when Whole(number.Value) is { } whole => whole.ToString(CultureInfo.InvariantCulture),
        BsonObjectId objectId => objectId.Value.ToString(),
        _ => null,
    };

    private static decimal? Whole(Decimal128 value)
    {
        try
        {
            var number = Decimal128.ToDecimal(value);
            return decimal.Truncate(number) == number ? number : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
