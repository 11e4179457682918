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
/// <remarks>
/// Every write is fenced by the listener's lease (<see cref="Listening.ListenerLease"/>): it carries the lease's token
/// and is only applied while the checkpoint's <c>fence</c> is not newer, so an instance that lost the lease (and may
/// not know it yet) can never move the checkpoint; such a write ends its leadership (<see cref="LeaseLostException"/>).
/// </remarks>
public sealed class CheckpointStore(IMongoDatabase database, IOptions<CheckpointOptions> options, Listening.ListenerLease lease, OrderListenerStatus status, TimeProvider time)
{
    private readonly IMongoCollection<BsonDocument> _checkpoints = database.GetCollection<BsonDocument>(options.Value.CheckpointsCollection);
    private readonly string _listener = options.Value.ListenerName;
    private BsonDocument? _lastSavedToken;

    public async Task<Checkpoint?> LoadAsync(CancellationToken cancellationToken)
    {
        var document = await _checkpoints.Find(new BsonDocument("_id", _listener)).FirstOrDefaultAsync(cancellationToken);
        if (document is null || !(document.Contains("resumeToken") || document.Contains("eventTime") || document.Contains("pendingCatchUp")))
        {
            // None, or only the fence a new leader stamped before anything was ever saved.
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
        var token = lease.Token;
        await FencedAsync(() => _checkpoints.UpdateOneAsync(
            FencedBy(_listener, token),
            new BsonDocument("$set", new BsonDocument { { "pendingCatchUp", pending }, { "fence", token } }),
            new UpdateOptions { IsUpsert = true },
            cancellationToken));
        _lastSavedToken = null;
    }

    /// <summary>
    /// The checkpoint document <paramref name="id"/> as long as no newer lease than <paramref name="token"/> stamped it.
    /// With an upsert, a document fenced by a newer token is not matched, and inserting another with its id fails.
    /// </summary>
    public static BsonDocument FencedBy(string id, long token) => new()
    {
        { "_id", id },
        { "$or", new BsonArray { new BsonDocument("fence", new BsonDocument("$lte", token)), new BsonDocument("fence", new BsonDocument("$exists", false)) } },
    };

    /// <summary>Runs a checkpoint write; one refused by the fence ends this instance's leadership.</summary>
    private async Task FencedAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            lease.Lost();
            throw new LeaseLostException("Another instance took the listener's lease: this one's checkpoint write was refused.");
        }
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

        var token = lease.Token;
        var document = new BsonDocument
        {
            { "_id", _listener },
            { "resumeToken", resumeToken },
            { "startAfter", startAfter },
            { "eventTime", eventTime },
            { "objectIdLagSeconds", status.LargestObjectIdLag.TotalSeconds },
            { "savedAt", time.GetUtcNow().UtcDateTime },
            { "fence", token },
        };
        await FencedAsync(() => _checkpoints.ReplaceOneAsync(FencedBy(_listener, token), document, new ReplaceOptions { IsUpsert = true }, cancellationToken));
        _lastSavedToken = resumeToken;
        status.Checkpointed();
        return true;
    }
}

/// <summary>A checkpoint write was refused: another instance took the listener's lease since this one got it.</summary>
public sealed class LeaseLostException(string message) : Exception(message);

/// <summary>
/// Where the listener resumes: after <paramref name="ResumeToken"/>, a change from <paramref name="EventTime"/>;
/// with <paramref name="StartAfter"/> the token is an invalidate's, which only <c>startAfter</c> accepts. A
/// <paramref name="PendingCatchUp"/> is a catch-up that began and has not finished.
/// </summary>
public sealed record Checkpoint(BsonDocument? ResumeToken, DateTime? EventTime, bool StartAfter, StreamStart.CatchUp? PendingCatchUp);
