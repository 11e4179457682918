using MongoDB.Driver;
using Orbital.OrderManagement.Forwarding;

namespace Orbital.OrderManagement.Listening;

/// <summary>
/// What a failure of the order listener means, as MongoDB 7 and 8 answer: the saved position cannot be resumed
/// (catch up from the collection), the deployment cannot serve a change stream to us at all (an operator must
/// act), an order could not be relayed for a reason nobody planned for (hold it, visibly), or MongoDB is simply
/// unreachable or failing (wait and retry).
/// </summary>
public sealed record ChangeStreamFailure(ChangeStreamFailureKind Kind, string Reason, int? Code)
{
    private const string NonResumableLabel = "NonResumableChangeStreamError";

    // ChangeStreamHistoryLost, ChangeStreamFatalError, InvalidResumeToken, CappedPositionLost (an open cursor fell
    // off the oplog), and what a server answers for a token it cannot parse: FailedToParse, 40647 (_data of the
    // wrong type), 50811 (_data not hex).
    private static readonly HashSet<int> s_positionLostCodes = [286, 280, 260, 136, 9, 40647, 50811];

    // Unauthorized, AuthenticationFailed, and 40573: change streams need a replica set, the server is standalone.
    private static readonly HashSet<int> s_configurationCodes = [13, 18, 40573];

    /// <summary>Classifies <paramref name="exception"/>; anything unrecognised is treated as MongoDB being unavailable.</summary>
    public static ChangeStreamFailure From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is OrderRelayException relay)
        {
            // Relaying writes rejections to MongoDB too: an unreachable MongoDB is waited out as such, but a write
            // MongoDB refuses for this document holds it, by name.
            return relay.InnerException is MongoConnectionException or MongoExecutionTimeoutException or MongoNotPrimaryException or MongoNodeIsRecoveringException or TimeoutException
                ? From(relay.InnerException)
                : new(ChangeStreamFailureKind.OrderHeld, relay.Message, null);
        }

        return exception switch
        {
            MongoCommandException command when s_positionLostCodes.Contains(command.Code) || command.HasErrorLabel(NonResumableLabel)
                => new(ChangeStreamFailureKind.PositionLost, $"the change stream cannot resume from its position ({command.CodeName}, code {command.Code}: {command.ErrorMessage})", command.Code),
            MongoCommandException command when s_configurationCodes.Contains(command.Code)
                => new(ChangeStreamFailureKind.Misconfigured, Misconfiguration(command), command.Code),
            MongoAuthenticationException authentication
                => new(ChangeStreamFailureKind.Misconfigured, $"MongoDB refused the credentials: {authentication.Message}", null),
            MongoCommandException command
                => new(ChangeStreamFailureKind.Unavailable, $"MongoDB answered {command.CodeName} (code {command.Code}): {command.ErrorMessage}", command.Code),
            _ => new(ChangeStreamFailureKind.Unavailable, exception.Message, null),
        };
    }

    private static string Misconfiguration(MongoCommandException command) => command.Code switch
    {
        40573 => "the MongoDB server is not a replica set member, and change streams need one (start mongod with --replSet and initiate it)",
        13 => $"the MongoDB user may not watch the orders collection or write the listener's collections: {command.ErrorMessage} (grant changeStream, find, insert and update on the database)",
        _ => $"MongoDB refused the credentials: {command.ErrorMessage}",
    };
}

/// <summary>The kinds of <see cref="ChangeStreamFailure"/>.</summary>
public enum ChangeStreamFailureKind
{
    /// <summary>MongoDB is unreachable or failed; the next attempt may work.</summary>
    Unavailable,

    /// <summary>The saved position is gone or unusable: the listener catches up from the collection.</summary>
    PositionLost,

    /// <summary>The deployment or the user cannot serve this listener; an operator must act.</summary>
    Misconfigured,

    /// <summary>One order could not be dealt with for an unplanned reason; it is held, and so is the flow behind it.</summary>
    OrderHeld,
}
