using MongoDB.Bson;

namespace Orbital.MongoEmulator.Storage;

/// <summary>An open cursor: a find's remaining documents, or a change stream's position.</summary>
internal abstract class ServerCursor(long id, string database, string collection)
{
    public long Id { get; } = id;

    public string Database { get; } = database;

    public string Collection { get; } = collection;

    public string Namespace => $"{Database}.{Collection}";
}

/// <summary>The documents a find matched when it ran, handed out batch by batch.</summary>
internal sealed class FindCursor(long id, string database, string collection, Queue<BsonDocument> remaining)
    : ServerCursor(id, database, collection)
{
    public Queue<BsonDocument> Remaining { get; } = remaining;
}

/// <summary>A change stream: where in the oplog it stands, what it watches and how it filters.</summary>
internal sealed class ChangeStreamCursor(
    long id,
    string database,
    string collection,
    bool wholeDatabase,
    long position,
    bool lookUpUpdates,
    IReadOnlyList<BsonDocument> matchStages)
    : ServerCursor(id, database, collection)
{
    /// <summary>Whether every collection of <see cref="ServerCursor.Database"/> is watched.</summary>
    public bool WholeDatabase { get; } = wholeDatabase;

    /// <summary>The last oplog position this cursor has looked at.</summary>
    public long Position { get; set; } = position;

    /// <summary>Whether update events carry the document as it is now (<c>fullDocument: updateLookup</c>).</summary>
    public bool LookUpUpdates { get; } = lookUpUpdates;

    /// <summary>The <c>$match</c> stages after <c>$changeStream</c>, applied to each event.</summary>
    public IReadOnlyList<BsonDocument> MatchStages { get; } = matchStages;
}
