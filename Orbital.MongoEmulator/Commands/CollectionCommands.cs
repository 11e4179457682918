using MongoDB.Bson;
using Orbital.MongoEmulator.Query;

namespace Orbital.MongoEmulator.Commands;

/// <summary><c>create</c>, <c>drop</c>, <c>listCollections</c>, <c>createIndexes</c>, <c>listIndexes</c>.</summary>
internal static class CollectionCommands
{
    public static BsonDocument Create(CommandContext context)
    {
        if (context.State.Collection(context.Database, context.CollectionName) is not null)
        {
            throw new MongoCommandError(48, "NamespaceExists", $"Collection {context.Database}.{context.CollectionName} already exists.");
        }

        context.State.GetOrCreateCollection(context.Database, context.CollectionName);
        return new BsonDocument("ok", 1.0);
    }

    /// <summary>
    /// Drops a collection (dropping a missing one succeeds, as since MongoDB 7.0). Dropping one that exists is a
    /// <c>drop</c> change, and invalidates change streams on it.
    /// </summary>
    public static BsonDocument Drop(CommandContext context)
    {
        context.State.DropCollection(context.Database, context.CollectionName);
        return new BsonDocument { { "ns", $"{context.Database}.{context.CollectionName}" }, { "ok", 1.0 } };
    }

    /// <summary><c>{ renameCollection: "db.from", to: "db.to", dropTarget }</c>, an admin command: a <c>rename</c> change.</summary>
    public static BsonDocument RenameCollection(CommandContext context)
    {
        if (context.Database != "admin")
        {
            throw new MongoCommandError(13, "Unauthorized", "renameCollection may only be run against the admin database.");
        }

        var (database, name) = SplitNamespace(context.Target);
        var (toDatabase, toName) = SplitNamespace(context.Command.GetValue("to", BsonNull.Value));
        context.State.RenameCollection(database, name, toDatabase, toName, context.Command.GetValue("dropTarget", false).ToBoolean());
        return new BsonDocument("ok", 1.0);
    }

    /// <summary><c>{ dropDatabase: 1 }</c>: a <c>drop</c> change per collection, then <c>dropDatabase</c>.</summary>
    public static BsonDocument DropDatabase(CommandContext context)
    {
        context.State.DropDatabase(context.Database);
        return new BsonDocument { { "dropped", context.Database }, { "ok", 1.0 } };
    }

    private static (string Database, string Collection) SplitNamespace(BsonValue value)
    {
        var text = value is BsonString { Value: var ns } ? ns : throw MongoCommandError.Bad($"a namespace must be a string, was {value.BsonType}");
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < text.Length - 1
            ? (text[..dot], text[(dot + 1)..])
            : throw new MongoCommandError(73, "InvalidNamespace", $"Invalid namespace specified '{text}'");
    }

    public static BsonDocument ListCollections(CommandContext context)
    {
        var filter = context.Command.GetValue("filter", new BsonDocument()).AsBsonDocument;
        var collections = context.State.Collections(context.Database)
            .Select(c => new BsonDocument
            {
                { "name", c.Name },
                { "type", "collection" },
                { "options", new BsonDocument() },
                { "info", new BsonDocument { { "readOnly", false }, { "uuid", new BsonBinaryData(c.Uuid, GuidRepresentation.Standard) } } },
                { "idIndex", c.Indexes[0] },
            })
            .Where(c => FilterMatcher.Matches(c, filter));
        return CursorReplies.First(0, $"{context.Database}.$cmd.listCollections", collections);
    }

    public static BsonDocument CreateIndexes(CommandContext context) => context.State.Locked(() =>
    {
        var existed = context.State.Collection(context.Database, context.CollectionName) is not null;
        var collection = context.State.GetOrCreateCollection(context.Database, context.CollectionName);
        var before = collection.Indexes.Count;
        foreach (var specification in context.Command.GetValue("indexes", new BsonArray()).AsBsonArray.Select(i => i.AsBsonDocument))
        {
            if (!specification.Contains("key") || !specification.Contains("name"))
            {
                throw MongoCommandError.Bad("an index specification needs a key and a name");
            }

            collection.AddIndex(specification.DeepClone().AsBsonDocument);
        }

        return new BsonDocument
        {
            { "numIndexesBefore", before },
            { "numIndexesAfter", collection.Indexes.Count },
            { "createdCollectionAutomatically", !existed },
            { "ok", 1.0 },
        };
    });

    public static BsonDocument ListIndexes(CommandContext context)
    {
        var collection = context.State.Collection(context.Database, context.CollectionName)
            ?? throw new MongoCommandError(MongoCommandError.NamespaceNotFound, "NamespaceNotFound", $"ns does not exist: {context.Database}.{context.CollectionName}");
        return CursorReplies.First(0, $"{context.Database}.{context.CollectionName}", context.State.Locked(() => collection.Indexes.Select(i => i.DeepClone().AsBsonDocument).ToList()));
    }
}
