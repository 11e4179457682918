using MongoDB.Bson;
using Orbital.MongoEmulator.Storage;

namespace Orbital.MongoEmulator.Commands;

/// <summary>What a command handler gets: the command, the database it targets, the server's state and identity.</summary>
internal sealed record CommandContext(
    BsonDocument Command,
    string Database,
    ServerState State,
    ServerIdentity Server,
    int ConnectionId,
    CancellationToken CancellationToken)
{
    /// <summary>The value of the command's first element: the collection name for most commands.</summary>
    public BsonValue Target => Command.GetElement(0).Value;

    public string CollectionName => Target is BsonString name
        ? name.Value
        : throw MongoCommandError.Bad($"collection name has invalid type {Target.BsonType}");
}

/// <summary>Who the server says it is in <c>hello</c>: the primary of a one-node replica set.</summary>
internal sealed record ServerIdentity(string HostAndPort, string ReplicaSetName, ObjectId ElectionId);
