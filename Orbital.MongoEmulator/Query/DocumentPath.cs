using System.Globalization;
using MongoDB.Bson;

namespace Orbital.MongoEmulator.Query;

/// <summary>Dotted field paths (<c>fullDocument.BrandName</c>, <c>StationOrders.0.OwnStationName</c>).</summary>
internal static class DocumentPath
{
    /// <summary>
    /// The values at <paramref name="path"/>: none when it is missing, several when it crosses an array
    /// (a query on <c>items.name</c> matches if any item's name matches).
    /// </summary>
    public static IReadOnlyList<BsonValue> Resolve(BsonValue root, string path)
    {
        var current = new List<BsonValue> { root };
        foreach (var segment in path.Split('.'))
        {
            var next = new List<BsonValue>();
            foreach (var value in current)
            {
                Step(value, segment, next);
            }

            current = next;
        }

        return current;
    }

    /// <summary>
    /// Sets <paramref name="path"/> as <c>$set</c> does: missing documents on the way are created, and a numeric
    /// segment on an array is an element index (an array too short is padded with nulls).
    /// </summary>
    public static void Set(BsonDocument document, string path, BsonValue value)
    {
        var segments = path.Split('.');
        BsonValue container = document;
        foreach (var segment in segments[..^1])
        {
            var child = Child(container, segment, path);
            if (child is not (BsonDocument or BsonArray))
            {
                child = new BsonDocument();
                Assign(container, segment, child, path);
            }

            container = child;
        }

        Assign(container, segments[^1], value, path);
    }

    /// <summary>Removes <paramref name="path"/> as <c>$unset</c> does: an array element becomes null rather than going away.</summary>
    public static bool Remove(BsonDocument document, string path)
    {
        var segments = path.Split('.');
        BsonValue? container = document;
        foreach (var segment in segments[..^1])
        {
            container = container is BsonDocument or BsonArray ? Existing(container, segment) : null;
            if (container is null)
            {
                return false;
            }
        }

        switch (container)
        {
            case BsonDocument last when last.Contains(segments[^1]):
                last.Remove(segments[^1]);
                return true;
            case BsonArray array when Index(segments[^1]) is { } index && index < array.Count:
                array[index] = BsonNull.Value;
                return true;
            default:
                return false;
        }
    }

    private static BsonValue? Existing(BsonValue container, string segment) => container switch
    {
        BsonDocument document => document.TryGetValue(segment, out var child) ? child : null,
        BsonArray array when Index(segment) is { } index && index < array.Count => array[index],
        _ => null,
    };

    private static BsonValue? Child(BsonValue container, string segment, string path)
        => container is BsonArray && Index(segment) is null
            ? throw MongoCommandError.Bad($"Cannot create field '{segment}' in an array (path '{path}')")
            : Existing(container, segment);

    private static void Assign(BsonValue container, string segment, BsonValue value, string path)
    {
        switch (container)
        {
            case BsonDocument document:
                document[segment] = value;
                break;
            case BsonArray array when Index(segment) is { } index:
                while (array.Count <= index)
                {
                    array.Add(BsonNull.Value);
                }

                array[index] = value;
                break;
            default:
                throw MongoCommandError.Bad($"Cannot create field '{segment}' in element of type {container.BsonType} (path '{path}')");
        }
    }

    private static int? Index(string segment)
        => int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : null;

    private static void Step(BsonValue value, string segment, List<BsonValue> next)
    {
        switch (value)
        {
            case BsonDocument document when document.TryGetValue(segment, out var child):
                next.Add(child);
                break;
            case BsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index):
                if (index < array.Count)
                {
                    next.Add(array[index]);
                }

                break;
            case BsonArray array:
                foreach (var element in array)
                {
                    if (element is BsonDocument elementDocument && elementDocument.TryGetValue(segment, out var child))
                    {
                        next.Add(child);
                    }
                }

                break;
        }
    }
}
