using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.OrderManagement.Diagnostics;

namespace Orbital.OrderManagement.Checkpoints;

/// <summary>
/// Keeps the listener's checkpoint in MongoDB (<c>orbital_checkpoints</c>): the resume token of the last change
/// whose order the kitchen acknowledged (or an invalidate's token, to start after), the time of that change,
/// from which a catch-up scan starts if the token is ever lost, and the largest delay seen between an
/// ObjectId's creation and its insert, by which a catch-up widens its window.
/// </summary>
public sealed class CheckpointStore(IMongoDatabase database, IOptions<CheckpointOptions> options, OrderListenerStatus status, TimeProvider time)
{
    private readonly IMongoCollection<BsonDocument> _checkpoints = database.GetCollection<BsonDocument>(options.Value.CheckpointsCollection);
    private readonly string _listener = options.Value.ListenerName;
    private BsonDocument? _lastSavedToken;

    public async Task<Checkpoint?> LoadAsync(CancellationToken cancellationToken)
    {
        var document = await _checkpoints.Find(new BsonDocument("_id", _listener)).FirstOrDefaultAsync(cancellationToken);
        if (document is null)
        {
            return null;
        }

        var lag = document.GetValue("objectIdLagSeconds", 0.0).ToDouble();
        status.ObjectIdLagObserved(TimeSpan.FromSeconds(Math.Clamp(lag, 0, TimeSpan.MaxValue.TotalSeconds / 2)));
        var pending = document.GetValue("pendingCatchUp", BsonNull.Value) is BsonDocument catchUp
            ? new StreamStart.CatchUp(catchUp["since"] is BsonDateTime since ? since.ToUniversalTime() : null, catchUp["reason"].AsString, catchUp["kind"].AsString)
            : null;
        return new Checkpoint(
            document.GetValue("resumeToken", BsonNull.Value) as BsonDocument,
            document.GetValue("eventTime", BsonNull.Value) is BsonDateTime eventTime ? eventTime.ToUniversalTime() : null,
            document.GetValue("startAfter", false).ToBoolean(),
            pending);
    }

    /// <summary>
    /// Records that a catch-up is under way, before it scans: if it is cut short, the next attempt starts from
    /// the same time, even when the answer it started from (the kitchen's newest order) has moved on meanwhile.
    /// The checkpoint saved when the catch-up ends clears it.
    /// </summary>
    public async Task MarkCatchUpAsync(StreamStart.CatchUp catchUp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catchUp);
        var pending = new BsonDocument
        {
            { "since", catchUp.Since is { } since ? new BsonDateTime(since) : BsonNull.Value },
            { "reason", catchUp.Reason },
            { "kind", catchUp.Kind },
        };
        await _checkpoints.UpdateOneAsync(
            new BsonDocument("_id", _listener),
            new BsonDocument("$set", new BsonDocument("pendingCatchUp", pending)),
            new UpdateOptions { IsUpsert = true },
            cancellationToken);
        _lastSavedToken = null;
    }

    /// <summary>
    /// Saves <paramref name="resumeToken"/>; call only once everything before it is acknowledged or rejected.
    /// Saving the token saved last is skipped.
    /// </summary>
    /// <returns>Whether a checkpoint was written.</returns>
    public async Task<bool> SaveAsync(BsonDocument resumeToken, DateTime eventTime, CancellationToken cancellationToken, bool startAfter = false)
    {
        ArgumentNullException.ThrowIfNull(resumeToken);
        if (resumeToken.Equals(_lastSavedToken))
        {
            return false;
        }

        var document = new BsonDocument
        {
            { "_id", _listener },
            { "resumeToken", resumeToken },
            { "startAfter", startAfter },
            { "eventTime", eventTime },
            { "objectIdLagSeconds", status.LargestObjectIdLag.TotalSeconds },
            { "savedAt", time.GetUtcNow().UtcDateTime },
        };
        await _checkpoints.ReplaceOneAsync(new BsonDocument("_id", _listener), document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
        _lastSavedToken = resumeToken;
        status.Checkpointed();
        return true;
    }
}

/// <summary>
/// Where the listener resumes: after <paramref name="ResumeToken"/>, a change from <paramref name="EventTime"/>;
/// with <paramref name="StartAfter"/> the token is an invalidate's, which only <c>startAfter</c> accepts. A
/// <paramref name="PendingCatchUp"/> is a catch-up that began and has not finished.
/// </summary>
public sealed record Checkpoint(BsonDocument? ResumeToken, DateTime? EventTime, bool StartAfter, StreamStart.CatchUp? PendingCatchUp);
