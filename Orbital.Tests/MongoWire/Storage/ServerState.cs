using MongoDB.Bson;
using Orbital.Tests.MongoWire.Query;

namespace Orbital.Tests.MongoWire.Storage;

/// <summary>
/// Everything the server holds: collections, the oplog change streams read, open cursors, the logical clock and
/// the answers to retryable writes. One lock guards it all; change stream readers wait on a signal that every
/// oplog append sets.
/// </summary>
internal sealed class ServerState(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, CollectionData> _collections = new(StringComparer.Ordinal);
    private readonly List<OplogEntry> _oplog = [];
    private readonly Dictionary<long, ServerCursor> _cursors = [];
    private readonly Dictionary<(string Session, long Transaction), BsonDocument> _retryableWrites = [];
    private readonly BsonTimestamp _historyStart = new((int)time.GetUtcNow().ToUnixTimeSeconds(), 0);
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _head;
    private long _truncatedThrough;
    private BsonTimestamp _truncatedAt = new(0, 0);
    private int _clockSeconds = (int)time.GetUtcNow().ToUnixTimeSeconds();
    private int _clockIncrement;
    private long _nextCursorId = 7_000_000_000L;

    /// <summary>Tells this server's resume tokens from any other's.</summary>
    public uint Instance { get; } = (uint)Random.Shared.Next();

    /// <summary>The latest cluster time; every answer carries it.</summary>
    public BsonTimestamp ClusterTime
    {
        get
        {
            lock (_gate)
            {
                return new BsonTimestamp(_clockSeconds, _clockIncrement);
            }
        }
    }

    public T Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            return action();
        }
    }

    public CollectionData? Collection(string database, string name)
    {
        lock (_gate)
        {
            return _collections.GetValueOrDefault($"{database}.{name}");
        }
    }

    public CollectionData GetOrCreateCollection(string database, string name)
    {
        lock (_gate)
        {
            var key = $"{database}.{name}";
            if (!_collections.TryGetValue(key, out var collection))
            {
                collection = new CollectionData(database, name);
                _collections[key] = collection;
            }

            return collection;
        }
    }

    public IReadOnlyList<CollectionData> Collections(string database)
    {
        lock (_gate)
        {
            return [.. _collections.Values.Where(c => c.Database == database).OrderBy(c => c.Name, StringComparer.Ordinal)];
        }
    }

    public bool DropCollection(string database, string name)
    {
        lock (_gate)
        {
            return _collections.Remove($"{database}.{name}");
        }
    }

    /// <summary>Runs a retryable write once: a retry with the same session and transaction number gets the first answer.</summary>
    public BsonDocument RunRetryable(BsonDocument command, Func<BsonDocument> write)
    {
        lock (_gate)
        {
            if (!command.TryGetValue("txnNumber", out var transaction)
                || !command.TryGetValue("lsid", out var session)
                || session is not BsonDocument sessionDocument)
            {
                return write();
            }

            var key = (sessionDocument["id"].ToString()!, transaction.ToInt64());
            if (_retryableWrites.TryGetValue(key, out var earlier))
            {
                return earlier.DeepClone().AsBsonDocument;
            }

            var reply = write();
            _retryableWrites[key] = reply.DeepClone().AsBsonDocument;
            return reply;
        }
    }

    /// <summary>Records a change; callers hold the lock through <see cref="Locked{T}"/>.</summary>
    public void Append(string database, string collection, string operationType, BsonValue documentKey, BsonDocument? document, BsonDocument? updateDescription)
    {
        lock (_gate)
        {
            var clusterTime = Tick();
            _oplog.Add(new OplogEntry(++_head, clusterTime, time.GetUtcNow().UtcDateTime, database, collection, operationType, documentKey, document?.DeepClone().AsBsonDocument, updateDescription));
            _appended.TrySetResult();
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Forgets all history so far, as an oplog that rolled over: resuming from an older token fails with 286.</summary>
    public void TruncateHistory()
    {
        lock (_gate)
        {
            if (_oplog.Count > 0)
            {
                _truncatedAt = _oplog[^1].ClusterTime;
            }

            _truncatedThrough = _head;
            _oplog.Clear();
        }
    }

    public long RegisterCursor(Func<long, ServerCursor> create)
    {
        lock (_gate)
        {
            var cursor = create(++_nextCursorId);
            _cursors[cursor.Id] = cursor;
            return cursor.Id;
        }
    }

    public ServerCursor? Cursor(long id)
    {
        lock (_gate)
        {
            return _cursors.GetValueOrDefault(id);
        }
    }

    public bool KillCursor(long id)
    {
        lock (_gate)
        {
            return _cursors.Remove(id);
        }
    }

    /// <summary>The oplog position a new change stream starts after; 286 when that history is gone.</summary>
    public long ResolveStart(ChangeStreamStart start)
    {
        lock (_gate)
        {
            if (start.ResumeToken is not null)
            {
                var (position, instance) = ResumeToken.Parse(start.ResumeToken);
                if (instance != Instance || position > _head)
                {
                    throw HistoryLost($"the resume token {start.ResumeToken} was not issued by this server");
                }

                if (position < _truncatedThrough)
                {
                    throw HistoryLost($"the resume point {start.ResumeToken} may no longer be in the oplog");
                }

                return position;
            }

            if (start.OperationTime is { } operationTime)
            {
                if (operationTime.CompareTo(_historyStart) < 0 || (_truncatedThrough > 0 && operationTime.CompareTo(_truncatedAt) <= 0))
                {
                    throw HistoryLost($"the requested start time {operationTime} is older than the oldest oplog entry");
                }

                var first = _oplog.FirstOrDefault(e => e.ClusterTime.CompareTo(operationTime) >= 0);
                return first is null ? _head : first.Position - 1;
            }

            return _head;
        }
    }

    /// <summary>
    /// The next events of a change stream, up to <paramref name="batchSize"/>, and the token to resume after
    /// them (the post-batch resume token): the last event's, or the oplog head's when nothing matched.
    /// </summary>
    public (List<BsonDocument> Events, BsonDocument PostBatchResumeToken, Task Appended) NextChanges(ChangeStreamCursor cursor, int batchSize)
    {
        lock (_gate)
        {
            if (cursor.Position < _truncatedThrough)
            {
                _cursors.Remove(cursor.Id);
                throw HistoryLost("the change stream fell off the oplog");
            }

            var events = new List<BsonDocument>();
            var first = _oplog.Count == 0 ? _head + 1 : _oplog[0].Position;
            for (var index = (int)Math.Max(0, cursor.Position + 1 - first); index < _oplog.Count && events.Count < batchSize; index++)
            {
                var entry = _oplog[index];
                cursor.Position = entry.Position;
                if (entry.Database != cursor.Database || (!cursor.WholeDatabase && entry.Collection != cursor.Collection))
                {
                    continue;
                }

                var change = ToEvent(entry, cursor.LookUpUpdates);
                if (cursor.MatchStages.All(match => FilterMatcher.Matches(change, match)))
                {
                    events.Add(change);
                }
            }

            if (events.Count < batchSize)
            {
                cursor.Position = Math.Max(cursor.Position, _head);
            }

            return (events, ResumeToken.For(cursor.Position, Instance), _appended.Task);
        }
    }

    private BsonDocument ToEvent(OplogEntry entry, bool lookUpUpdates)
    {
        var change = new BsonDocument
        {
            { "_id", ResumeToken.For(entry.Position, Instance) },
            { "operationType", entry.OperationType },
            { "clusterTime", entry.ClusterTime },
            { "wallTime", new BsonDateTime(entry.WallTime) },
            { "ns", new BsonDocument { { "db", entry.Database }, { "coll", entry.Collection } } },
            { "documentKey", new BsonDocument("_id", entry.DocumentKey) },
        };

        switch (entry.OperationType)
        {
            case "insert" or "replace":
                change["fullDocument"] = entry.Document!.DeepClone();
                break;
            case "update":
                change["updateDescription"] = entry.UpdateDescription!.DeepClone();
                if (lookUpUpdates)
                {
                    // updateLookup returns the document as it is now, not as the update left it.
                    var current = _collections.GetValueOrDefault($"{entry.Database}.{entry.Collection}")?.FindById(entry.DocumentKey);
                    change["fullDocument"] = current?.DeepClone() ?? BsonNull.Value;
                }

                break;
        }

        return change;
    }

    private BsonTimestamp Tick()
    {
        var now = (int)time.GetUtcNow().ToUnixTimeSeconds();
        if (now > _clockSeconds)
        {
            _clockSeconds = now;
            _clockIncrement = 1;
        }
        else
        {
            _clockIncrement++;
        }

        return new BsonTimestamp(_clockSeconds, _clockIncrement);
    }

    private static MongoCommandError HistoryLost(string detail)
        => new(MongoCommandError.ChangeStreamHistoryLost, "ChangeStreamHistoryLost", $"Resume of change stream was not possible, as {detail}");
}
