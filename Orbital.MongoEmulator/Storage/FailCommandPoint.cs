using MongoDB.Bson;

namespace Orbital.MongoEmulator.Storage;

/// <summary>
/// The <c>failCommand</c> fail point, as a real server started with <c>enableTestCommands=1</c> has it: set with
/// <c>{ configureFailPoint: "failCommand", mode: { times: n } | "alwaysOn" | "off", data: { failCommands: [...],
/// errorCode, errorLabels, closeConnection } }</c> on <c>admin</c>, it fails the named commands that follow, so the
/// same fault test runs against the double and a real <c>mongod</c>.
/// </summary>
internal sealed class FailCommandPoint
{
    private readonly Lock _gate = new();
    private int _remaining;
    private HashSet<string> _commands = [];
    private int _errorCode;
    private string[] _errorLabels = [];
    private bool _closeConnection;

    public void Configure(BsonDocument command)
    {
        var mode = command.GetValue("mode", "off");
        var data = command.GetValue("data", new BsonDocument()).AsBsonDocument;
        lock (_gate)
        {
            _remaining = mode switch
            {
                BsonString { Value: "alwaysOn" } => -1,
                BsonString { Value: "off" } => 0,
                BsonDocument times when times.Contains("times") => times["times"].ToInt32(),
                _ => throw MongoCommandError.Bad($"unsupported fail point mode {mode}"),
            };
            _commands = [.. data.GetValue("failCommands", new BsonArray()).AsBsonArray.Select(c => c.AsString)];
            _errorCode = data.GetValue("errorCode", 0).ToInt32();
            _errorLabels = [.. data.GetValue("errorLabels", new BsonArray()).AsBsonArray.Select(l => l.AsString)];
            _closeConnection = data.GetValue("closeConnection", false).ToBoolean();
        }
    }

    /// <summary>What the fail point does to <paramref name="commandName"/>, once per use: nothing (null), an error, or a closed connection.</summary>
    public FailCommandAction? Trigger(string commandName)
    {
        lock (_gate)
        {
            if (_remaining == 0 || !_commands.Contains(commandName))
            {
                return null;
            }

            if (_remaining > 0)
            {
                _remaining--;
            }

            return _closeConnection
                ? new FailCommandAction(null)
                : new FailCommandAction(new MongoCommandError(_errorCode, $"Location{_errorCode}", $"Failing command {commandName} via 'failCommand' failpoint", _errorLabels));
        }
    }
}

/// <summary>A triggered fail point: answer <paramref name="Error"/>, or close the connection when it is null.</summary>
internal sealed record FailCommandAction(MongoCommandError? Error);

/// <summary>Thrown to have the server reset the client's connection instead of answering.</summary>
internal sealed class ConnectionCloseRequestedException : Exception
{
    public ConnectionCloseRequestedException()
        : base("The fail point closes the connection.")
    {
    }

    public ConnectionCloseRequestedException(string message)
        : base(message)
    {
    }

    public ConnectionCloseRequestedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
