using MongoDB.Bson;
using Orbital.Tests.MongoWire.Query;

namespace Orbital.Tests.MongoWire.Commands;

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

    /// <summary>Drops a collection (dropping a missing one succeeds, as since MongoDB 7.0). No drop event is emitted.</summary>
    public static BsonDocument Drop(CommandContext context)
    {
        context.State.DropCollection(context.Database, context.CollectionName);
        return new BsonDocument { { "ns", $"{context.Database}.{context.CollectionName}" }, { "ok", 1.0 } };
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
