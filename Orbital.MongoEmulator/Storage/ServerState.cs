using MongoDB.Bson;
using Orbital.MongoEmulator.Query;

namespace Orbital.MongoEmulator.Storage;

/// <summary>A change stream's next events, the token to resume after them, a signal of the next change, and whether the stream ended.</summary>
internal sealed record ChangeBatch(List<BsonDocument> Events, BsonDocument PostBatchResumeToken, Task Appended, bool Closed);

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
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _head;
    private long _truncatedThrough;
    private BsonTimestamp _truncatedAt = new(0, 0);
    private int _clockSeconds = (int)time.GetUtcNow().ToUnixTimeSeconds();
    private int _clockIncrement;
    private long _nextCursorId = 7_000_000_000L;

    /// <summary>The <c>failCommand</c> fail point.</summary>
    public FailCommandPoint FailCommand { get; } = new();

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

    /// <summary>Drops a collection; a drop that removed one is a <c>drop</c> change, and invalidates streams on it.</summary>
    public bool DropCollection(string database, string name)
    {
        lock (_gate)
        {
            if (!_collections.Remove($"{database}.{name}"))
            {
                return false;
            }

            AppendEntry(database, name, "drop");
            return true;
        }
    }

    /// <summary>Renames a collection (replacing the target when <paramref name="dropTarget"/>): a <c>rename</c> change.</summary>
    public void RenameCollection(string database, string name, string toDatabase, string toName, bool dropTarget)
    {
        lock (_gate)
        {
            if (!_collections.TryGetValue($"{database}.{name}", out var source))
            {
                throw new MongoCommandError(MongoCommandError.NamespaceNotFound, "NamespaceNotFound", $"Source collection {database}.{name} does not exist");
            }

            if (_collections.ContainsKey($"{toDatabase}.{toName}"))
            {
                if (!dropTarget)
                {
                    throw new MongoCommandError(48, "NamespaceExists", $"Target namespace {toDatabase}.{toName} exists");
                }

                DropCollection(toDatabase, toName);
            }

            _collections.Remove(source.Namespace);
            _collections[$"{toDatabase}.{toName}"] = source.RenamedTo(toDatabase, toName);
            AppendEntry(database, name, "rename", renamedTo: (toDatabase, toName));
        }
    }

    /// <summary>Drops every collection of a database (a <c>drop</c> change each), then the database (<c>dropDatabase</c>).</summary>
    public void DropDatabase(string database)
    {
        lock (_gate)
        {
            foreach (var collection in _collections.Values.Where(c => c.Database == database).OrderBy(c => c.Name, StringComparer.Ordinal).ToList())
            {
                DropCollection(database, collection.Name);
            }

            AppendEntry(database, string.Empty, "dropDatabase");
        }
    }

    /// <summary>Writes a no-op to the oplog, as a primary does every few seconds: every stream's position moves on.</summary>
    public void WriteNoop()
    {
        lock (_gate)
        {
            AppendEntry(string.Empty, string.Empty, "noop");
        }
    }

    /// <summary>Closes every open change stream cursor, as <c>killCursors</c> or a failover would: their next getMore fails with CursorNotFound.</summary>
    public int KillChangeStreamCursors()
    {
        lock (_gate)
        {
            var streams = _cursors.Values.OfType<ChangeStreamCursor>().Select(c => c.Id).ToList();
            streams.ForEach(id => _cursors.Remove(id));
            return streams.Count;
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

    /// <summary>Records a change to a document; callers hold the lock through <see cref="Locked{T}"/>.</summary>
    public void Append(string database, string collection, string operationType, BsonValue documentKey, BsonDocument? document, BsonDocument? updateDescription)
    {
        lock (_gate)
        {
            AppendEntry(database, collection, operationType, documentKey, document?.DeepClone().AsBsonDocument, updateDescription);
        }
    }

    /// <summary>
    /// Forgets all history so far, as an oplog that rolled over: resuming from an older token fails with 286, and a
    /// stream that last read an entry now gone fails its next getMore with 136.
    /// </summary>
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

            // A rolled-over oplog still holds its newest entries: streams opened from now on have a position to keep.
            AppendEntry(string.Empty, string.Empty, "noop");
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

    /// <summary>
    /// The oplog position a new change stream starts after. A token from another server or from before the oldest
    /// history is ChangeStreamHistoryLost (286); an invalidate's token is refused to <c>resumeAfter</c> (260) and
    /// accepted by <c>startAfter</c>. A start time before the oldest entry is allowed until the oplog has rolled
    /// over, as on a fresh replica set.
    /// </summary>
    public long ResolveStart(ChangeStreamStart start)
    {
        lock (_gate)
        {
            if (start.ResumeToken is not null)
            {
                var (position, instance, invalidate) = ResumeToken.Parse(start.ResumeToken);
                if (invalidate && !start.StartAfter)
                {
                    throw new MongoCommandError(MongoCommandError.InvalidResumeToken, "InvalidResumeToken", "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate notification; use 'startAfter'");
                }

                if (instance != Instance || position > _head)
                {
                    throw HistoryLost($"the resume token {start.ResumeToken} was not issued by this server");
                }

                if (_truncatedThrough > 0 && position <= _truncatedThrough)
                {
                    throw HistoryLost($"the resume point {start.ResumeToken} may no longer be in the oplog");
                }

                return position;
            }

            if (start.OperationTime is { } operationTime)
            {
                if (_truncatedThrough > 0 && operationTime.CompareTo(_truncatedAt) <= 0)
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
    /// them (the post-batch resume token): the last event's, or the oplog head's when nothing matched. A drop,
    /// rename or dropDatabase that ends the stream is followed by an invalidate event, and the stream is closed.
    /// An open stream that fell off the oplog fails with CappedPositionLost (136).
    /// </summary>
    public ChangeBatch NextChanges(ChangeStreamCursor cursor, int batchSize)
    {
        lock (_gate)
        {
            // The entry the stream last read is gone: a real server's cursor dies the same way.
            if (_truncatedThrough > 0 && cursor.Position <= _truncatedThrough)
            {
                _cursors.Remove(cursor.Id);
                throw new MongoCommandError(136, "CappedPositionLost", "CollectionScan died due to position in capped collection being deleted. The change stream fell off the oplog.");
            }

            var events = new List<BsonDocument>();
            var first = _oplog.Count == 0 ? _head + 1 : _oplog[0].Position;
            for (var index = (int)Math.Max(0, cursor.Position + 1 - first); index < _oplog.Count && events.Count < batchSize; index++)
            {
                var entry = _oplog[index];
                cursor.Position = entry.Position;
                if (!ChangeEvents.Concerns(entry, cursor))
                {
                    continue;
                }

                var change = ChangeEvents.ToEvent(entry, Instance, CurrentDocument, cursor.LookUpUpdates);
                if (cursor.MatchStages.All(match => FilterMatcher.Matches(change, match)))
                {
                    events.Add(change);
                }

                if (ChangeEvents.Invalidates(entry, cursor))
                {
                    var invalidate = ChangeEvents.Invalidate(entry, Instance);
                    events.Add(invalidate);
                    _cursors.Remove(cursor.Id);
                    return new ChangeBatch(events, invalidate["_id"].AsBsonDocument, _appended.Task, Closed: true);
                }
            }

            if (events.Count < batchSize)
            {
                cursor.Position = Math.Max(cursor.Position, _head);
            }

            return new ChangeBatch(events, ResumeToken.For(cursor.Position, Instance), _appended.Task, Closed: false);
        }
    }

    private BsonDocument? CurrentDocument(OplogEntry entry)
        => _collections.GetValueOrDefault($"{entry.Database}.{entry.Collection}")?.FindById(entry.DocumentKey!);

    private void AppendEntry(string database, string collection, string operationType, BsonValue? documentKey = null, BsonDocument? document = null, BsonDocument? updateDescription = null, (string, string)? renamedTo = null)
    {
        var clusterTime = Tick();
        _oplog.Add(new OplogEntry(++_head, clusterTime, time.GetUtcNow().UtcDateTime, database, collection, operationType, documentKey, document, updateDescription, renamedTo));
        _appended.TrySetResult();
        _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
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
        => new(MongoCommandError.ChangeStreamHistoryLost, "ChangeStreamHistoryLost", $"Resume of change stream was not possible, as {detail}", MongoCommandError.NonResumableChangeStreamErrorLabel);
}
