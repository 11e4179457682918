using System.Globalization;
using MongoDB.Bson;

namespace Orbital.Tests.MongoWire.Query;

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

    public static void Set(BsonDocument document, string path, BsonValue value)
    {
        var segments = path.Split('.');
        var container = document;
        foreach (var segment in segments[..^1])
        {
            if (!container.TryGetValue(segment, out var child) || child is not BsonDocument childDocument)
            {
                childDocument = [];
                container[segment] = childDocument;
            }

            container = childDocument;
        }

        container[segments[^1]] = value;
    }

    public static bool Remove(BsonDocument document, string path)
    {
        var segments = path.Split('.');
        BsonValue container = document;
        foreach (var segment in segments[..^1])
        {
            if (container is not BsonDocument parent || !parent.TryGetValue(segment, out container))
            {
                return false;
            }
        }

        if (container is not BsonDocument last || !last.Contains(segments[^1]))
        {
            return false;
        }

        last.Remove(segments[^1]);
        return true;
    }

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
