using MongoDB.Bson;

namespace Orbital.Tests.MongoWire.Storage;

/// <summary>One change, in the order the server applied it: what a change stream turns into an event.</summary>
/// <param name="Position">The entry's place in the oplog; resume tokens encode it.</param>
/// <param name="ClusterTime">The logical time of the change.</param>
/// <param name="WallTime">The wall clock time of the change.</param>
/// <param name="Database">The database changed.</param>
/// <param name="Collection">The collection changed.</param>
/// <param name="OperationType"><c>insert</c>, <c>update</c>, <c>replace</c> or <c>delete</c>.</param>
/// <param name="DocumentKey">The changed document's <c>_id</c>.</param>
/// <param name="Document">The document after an insert or replace.</param>
/// <param name="UpdateDescription">The fields an update set and removed.</param>
internal sealed record OplogEntry(
    long Position,
    BsonTimestamp ClusterTime,
    DateTime WallTime,
    string Database,
    string Collection,
    string OperationType,
    BsonValue DocumentKey,
    BsonDocument? Document,
    BsonDocument? UpdateDescription);
