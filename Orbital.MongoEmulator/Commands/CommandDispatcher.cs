using MongoDB.Bson;
using Orbital.MongoEmulator.Storage;

namespace Orbital.MongoEmulator.Commands;

/// <summary>
/// Routes a command by name to its handler and decorates every answer with the cluster time and operation
/// time, as a replica set member does. An unknown command is <c>CommandNotFound</c> (59): a missing feature
/// of the double is loud, never a silent success.
/// </summary>
internal static class CommandDispatcher
{
    private static readonly Dictionary<string, Func<CommandContext, ValueTask<BsonDocument>>> s_handlers = new(StringComparer.Ordinal)
    {
        ["hello"] = Sync(HandshakeCommands.Hello),
        ["isMaster"] = Sync(HandshakeCommands.Hello),
        ["ismaster"] = Sync(HandshakeCommands.Hello),
        ["ping"] = Sync(HandshakeCommands.Ping),
        ["buildInfo"] = Sync(HandshakeCommands.BuildInfo),
        ["buildinfo"] = Sync(HandshakeCommands.BuildInfo),
        ["endSessions"] = Sync(HandshakeCommands.EndSessions),
        ["insert"] = Sync(WriteCommands.Insert),
        ["update"] = Sync(WriteCommands.Update),
        ["delete"] = Sync(WriteCommands.Delete),
        ["find"] = Sync(ReadCommands.Find),
        ["getMore"] = ReadCommands.GetMore,
        ["killCursors"] = Sync(ReadCommands.KillCursors),
        ["aggregate"] = Sync(AggregateCommand.Aggregate),
        ["create"] = Sync(CollectionCommands.Create),
        ["drop"] = Sync(CollectionCommands.Drop),
        ["listCollections"] = Sync(CollectionCommands.ListCollections),
        ["createIndexes"] = Sync(CollectionCommands.CreateIndexes),
        ["listIndexes"] = Sync(CollectionCommands.ListIndexes),
        ["renameCollection"] = Sync(CollectionCommands.RenameCollection),
        ["dropDatabase"] = Sync(CollectionCommands.DropDatabase),
        ["configureFailPoint"] = Sync(ConfigureFailPoint),
    };

    public static async ValueTask<BsonDocument> DispatchAsync(CommandContext context)
    {
        BsonDocument reply;
        try
        {
            var name = context.Command.ElementCount == 0 ? string.Empty : context.Command.GetElement(0).Name;
            if (context.Command.Contains("startTransaction") || context.Command.Contains("autocommit"))
            {
                throw new MongoCommandError(263, "OperationNotSupportedInTransaction", "transactions are not supported by the wire double");
            }

            if (context.State.FailCommand.Trigger(name) is { } failure)
            {
                throw failure.Error ?? throw new ConnectionCloseRequestedException();
            }

            reply = s_handlers.TryGetValue(name, out var handler)
                ? await handler(context)
                : throw MongoCommandError.CommandNotFoundFor(name);
        }
        catch (MongoCommandError error)
        {
            reply = error.ToReply();
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not ConnectionCloseRequestedException)
        {
            // A bug or a gap in the double: answer it as the server's InternalError, loudly, keeping the connection.
            reply = new MongoCommandError(1, "InternalError", $"The wire double failed on '{context.Command.GetElement(0).Name}': {ex}").ToReply();
        }

        var clusterTime = context.State.ClusterTime;
        reply["operationTime"] = clusterTime;
        reply["$clusterTime"] = new BsonDocument
        {
            { "clusterTime", clusterTime },
            { "signature", new BsonDocument { { "hash", new BsonBinaryData(new byte[20]) }, { "keyId", 0L } } },
        };
        return reply;
    }

    /// <summary><c>configureFailPoint</c>: only <c>failCommand</c>, only on <c>admin</c>, as a real server with test commands.</summary>
    private static BsonDocument ConfigureFailPoint(CommandContext context)
    {
        if (context.Database != "admin" || context.Target is not BsonString { Value: "failCommand" })
        {
            throw MongoCommandError.Bad($"the wire double supports only the failCommand fail point on admin, not {context.Target} on {context.Database}");
        }

        context.State.FailCommand.Configure(context.Command);
        return new BsonDocument("ok", 1.0);
    }

    private static Func<CommandContext, ValueTask<BsonDocument>> Sync(Func<CommandContext, BsonDocument> handler)
        => context => ValueTask.FromResult(handler(context));
}
