using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Options;

namespace Orbital.OrderManagement.Services;

/// <summary>
/// Keeps the listener's checkpoint in MongoDB (<c>orbital_checkpoints</c>): the resume token of the last change
/// whose order the kitchen acknowledged, and the time of that change, from which a catch-up scan starts if the
/// token is ever lost from the oplog.
/// </summary>
public sealed class ResumeTokenStore(IMongoDatabase database, IOptions<OrderListenerOptions> options, OrderListenerStatus status, TimeProvider time)
{
    private readonly IMongoCollection<BsonDocument> _checkpoints = database.GetCollection<BsonDocument>(options.Value.CheckpointsCollection);
    private readonly string _listener = options.Value.ListenerName;

    public async Task<Checkpoint?> LoadAsync(CancellationToken cancellationToken)
    {
        var document = await _checkpoints.Find(new BsonDocument("_id", _listener)).FirstOrDefaultAsync(cancellationToken);
        return document is null
            ? null
            : new Checkpoint(document["resumeToken"].AsBsonDocument, document["eventTime"].ToUniversalTime());
    }

    /// <summary>Saves <paramref name="resumeToken"/>; call only once everything before it is acknowledged or rejected.</summary>
    public async Task SaveAsync(BsonDocument resumeToken, DateTime eventTime, CancellationToken cancellationToken)
    {
        var document = new BsonDocument
        {
            { "_id", _listener },
            { "resumeToken", resumeToken },
            { "eventTime", eventTime },
            { "savedAt", time.GetUtcNow().UtcDateTime },
        };
        await _checkpoints.ReplaceOneAsync(new BsonDocument("_id", _listener), document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
        status.Checkpointed();
    }
}

/// <summary>Where the listener resumes: after <paramref name="ResumeToken"/>, a change from <paramref name="EventTime"/>.</summary>
public sealed record Checkpoint(BsonDocument ResumeToken, DateTime EventTime);
