using MongoDB.Bson;

namespace Orbital.MongoEmulator.Commands;

/// <summary><c>hello</c>/<c>isMaster</c>, <c>ping</c>, <c>buildInfo</c>, <c>endSessions</c>.</summary>
internal static class HandshakeCommands
{
    /// <summary>MongoDB 7.0: modern enough for change streams, sessions and retryable writes.</summary>
    public const int MaxWireVersion = 21;

    /// <summary>
    /// The primary of a one-node replica set, with sessions. No <c>topologyVersion</c> is reported, so drivers
    /// poll (rather than stream) the server's state, and no compressors are offered.
    /// </summary>
    public static BsonDocument Hello(CommandContext context)
    {
        var legacy = context.Command.GetElement(0).Name is "isMaster" or "ismaster";
        var state = context.State;
        return new BsonDocument
        {
            { "helloOk", true },
            { legacy ? "ismaster" : "isWritablePrimary", true },
            { "setName", context.Server.ReplicaSetName },
            { "setVersion", 1 },
            { "hosts", new BsonArray { context.Server.HostAndPort } },
            { "primary", context.Server.HostAndPort },
            { "me", context.Server.HostAndPort },
            { "electionId", context.Server.ElectionId },
            { "lastWrite", new BsonDocument
                {
                    { "opTime", new BsonDocument { { "ts", state.ClusterTime }, { "t", 1L } } },
                    { "lastWriteDate", new BsonDateTime(DateTime.UtcNow) },
                    { "majorityOpTime", new BsonDocument { { "ts", state.ClusterTime }, { "t", 1L } } },
                    { "majorityWriteDate", new BsonDateTime(DateTime.UtcNow) },
                }
            },
            { "maxBsonObjectSize", 16 * 1024 * 1024 },
            { "maxMessageSizeBytes", 48_000_000 },
            { "maxWriteBatchSize", 100_000 },
            { "localTime", new BsonDateTime(DateTime.UtcNow) },
            { "logicalSessionTimeoutMinutes", 30 },
            { "connectionId", context.ConnectionId },
            { "minWireVersion", 0 },
            { "maxWireVersion", MaxWireVersion },
            { "readOnly", false },
            { "ok", 1.0 },
        };
    }

    public static BsonDocument Ping(CommandContext context) => new("ok", 1.0);

    public static BsonDocument BuildInfo(CommandContext context) => new()
    {
        { "version", "7.0.0" },
        { "versionArray", new BsonArray { 7, 0, 0, 0 } },
        { "gitVersion", "orbital-wire-double" },
        { "bits", 64 },
        { "maxBsonObjectSize", 16 * 1024 * 1024 },
        { "ok", 1.0 },
    };

    public static BsonDocument EndSessions(CommandContext context) => new("ok", 1.0);
}
