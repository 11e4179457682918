using MongoDB.Bson;

namespace Orbital.MongoEmulator.Storage;

/// <summary>How oplog entries look as change stream events, and which entries end which streams.</summary>
internal static class ChangeEvents
{
    /// <summary>Whether <paramref name="entry"/> ends <paramref name="cursor"/>: its collection was dropped or renamed away, or its database dropped.</summary>
    public static bool Invalidates(OplogEntry entry, ChangeStreamCursor cursor)
    {
        if (entry.Database != cursor.Database)
        {
            return false;
        }

        return cursor.WholeDatabase
            ? entry.OperationType == "dropDatabase"
            : entry.OperationType is "drop" or "rename" && entry.Collection == cursor.Collection;
    }

    /// <summary>Whether <paramref name="cursor"/> shows <paramref name="entry"/> at all (before its <c>$match</c> stages).</summary>
    public static bool Concerns(OplogEntry entry, ChangeStreamCursor cursor)
        => entry.OperationType != "noop"
           && entry.Database == cursor.Database
           && (cursor.WholeDatabase || entry.Collection == cursor.Collection);

    public static BsonDocument ToEvent(OplogEntry entry, uint instance, Func<OplogEntry, BsonDocument?> currentDocument, bool lookUpUpdates)
    {
        var change = new BsonDocument
        {
            { "_id", ResumeToken.For(entry.Position, instance) },
            { "operationType", entry.OperationType },
            { "clusterTime", entry.ClusterTime },
            { "wallTime", new BsonDateTime(entry.WallTime) },
            { "ns", Namespace(entry.Database, entry.Collection) },
        };
        if (entry.DocumentKey is not null)
        {
            change["documentKey"] = new BsonDocument("_id", entry.DocumentKey);
        }

        switch (entry.OperationType)
        {
            case "insert" or "replace":
                change["fullDocument"] = entry.Document!.DeepClone();
                break;
            case "update":
                change["updateDescription"] = entry.UpdateDescription!.DeepClone();
                if (lookUpUpdates)
                {
                    // updateLookup returns the document as it is now, not as the update left it.
                    change["fullDocument"] = currentDocument(entry)?.DeepClone() ?? BsonNull.Value;
                }

                break;
            case "rename":
                change["to"] = Namespace(entry.RenamedTo!.Value.Database, entry.RenamedTo.Value.Collection);
                break;
        }

        return change;
    }

    /// <summary>The event that ends a stream whose collection or database went away; its token is for <c>startAfter</c> only.</summary>
    public static BsonDocument Invalidate(OplogEntry cause, uint instance) => new()
    {
        { "_id", ResumeToken.For(cause.Position, instance, invalidate: true) },
        { "operationType", "invalidate" },
        { "clusterTime", cause.ClusterTime },
        { "wallTime", new BsonDateTime(cause.WallTime) },
    };

    private static BsonDocument Namespace(string database, string collection)
        => string.IsNullOrEmpty(collection) ? new BsonDocument("db", database) : new BsonDocument { { "db", database }, { "coll", collection } };
}
