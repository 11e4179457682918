using MongoDB.Bson;

namespace Orbital.MongoEmulator;

/// <summary>A command failure answered as <c>{ ok: 0, code, codeName, errmsg }</c>, as a real server answers it.</summary>
internal sealed class MongoCommandError(int code, string codeName, string message, params string[] errorLabels) : Exception(message)
{
    public const int BadValue = 2;
    public const int FailedToParse = 9;
    public const int NamespaceNotFound = 26;
    public const int CursorNotFound = 43;
    public const int CommandNotFound = 59;
    public const int InvalidResumeToken = 260;
    public const int ChangeStreamHistoryLost = 286;
    public const int UnrecognizedPipelineStage = 40324;

    /// <summary>The label a server puts on change stream errors that resuming cannot fix.</summary>
    public const string NonResumableChangeStreamErrorLabel = "NonResumableChangeStreamError";

    public int Code { get; } = code;

    public string CodeName { get; } = codeName;

    public IReadOnlyList<string> ErrorLabels { get; } = errorLabels;

    public BsonDocument ToReply()
    {
        var reply = new BsonDocument
        {
            { "ok", 0.0 },
            { "errmsg", Message },
            { "code", Code },
            { "codeName", CodeName },
        };
        if (ErrorLabels.Count > 0)
        {
            reply["errorLabels"] = new BsonArray(ErrorLabels);
        }

        return reply;
    }

    public static MongoCommandError CommandNotFoundFor(string name)
        => new(CommandNotFound, "CommandNotFound", $"no such command: '{name}'");

    public static MongoCommandError Bad(string message) => new(BadValue, "BadValue", message);
}
