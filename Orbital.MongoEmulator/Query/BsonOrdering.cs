using MongoDB.Bson;

namespace Orbital.MongoEmulator.Query;

/// <summary>
/// MongoDB's comparison rules, as far as the double needs them: numbers compare by value whatever their BSON
/// type, and values of different type classes are ordered by class (MinKey, null, numbers, strings, documents,
/// arrays, binary, ObjectId, booleans, dates, timestamps, MaxKey).
/// </summary>
internal static class BsonOrdering
{
    public static int TypeClass(BsonValue value) => value.BsonType switch
    {
        BsonType.MinKey => 0,
        BsonType.Null or BsonType.Undefined => 1,
        BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.Decimal128 => 2,
        BsonType.String or BsonType.Symbol => 3,
        BsonType.Document => 4,
        BsonType.Array => 5,
        BsonType.Binary => 6,
        BsonType.ObjectId => 7,
        BsonType.Boolean => 8,
        BsonType.DateTime => 9,
        BsonType.Timestamp => 10,
        BsonType.RegularExpression => 11,
        BsonType.MaxKey => 12,
        _ => 13,
    };

    public static int Compare(BsonValue left, BsonValue right)
    {
        var leftClass = TypeClass(left);
        var rightClass = TypeClass(right);
        if (leftClass != rightClass)
        {
            return leftClass.CompareTo(rightClass);
        }

        return leftClass switch
        {
            1 => 0,
            2 => left.ToDecimal128().CompareTo(right.ToDecimal128()),
            3 => string.CompareOrdinal(left.ToString(), right.ToString()),
            4 => CompareDocuments(left.AsBsonDocument, right.AsBsonDocument),
            5 => CompareArrays(left.AsBsonArray, right.AsBsonArray),
            _ => left.CompareTo(right),
        };
    }

    public static bool AreEqual(BsonValue left, BsonValue right) => Compare(left, right) == 0;

    /// <summary>A hash code that agrees with <see cref="AreEqual"/>: values that compare equal hash alike.</summary>
    public static int HashCode(BsonValue value)
    {
        switch (TypeClass(value))
        {
            case 1:
                return 1;
            case 2:
                return value.ToDouble().GetHashCode();
            case 3:
                return string.GetHashCode(value.ToString(), StringComparison.Ordinal);
            case 4:
                var document = new System.HashCode();
                foreach (var element in value.AsBsonDocument)
                {
                    document.Add(string.GetHashCode(element.Name, StringComparison.Ordinal));
                    document.Add(HashCode(element.Value));
                }

                return document.ToHashCode();
            case 5:
                var array = new System.HashCode();
                foreach (var item in value.AsBsonArray)
                {
                    array.Add(HashCode(item));
                }

                return array.ToHashCode();
            default:
                return value.GetHashCode();
        }
    }

    private static int CompareDocuments(BsonDocument left, BsonDocument right)
    {
        for (var i = 0; i < Math.Min(left.ElementCount, right.ElementCount); i++)
        {
            var l = left.GetElement(i);
            var r = right.GetElement(i);
            var byName = string.CompareOrdinal(l.Name, r.Name);
            if (byName != 0)
            {
                return byName;
            }

            var byValue = Compare(l.Value, r.Value);
            if (byValue != 0)
            {
                return byValue;
            }
        }

        return left.ElementCount.CompareTo(right.ElementCount);
    }

    private static int CompareArrays(BsonArray left, BsonArray right)
    {
        for (var i = 0; i < Math.Min(left.Count, right.Count); i++)
        {
            var byValue = Compare(left[i], right[i]);
            if (byValue != 0)
            {
                return byValue;
            }
        }

        return left.Count.CompareTo(right.Count);
    }
}
