using MongoDB.Bson;

namespace Orbital.MongoEmulator.Storage;

/// <summary>One change, in the order the server applied it: what a change stream turns into an event.</summary>
/// <param name="Position">The entry's place in the oplog; resume tokens encode it.</param>
/// <param name="ClusterTime">The logical time of the change.</param>
/// <param name="WallTime">The wall clock time of the change.</param>
/// <param name="Database">The database changed.</param>
/// <param name="Collection">The collection changed (empty for <c>dropDatabase</c> and <c>noop</c>).</param>
/// <param name="OperationType">
/// <c>insert</c>, <c>update</c>, <c>replace</c> or <c>delete</c>; <c>drop</c>, <c>rename</c> or <c>dropDatabase</c>;
/// or <c>noop</c>, which no stream shows but which moves every stream's position on, as a real primary's
/// periodic no-op writes do.
/// </param>
/// <param name="DocumentKey">The changed document's <c>_id</c>; null for collection and database events.</param>
/// <param name="Document">The document after an insert or replace.</param>
/// <param name="UpdateDescription">The fields an update set and removed.</param>
/// <param name="RenamedTo">The new (database, collection) of a <c>rename</c>.</param>
internal sealed record OplogEntry(
    long Position,
    BsonTimestamp ClusterTime,
    DateTime WallTime,
    string Database,
    string Collection,
    string OperationType,
    BsonValue? DocumentKey,
    BsonDocument? Document,
    BsonDocument? UpdateDescription,
    (string Database, string Collection)? RenamedTo = null);
