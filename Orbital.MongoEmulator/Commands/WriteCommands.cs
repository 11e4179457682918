using MongoDB.Bson;
using Orbital.MongoEmulator.Query;
using Orbital.MongoEmulator.Storage;

namespace Orbital.MongoEmulator.Commands;

/// <summary><c>insert</c>, <c>update</c> (operators, replacement, upsert, multi) and <c>delete</c>, each retryable.</summary>
internal static class WriteCommands
{
    private const int DuplicateKey = 11000;

    public static BsonDocument Insert(CommandContext context) => context.State.RunRetryable(context.Command, () =>
    {
        var collection = context.State.GetOrCreateCollection(context.Database, context.CollectionName);
        var documents = RequiredArray(context.Command, "documents");
        var ordered = context.Command.GetValue("ordered", true).ToBoolean();
        var inserted = 0;
        var writeErrors = new BsonArray();

        for (var index = 0; index < documents.Count; index++)
        {
            var document = WithIdFirst(documents[index].AsBsonDocument.DeepClone().AsBsonDocument, null);
            try
            {
                collection.Add(document);
                context.State.Append(context.Database, collection.Name, "insert", document["_id"], document, null);
                inserted++;
            }
            catch (MongoCommandError error) when (error.Code == DuplicateKey)
            {
                writeErrors.Add(WriteError(index, error));
                if (ordered)
                {
                    break;
                }
            }
        }

        return Reply(inserted, writeErrors);
    });

    public static BsonDocument Update(CommandContext context) => context.State.RunRetryable(context.Command, () =>
    {
        var collection = context.State.GetOrCreateCollection(context.Database, context.CollectionName);
        var updates = RequiredArray(context.Command, "updates");
        var ordered = context.Command.GetValue("ordered", true).ToBoolean();
        var matched = 0;
        var modified = 0;
        var upserted = new BsonArray();
        var writeErrors = new BsonArray();

        for (var index = 0; index < updates.Count; index++)
        {
            var statement = updates[index].AsBsonDocument;
            try
            {
                var (n, nModified, upsertedId) = UpdateOne(context, collection, statement);
                matched += n;
                modified += nModified;
                if (upsertedId is not null)
                {
                    upserted.Add(new BsonDocument { { "index", index }, { "_id", upsertedId } });
                }
            }
            catch (MongoCommandError error) when (error.Code == DuplicateKey)
            {
                writeErrors.Add(WriteError(index, error));
                if (ordered)
                {
                    break;
                }
            }
        }

        var reply = Reply(matched + upserted.Count, writeErrors);
        reply.InsertAt(1, new BsonElement("nModified", modified));
        if (upserted.Count > 0)
        {
            reply["upserted"] = upserted;
        }

        return reply;
    });

    public static BsonDocument Delete(CommandContext context) => context.State.RunRetryable(context.Command, () =>
    {
        var collection = context.State.Collection(context.Database, context.CollectionName);
        var deleted = 0;
        foreach (var statement in RequiredArray(context.Command, "deletes").Select(d => d.AsBsonDocument))
        {
            if (collection is null)
            {
                break;
            }

            var filter = statement.GetValue("q", new BsonDocument()).AsBsonDocument;
            var matches = collection.Matching(filter);
            var victims = (statement.GetValue("limit", 0).ToInt32() == 1 ? matches.Take(1) : matches).ToList();
            foreach (var victim in victims)
            {
                collection.Remove(victim);
                context.State.Append(context.Database, collection.Name, "delete", victim["_id"], null, null);
                deleted++;
            }
        }

        return Reply(deleted, []);
    });

    private static (int Matched, int Modified, BsonValue? UpsertedId) UpdateOne(CommandContext context, CollectionData collection, BsonDocument statement)
    {
        var filter = statement.GetValue("q", new BsonDocument()).AsBsonDocument;
        var update = statement["u"] as BsonDocument
            ?? throw MongoCommandError.Bad("pipeline-style updates are not supported by the wire double");
        var multi = statement.GetValue("multi", false).ToBoolean();
        var replacement = UpdateApplier.IsReplacement(update);
        if (replacement && multi)
        {
            throw new MongoCommandError(MongoCommandError.FailedToParse, "FailedToParse", "multi update is not supported for replacement-style update");
        }

        var matches = collection.Matching(filter).ToList();
        if (!multi)
        {
            matches = [.. matches.Take(1)];
        }

        if (matches.Count == 0)
        {
            return statement.GetValue("upsert", false).ToBoolean()
                ? (0, 0, Upsert(context, collection, filter, update, replacement))
                : (0, 0, null);
        }

        var modified = 0;
        foreach (var current in matches)
        {
            if (replacement)
            {
                var next = WithIdFirst(update.DeepClone().AsBsonDocument, current["_id"]);
                if (!next.Equals(current))
                {
                    collection.Replace(current, next);
                    context.State.Append(context.Database, collection.Name, "replace", next["_id"], next, null);
                    modified++;
                }
            }
            else
            {
                var next = current.DeepClone().AsBsonDocument;
                var description = UpdateApplier.Apply(next, update, isInsert: false);
                if (!next.Equals(current))
                {
                    collection.Replace(current, next);
                    context.State.Append(context.Database, collection.Name, "update", next["_id"], null, description.ToBson());
                    modified++;
                }
            }
        }

        return (matches.Count, modified, null);
    }

    private static BsonValue Upsert(CommandContext context, CollectionData collection, BsonDocument filter, BsonDocument update, bool replacement)
    {
        var seed = new BsonDocument();
        foreach (var element in filter)
        {
            if (element.Name.StartsWith('$'))
            {
                continue;
            }

            if (element.Value is BsonDocument condition && condition.ElementCount > 0 && condition.GetElement(0).Name.StartsWith('$'))
            {
                if (condition.TryGetValue("$eq", out var equal))
                {
                    DocumentPath.Set(seed, element.Name, equal.DeepClone());
                }

                continue;
            }

            DocumentPath.Set(seed, element.Name, element.Value.DeepClone());
        }

        BsonDocument document;
        if (replacement)
        {
            document = WithIdFirst(update.DeepClone().AsBsonDocument, seed.GetValue("_id", null));
        }
        else
        {
            document = seed;
            UpdateApplier.Apply(document, update, isInsert: true);
            document = WithIdFirst(document, null);
        }

        collection.Add(document);
        context.State.Append(context.Database, collection.Name, "insert", document["_id"], document, null);
        return document["_id"];
    }

    /// <summary>Puts <c>_id</c> first, as the server stores it, taking <paramref name="id"/> or generating one.</summary>
    private static BsonDocument WithIdFirst(BsonDocument document, BsonValue? id)
    {
        id ??= document.GetValue("_id", null) ?? ObjectId.GenerateNewId();
        document.Remove("_id");
        document.InsertAt(0, new BsonElement("_id", id));
        return document;
    }

    private static BsonArray RequiredArray(BsonDocument command, string name)
        => command.TryGetValue(name, out var value) && value is BsonArray array
            ? array
            : throw new MongoCommandError(MongoCommandError.FailedToParse, "FailedToParse", $"BSON field '{name}' is missing but a required field");

    private static BsonDocument WriteError(int index, MongoCommandError error) => new()
    {
        { "index", index },
        { "code", error.Code },
        { "errmsg", error.Message },
    };

    private static BsonDocument Reply(int n, BsonArray writeErrors)
    {
        var reply = new BsonDocument { { "n", n }, { "ok", 1.0 } };
        if (writeErrors.Count > 0)
        {
            reply["writeErrors"] = writeErrors;
        }

        return reply;
    }
}
