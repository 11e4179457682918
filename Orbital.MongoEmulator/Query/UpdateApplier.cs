using MongoDB.Bson;

namespace Orbital.MongoEmulator.Query;

/// <summary>
/// Applies an update: a replacement document, or the operators <c>$set $unset $inc $setOnInsert $push $pull</c>.
/// The result says which fields were set and removed, which is what an update's change event reports (an array
/// changed by <c>$push</c> or <c>$pull</c> is reported whole, as a server may).
/// </summary>
internal static class UpdateApplier
{
    public static bool IsReplacement(BsonDocument update)
        => update.ElementCount == 0 || !update.GetElement(0).Name.StartsWith('$');

    /// <summary>Applies <paramref name="update"/> to <paramref name="document"/> in place.</summary>
    public static UpdateDescription Apply(BsonDocument document, BsonDocument update, bool isInsert)
    {
        var updated = new BsonDocument();
        var removed = new BsonArray();

        foreach (var op in update)
        {
            var fields = op.Value as BsonDocument ?? throw MongoCommandError.Bad($"Modifiers operate on fields but we found type {op.Value.BsonType} instead.");
            foreach (var field in fields)
            {
                if (field.Name == "_id" && op.Name != "$setOnInsert" && !isInsert)
                {
                    throw new MongoCommandError(66, "ImmutableField", "Performing an update on the path '_id' would modify the immutable field '_id'");
                }

                switch (op.Name)
                {
                    case "$set":
                        DocumentPath.Set(document, field.Name, field.Value.DeepClone());
                        updated[field.Name] = field.Value.DeepClone();
                        break;
                    case "$setOnInsert":
                        if (isInsert)
                        {
                            DocumentPath.Set(document, field.Name, field.Value.DeepClone());
                        }

                        break;
                    case "$unset":
                        if (DocumentPath.Remove(document, field.Name))
                        {
                            removed.Add(field.Name);
                        }

                        break;
                    case "$push":
                        var pushed = Array(document, field.Name, create: true)!;
                        foreach (var element in field.Value is BsonDocument { ElementCount: > 0 } each && each.GetElement(0).Name == "$each" ? each["$each"].AsBsonArray : [field.Value])
                        {
                            pushed.Add(element.DeepClone());
                        }

                        updated[field.Name] = pushed.DeepClone();
                        break;
                    case "$pull":
                        if (Array(document, field.Name, create: false) is { } pulledFrom)
                        {
                            var kept = pulledFrom.Where(element => !Pulls(element, field.Value)).ToList();
                            if (kept.Count < pulledFrom.Count)
                            {
                                pulledFrom.Clear();
                                pulledFrom.AddRange(kept);
                                updated[field.Name] = pulledFrom.DeepClone();
                            }
                        }

                        break;
                    case "$inc":
                        var current = DocumentPath.Resolve(document, field.Name).FirstOrDefault() ?? new BsonInt32(0);
                        var sum = Add(current, field.Value);
                        DocumentPath.Set(document, field.Name, sum);
                        updated[field.Name] = sum;
                        break;
                    default:
                        throw new MongoCommandError(MongoCommandError.FailedToParse, "FailedToParse", $"Unknown modifier: {op.Name}");
                }
            }
        }

        return new UpdateDescription(updated, removed);
    }

    /// <summary>The array at <paramref name="path"/>, created empty when missing and asked to; an error for another type.</summary>
    private static BsonArray? Array(BsonDocument document, string path, bool create)
    {
        switch (DocumentPath.Resolve(document, path).FirstOrDefault())
        {
            case BsonArray array:
                return array;
            case null when create:
                var created = new BsonArray();
                DocumentPath.Set(document, path, created);
                return created;
            case null:
                return null;
            case var other:
                throw MongoCommandError.Bad($"The field '{path}' must be an array but is of type {other.BsonType}");
        }
    }

    /// <summary>Whether <c>$pull</c>'s condition takes <paramref name="element"/>: equal to it, or matching it as a query.</summary>
    private static bool Pulls(BsonValue element, BsonValue condition)
        => condition is BsonDocument query && element is BsonDocument candidate && !query.Names.Any(n => n.StartsWith('$'))
            ? FilterMatcher.Matches(candidate, query)
            : element.Equals(condition);

    private static BsonValue Add(BsonValue left, BsonValue right)
    {
        if (!left.IsNumeric || !right.IsNumeric)
        {
            throw new MongoCommandError(14, "TypeMismatch", "Cannot apply $inc to a value of non-numeric type");
        }

        return (left.BsonType, right.BsonType) switch
        {
            (BsonType.Int32, BsonType.Int32) => Narrow((long)left.AsInt32 + right.AsInt32),
            (BsonType.Double, _) or (_, BsonType.Double) => new BsonDouble(left.ToDouble() + right.ToDouble()),
            _ => new BsonInt64(left.ToInt64() + right.ToInt64()),
        };
    }

    private static BsonValue Narrow(long sum) => sum is >= int.MinValue and <= int.MaxValue ? new BsonInt32((int)sum) : new BsonInt64(sum);
}

/// <summary>What an update changed: <c>{ updatedFields, removedFields }</c> of its change event.</summary>
internal sealed record UpdateDescription(BsonDocument UpdatedFields, BsonArray RemovedFields)
{
    public BsonDocument ToBson() => new()
    {
        { "updatedFields", UpdatedFields },
        { "removedFields", RemovedFields },
        { "truncatedArrays", new BsonArray() },
    };
}
