using MongoDB.Bson;

namespace Orbital.MongoEmulator.Query;

/// <summary>
/// Query filters with MongoDB's semantics for what Orbital and its tests use: equality (on dotted paths and
/// across arrays), <c>$eq $ne $gt $gte $lt $lte $in $nin $exists</c>, and <c>$and $or $nor</c>. Any other
/// operator is refused loudly (BadValue) rather than silently matching nothing.
/// </summary>
internal static class FilterMatcher
{
    private static readonly Dictionary<string, BsonType> s_typeAliases = new(StringComparer.Ordinal)
    {
        ["double"] = BsonType.Double,
        ["string"] = BsonType.String,
        ["object"] = BsonType.Document,
        ["array"] = BsonType.Array,
        ["binData"] = BsonType.Binary,
        ["objectId"] = BsonType.ObjectId,
        ["bool"] = BsonType.Boolean,
        ["date"] = BsonType.DateTime,
        ["null"] = BsonType.Null,
        ["regex"] = BsonType.RegularExpression,
        ["int"] = BsonType.Int32,
        ["timestamp"] = BsonType.Timestamp,
        ["long"] = BsonType.Int64,
        ["decimal"] = BsonType.Decimal128,
    };

    public static bool Matches(BsonDocument document, BsonDocument? filter)
    {
        if (filter is null)
        {
            return true;
        }

        foreach (var element in filter)
        {
            var holds = element.Name switch
            {
                "$and" => Clauses(element).All(clause => Matches(document, clause)),
                "$or" => Clauses(element).Any(clause => Matches(document, clause)),
                "$nor" => !Clauses(element).Any(clause => Matches(document, clause)),
                _ when element.Name.StartsWith('$') => throw MongoCommandError.Bad($"unknown top level operator: {element.Name}"),
                _ => FieldMatches(DocumentPath.Resolve(document, element.Name), element.Value),
            };
            if (!holds)
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<BsonDocument> Clauses(BsonElement element)
        => element.Value is BsonArray { Count: > 0 } array
            ? array.Select(v => v.AsBsonDocument)
            : throw MongoCommandError.Bad($"{element.Name} must be a nonempty array");

    private static bool FieldMatches(IReadOnlyList<BsonValue> values, BsonValue condition)
    {
        if (condition is BsonDocument operators && operators.ElementCount > 0 && operators.GetElement(0).Name.StartsWith('$'))
        {
            return operators.All(op => OperatorHolds(values, op.Name, op.Value));
        }

        return EqualsAny(values, condition);
    }

    private static bool OperatorHolds(IReadOnlyList<BsonValue> values, string op, BsonValue operand) => op switch
    {
        "$eq" => EqualsAny(values, operand),
        "$ne" => !EqualsAny(values, operand),
        "$gt" => CompareAny(values, operand, c => c > 0),
        "$gte" => CompareAny(values, operand, c => c >= 0),
        "$lt" => CompareAny(values, operand, c => c < 0),
        "$lte" => CompareAny(values, operand, c => c <= 0),
        "$in" => operand is BsonArray candidates
            ? candidates.Any(candidate => EqualsAny(values, candidate))
            : throw MongoCommandError.Bad("$in needs an array"),
        "$nin" => operand is BsonArray excluded
            ? !excluded.Any(candidate => EqualsAny(values, candidate))
            : throw MongoCommandError.Bad("$nin needs an array"),
        "$exists" => values.Count > 0 == operand.ToBoolean(),
        "$type" => TypeMatches(values, operand),
        "$not" => operand is BsonDocument negated && negated.ElementCount > 0 && negated.GetElement(0).Name.StartsWith('$')
            ? !FieldMatches(values, negated)
            : throw MongoCommandError.Bad("$not needs an operator document"),
        _ => throw MongoCommandError.Bad($"unknown operator: {op}"),
    };

    /// <summary><c>$type</c> by alias or number (or an array of them); <c>number</c> is any numeric type. A missing field has no type.</summary>
    private static bool TypeMatches(IReadOnlyList<BsonValue> values, BsonValue operand)
    {
        var wanted = operand is BsonArray many ? [.. many] : new List<BsonValue> { operand };
        return values
            .SelectMany(value => value is BsonArray array ? array.Append(value) : [value])
            .Any(value => wanted.Any(type => IsOfType(value, type)));
    }

    private static bool IsOfType(BsonValue value, BsonValue type) => type switch
    {
        BsonString { Value: "number" } => value.IsNumeric,
        BsonString { Value: var alias } => s_typeAliases.TryGetValue(alias, out var bsonType)
            ? value.BsonType == bsonType
            : throw MongoCommandError.Bad($"Unknown type name alias: {alias}"),
        _ when type.IsNumeric => (int)value.BsonType == type.ToInt32(),
        _ => throw MongoCommandError.Bad($"type must be represented as a number or a string, was {type.BsonType}"),
    };

    /// <summary>Equality as MongoDB has it: a missing field equals null, and an array matches if any element does.</summary>
    private static bool EqualsAny(IReadOnlyList<BsonValue> values, BsonValue operand)
    {
        if (values.Count == 0)
        {
            return operand.IsBsonNull;
        }

        return values.Any(value =>
            BsonOrdering.AreEqual(value, operand)
            || (value is BsonArray array && operand is not BsonArray && array.Any(element => BsonOrdering.AreEqual(element, operand))));
    }

    /// <summary>Range comparisons only hold between values of the same type class (numbers with numbers, ...).</summary>
    private static bool CompareAny(IReadOnlyList<BsonValue> values, BsonValue operand, Func<int, bool> holds)
    {
        return values
            .SelectMany(value => value is BsonArray array ? array.Append(value) : [value])
            .Any(value => BsonOrdering.TypeClass(value) == BsonOrdering.TypeClass(operand) && holds(BsonOrdering.Compare(value, operand)));
    }
}
