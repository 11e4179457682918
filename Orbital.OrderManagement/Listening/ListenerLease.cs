using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.OrderManagement.Checkpoints;

namespace Orbital.OrderManagement.Listening;

/// <summary>
/// Makes one order-service instance the listener at a time: a lease kept in MongoDB beside the checkpoint (in the
/// checkpoints collection, <c>_id</c> <c>lease:{listener}</c>), held for <see cref="ListenerLeaseOptions.TimeToLive"/>
/// and renewed every <see cref="ListenerLeaseOptions.RenewInterval"/>. Each time it changes hands its
/// <see cref="Token"/> (a fencing token) grows, and the new holder stamps the checkpoint with it at once: a checkpoint
/// write carrying an older token is refused by MongoDB itself (<see cref="CheckpointStore"/>), so a leader that was
/// paused past its lease (a GC pause, a frozen VM) can forward again when it wakes (the kitchen ignores what it
/// already has) but can never move the checkpoint back.
/// </summary>
/// <remarks>
/// MongoDB rather than the kitchen's PostgreSQL: the lease guards the checkpoint, which lives in MongoDB, so the
/// fence and the thing it fences are checked in one write; and the listener needs MongoDB to do anything at all,
/// while a kitchen outage must not move leadership around. Expiry is judged by the instances' clocks, which must agree
/// within a fraction of the time to live (NTP keeps them within milliseconds).
/// </remarks>
public sealed class ListenerLease(
    IMongoDatabase database,
    IOptions<CheckpointOptions> checkpoints,
    IOptions<ListenerLeaseOptions> options,
    TimeProvider time)
{
    private readonly IMongoCollection<BsonDocument> _collection = database.GetCollection<BsonDocument>(checkpoints.Value.CheckpointsCollection);
    private readonly string _id = $"lease:{checkpoints.Value.ListenerName}";
    private readonly string _checkpointId = checkpoints.Value.ListenerName;
    private long _token;
    private long _confirmedAt;
    private volatile LeaseHolder? _holder;

    /// <summary>This instance's name in the lease: host, process and a random part (two processes on one host differ).</summary>
    public string Instance { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The fencing token this instance holds the lease with; 0 while it does not lead.</summary>
    public long Token => Interlocked.Read(ref _token);

    public bool IsLeader => Token > 0;

    /// <summary>
    /// When (a <see cref="TimeProvider"/> timestamp) the last write that took or renewed the lease was sent: the lease
    /// holds until <see cref="ListenerLeaseOptions.TimeToLive"/> after this in everyone's eyes, however long the answer took.
    /// </summary>
    public long ConfirmedAt => Interlocked.Read(ref _confirmedAt);

    /// <summary>Who held the lease when this instance last looked (itself when it leads); null before it looked.</summary>
    public LeaseHolder? Holder => _holder;

    /// <summary>Takes the lease when nobody holds it (or it expired); a new token each time it changes hands.</summary>
    /// <returns>Whether this instance leads now.</returns>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        var sentAt = time.GetTimestamp();
        var now = time.GetUtcNow().UtcDateTime;
        var free = new BsonDocument
        {
            { "_id", _id },
            { "$or", new BsonArray { new BsonDocument("expiresAt", new BsonDocument("$lt", now)), new BsonDocument("holder", Instance) } },
        };
        var take = new BsonDocument
        {
            { "$set", new BsonDocument { { "holder", Instance }, { "expiresAt", now + options.Value.TimeToLive }, { "acquiredAt", now } } },
            { "$inc", new BsonDocument("token", 1L) },
        };
        try
        {
            await _collection.UpdateOneAsync(free, take, new UpdateOptions { IsUpsert = true }, cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // Held by another instance: the upsert found the document and could not insert a second.
            await LookAsync(cancellationToken);
            return false;
        }

        var lease = await LookAsync(cancellationToken);
        if (lease is not { } held || held.Instance != Instance)
        {
            return false;
        }

        // The checkpoint carries the newest token from now on: a write with an older one is refused.
        try
        {
            await _collection.UpdateOneAsync(
                CheckpointStore.FencedBy(_checkpointId, held.Token),
                new BsonDocument("$set", new BsonDocument("fence", held.Token)),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // The checkpoint is fenced by a newer token than the lease has: the lease document was lost (deleted,
            // restored from an older backup). Its token jumps to the fence, so the next take (a moment later) is newer.
            await CatchUpWithFenceAsync(cancellationToken);
            return false;
        }

        Interlocked.Exchange(ref _confirmedAt, sentAt);
        Interlocked.Exchange(ref _token, held.Token);
        return true;
    }

    private async Task CatchUpWithFenceAsync(CancellationToken cancellationToken)
    {
        var checkpoint = await _collection.Find(new BsonDocument("_id", _checkpointId)).FirstOrDefaultAsync(cancellationToken);
        if (checkpoint?.GetValue("fence", BsonNull.Value) is not { IsNumeric: true } fence)
        {
            return;
        }

        await _collection.UpdateOneAsync(
            new BsonDocument { { "_id", _id }, { "holder", Instance }, { "token", new BsonDocument("$lt", fence.ToInt64()) } },
            new BsonDocument("$set", new BsonDocument("token", fence.ToInt64())),
            cancellationToken: cancellationToken);
    }

    /// <summary>Extends the lease this instance holds.</summary>
    /// <returns>False when it lost it (it expired and another instance took it).</returns>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        var token = Token;
        if (token == 0)
        {
            return false;
        }

        // An upsert: a lease document that is gone (its database was dropped) is written again as this instance's;
        // one that another instance holds is not matched, and a second cannot be inserted beside it.
        var sentAt = time.GetTimestamp();
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            await _collection.UpdateOneAsync(
                new BsonDocument { { "_id", _id }, { "holder", Instance }, { "token", token } },
                new BsonDocument("$set", new BsonDocument("expiresAt", now + options.Value.TimeToLive)),
                new UpdateOptions { IsUpsert = true },
                cancellationToken);
            _holder = new LeaseHolder(Instance, token, now + options.Value.TimeToLive);
            Interlocked.Exchange(ref _confirmedAt, sentAt);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            Lost();
            await LookAsync(cancellationToken);
            return false;
        }
    }

    /// <summary>Gives the lease up (a graceful stop): a standby takes over at its next look instead of after the time to live.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var token = Token;
        Lost();
        if (token == 0)
        {
            return;
        }

        await _collection.UpdateOneAsync(
            new BsonDocument { { "_id", _id }, { "holder", Instance }, { "token", token } },
            new BsonDocument("$set", new BsonDocument("expiresAt", DateTime.UnixEpoch)),
            cancellationToken: cancellationToken);
    }

    /// <summary>This instance no longer leads (its lease was lost, or a checkpoint write was fenced).</summary>
    public void Lost() => Interlocked.Exchange(ref _token, 0);

    private async Task<LeaseHolder?> LookAsync(CancellationToken cancellationToken)
    {
        var document = await _collection.Find(new BsonDocument("_id", _id)).FirstOrDefaultAsync(cancellationToken);
        _holder = document is null
            ? null
            : new LeaseHolder(
                document.GetValue("holder", BsonNull.Value) is BsonString holder ? holder.Value : "(nobody)",
                document.GetValue("token", 0L).ToInt64(),
                document.GetValue("expiresAt", BsonNull.Value) is BsonDateTime expires ? expires.ToUniversalTime() : DateTime.MinValue);
        return _holder;
    }
}

/// <summary>Who holds the listener's lease, with which fencing token, until when.</summary>
public sealed record LeaseHolder(string Instance, long Token, DateTime ExpiresAt);

/// <summary>The listener's lease (section <c>OrderListener:Lease</c>).</summary>
public sealed class ListenerLeaseOptions
{
    public const string SectionName = "OrderListener:Lease";

    /// <summary>How long a lease holds without renewal: a leader killed outright is replaced within this and a standby's look.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>How often the leader renews; at most a third of the time to live, so one failed renewal does not lose it.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a standby looks whether the lease is free.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan StandbyInterval { get; set; } = TimeSpan.FromSeconds(1);
}
