using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.OrderManagement.Checkpoints;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Forwarding;
using Orbital.OrderManagement.Mapping;
using Orbital.ServiceDefaults.Resilience;

namespace Orbital.OrderManagement.Listening;

/// <summary>
/// Opens one change stream on the orders collection where a <see cref="StreamStart"/> says, and reads it until it
/// is invalidated or fails. Every change to an order (insert, update, replace, delete) is handed to an
/// <see cref="OrderRelayPipeline"/>, with the change's cluster time as its revision; many travel to the kitchen at
/// once, a document's changes in the order they happened. A change's own resume token is checkpointed only once the
/// kitchen acknowledged or rejected it and every change before it, so a crash anywhere re-delivers rather than
/// skips; checkpoint writes are coalesced. Quiet streams checkpoint their post-batch token now and then so the saved
/// position never falls off the oplog. A drop, rename or dropDatabase of the collection ends the stream with an
/// invalidate, whose token is checkpointed to start after.
/// </summary>
public sealed partial class OrderStreamReader(
    IMongoDatabase database,
    IOptions<OrderListenerOptions> options,
    IOptions<RelayOptions> relayOptions,
    IOptions<OrderDocumentFields> documentFields,
    CheckpointStore checkpoints,
    OrderRelay relay,
    KitchenOrderForwarder kitchen,
    OrderCatchUp catchUp,
    OrderListenerStatus status,
    OrderFlowMetrics metrics,
    TimeProvider time,
    ILogger<OrderStreamReader> logger)
{
    // Inserts, updates, replacements and deletes are what happens to orders; the collection events are how a drop,
    // rename or restore is seen rather than guessed.
    private static readonly BsonDocument s_match = new("$match", new BsonDocument(
        "operationType",
        new BsonDocument("$in", new BsonArray { "insert", "update", "replace", "delete", "drop", "rename", "dropDatabase", "invalidate" })));

    private readonly OrderListenerOptions _options = options.Value;
    private readonly IMongoCollection<BsonDocument> _orders = database.GetCollection<BsonDocument>(options.Value.OrdersCollection);
    private int _rehearsed;
    private DateTimeOffset _lastQuietCheckpoint = DateTimeOffset.MinValue;
    private DateTimeOffset _lastSave = DateTimeOffset.MinValue;
    private ChangePosition? _unsaved;
    private int _unsavedChanges;

    /// <summary>Reads from <paramref name="start"/> until the stream ends.</summary>
    /// <param name="start">Where the stream starts.</param>
    /// <param name="progress">The listener's retry schedule: reset whenever a checkpoint is saved.</param>
    /// <param name="established">Called once the stream is open and any catch-up is done.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>How the stream ended: invalidated (the next one starts after it), or closed without a reason.</returns>
    public async Task<StreamEnd> ReadAsync(StreamStart start, RetrySchedule progress, Action established, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(established);

        // Before the first stream opens, so that the first orders it reads (a catch-up's too) meet a rehearsed path.
        await RehearseAsync(cancellationToken);

        // Taken before the stream opens: a catch-up's checkpoint must not claim the time its scan ended, or a
        // second loss of history would catch up from too late.
        var openedAt = time.GetUtcNow().UtcDateTime;
        var scan = StreamStart.ScanOf(start);

        // A stream that does not resume starts at a known cluster time: what a scan reads is the orders' state at
        // that time or later, so it is sent with that time as its revision, and every change after it comes from
        // the stream with a newer one.
        var startedAt = start is StreamStart.Resume ? null : await ClusterTimeAsync(cancellationToken);
        if (scan is not null)
        {
            status.CatchingUp($"Catching up: {scan.Reason}. Re-reading orders written since {Describe(scan.Since)}.");
        }

        if (start is StreamStart.CatchUp pending)
        {
            await checkpoints.MarkCatchUpAsync(pending, cancellationToken);
        }

        using var stream = await WatchAsync(start, startedAt, cancellationToken);
        await using var pipeline = new OrderRelayPipeline(kitchen, relay, relayOptions.Value, status, logger, cancellationToken);
        (_unsaved, _unsavedChanges) = (null, 0);
        if (start is StreamStart.Resume resume)
        {
            LogResuming(logger, resume.Checkpoint.EventTime);
        }
        else if (await StartAsync(stream, pipeline, start, scan, startedAt, openedAt, progress, cancellationToken))
        {
            return StreamEnd.Invalidated;
        }

        established();
        status.Listening($"Listening for orders in '{_orders.CollectionNamespace.FullName}'.");
        // The aggregate that opened a resumed stream answered with its first batch; only a getMore answered after
        // it proves that the stream works, which is what a quiet checkpoint must show before it counts as progress.
        var quiet = start is StreamStart.Resume ? QuietBatch.Checkpoint : QuietBatch.Progress;
        while (await NextBatchAsync(stream, pipeline, progress, cancellationToken))
        {
            status.Read();
            if (await HandleBatchAsync(stream, pipeline, progress, quiet, cancellationToken))
            {
                return StreamEnd.Invalidated;
            }

            quiet = QuietBatch.Progress;
        }

        return StreamEnd.Closed;
    }

    /// <summary>
    /// The first batch of a stream that does not resume: read it, scan what a catch-up re-reads meanwhile, deal
    /// with both, and save the start's position (the first batch's end) once everything in them is dealt with.
    /// </summary>
    /// <returns>Whether the first batch invalidated the stream.</returns>
    private async Task<bool> StartAsync(
        IChangeStreamCursor<ChangeStreamDocument<BsonDocument>> stream,
        OrderRelayPipeline pipeline,
        StreamStart start,
        StreamStart.CatchUp? scan,
        BsonTimestamp? startedAt,
        DateTime openedAt,
        RetrySchedule progress,
        CancellationToken cancellationToken)
    {
        if (start is StreamStart.AfterInvalidate)
        {
            LogStartingAfterInvalidate(logger);
        }

        // The stream is open before anything is scanned: an order written during the scan is seen by one or
        // both (the kitchen deduplicates), never by neither.
        await stream.MoveNextAsync(cancellationToken);
        var result = scan is null ? null : await catchUp.RunAsync(scan.Since, RevisionOf(startedAt), pipeline, cancellationToken);
        if (await HandleBatchAsync(stream, pipeline, progress, QuietBatch.Skip, cancellationToken))
        {
            return true;
        }

        // The start's position is the first batch's end: saved once everything in that batch is dealt with.
        await pipeline.DrainAsync(cancellationToken);
        pipeline.TakeDealtWith();
        await SaveAsync(stream.GetResumeToken(), openedAt, progress, cancellationToken, orders: pipeline.TakeTraces());
        (_unsaved, _unsavedChanges) = (null, 0);
        Report(scan, result);
        return false;
    }

    /// <summary>
    /// Waits for the stream's next batch, and meanwhile checkpoints what the kitchen acknowledges: a change is durable
    /// as soon as it is dealt with, not only when the next batch (up to <see cref="OrderListenerOptions.MaxAwaitTime"/>
    /// later on a quiet stream) arrives. The <c>getMore</c> and the checkpoint write travel on separate connections.
    /// </summary>
    private async Task<bool> NextBatchAsync(
        IChangeStreamCursor<ChangeStreamDocument<BsonDocument>> stream,
        OrderRelayPipeline pipeline,
        RetrySchedule progress,
        CancellationToken cancellationToken)
    {
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = stream.MoveNextAsync(reading.Token);
        try
        {
            var dealtWith = pipeline.Progress;
            while (!next.IsCompleted)
            {
                // What was dealt with since the batch was handled (perhaps all of it, just now) is saved first.
                pipeline.ThrowIfFailed();
                await CheckpointAsync(pipeline, progress, cancellationToken);
                if (pipeline.IsIdle && _unsaved is null)
                {
                    break;
                }

                // Something is still on its way, or saved too recently to save again yet: wake for whichever
                // comes first, the next batch, an acknowledgement, or the time the unsaved position is due.
                var woke = _unsaved is null
                    ? await Task.WhenAny(next, dealtWith)
                    : await Task.WhenAny(next, dealtWith, Task.Delay(Max(_lastSave + _options.CheckpointInterval - time.GetUtcNow(), TimeSpan.Zero), time, reading.Token));
                if (woke == next)
                {
                    break;
                }

                dealtWith = woke == dealtWith ? pipeline.Progress : dealtWith;
            }
        }
        catch
        {
            // The stream is abandoned: its getMore is cancelled and waited for, so the cursor is never disposed
            // under a read still using it; how the read ends no longer matters.
            await reading.CancelAsync();
            try
            {
                await next;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Ended by the cancellation, or by the failure being thrown.
            }

            throw;
        }

        var more = await next;
        await reading.CancelAsync();
        return more;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Report(StreamStart.CatchUp? scan, CatchUpResult? result)
    {
        if (scan is null || result is null)
        {
            LogStartedFromNow(logger);
            return;
        }

        var reason = result.WithoutTime > 0
            ? $"{scan.Reason} ({result.WithoutTime} of the documents re-read have an _id that is not an ObjectId and were read in full)"
            : scan.Reason;
        var recheck = result.Rechecked > 0 ? $"; re-read {result.Rechecked} older orders the kitchen is working on" : string.Empty;
        if (result.WithoutDocument.Count > 0)
        {
            // Loud, not silent: the kitchen may be cooking orders the platform no longer has.
            var some = string.Join(", ", result.WithoutDocument.Take(10));
            recheck += $"; {result.WithoutDocument.Count} orders the kitchen is working on have no document in '{_options.OrdersCollection}' any more ({some}{(result.WithoutDocument.Count > 10 ? ", ..." : string.Empty)}) and were left as they are";
            LogActiveWithoutDocument(logger, result.WithoutDocument.Count, _options.OrdersCollection, some);
        }

        status.Recovered(new RecoveryRecord(time.GetUtcNow(), $"{reason}; re-read what was written since {Describe(result.From)}{recheck}", result.Scanned + result.Rechecked));
        metrics.CatchUp(scan.Kind);
        LogCaughtUp(logger, result.Scanned, scan.Reason);
    }

    /// <returns>Whether the batch ended with an invalidate: the stream is over.</returns>
    private async Task<bool> HandleBatchAsync(
        IChangeStreamCursor<ChangeStreamDocument<BsonDocument>> stream,
        OrderRelayPipeline pipeline,
        RetrySchedule progress,
        QuietBatch quiet,
        CancellationToken cancellationToken)
    {
        var any = false;
        foreach (var change in stream.Current)
        {
            any = true;
            var changedAt = ChangedAt(change);
            // The change's own token, never the cursor's end-of-batch one, which would skip the rest of this
            // batch; it is saved once the kitchen dealt with this change and every one before it.
            var position = new ChangePosition(change.ResumeToken, changedAt);
            switch (change.OperationType)
            {
                case ChangeStreamOperationType.Insert or ChangeStreamOperationType.Update or ChangeStreamOperationType.Replace or ChangeStreamOperationType.Delete:
                    await ForwardAsync(change, changedAt, position, pipeline, cancellationToken);
                    status.Read();
                    break;
                case ChangeStreamOperationType.Invalidate:
                    // Only startAfter can pass an invalidate: the next stream reads the re-created collection.
                    await pipeline.DrainAsync(cancellationToken);
                    pipeline.TakeDealtWith();
                    await SaveAsync(change.ResumeToken, changedAt, progress, cancellationToken, startAfter: true, orders: pipeline.TakeTraces());
                    LogInvalidated(logger, _options.OrdersCollection);
                    return true;
                default:
                    metrics.Invalidated(change.OperationType.ToString());
                    LogCollectionChanged(logger, _options.OrdersCollection, change.OperationType.ToString());
                    pipeline.Pass(position);
                    break;
            }
        }

        pipeline.ThrowIfFailed();
        await CheckpointAsync(pipeline, progress, cancellationToken);

        // A quiet batch with nothing on its way: every change up to the post-batch token has been dealt with, so it is
        // safe to save, and saving it now and then keeps the checkpoint inside the oplog's window.
        pipeline.ThrowIfFailed();
        if (!any && quiet != QuietBatch.Skip && pipeline.IsSettled && _unsaved is null
            && time.GetUtcNow() - _lastQuietCheckpoint >= _options.QuietCheckpointInterval
            && stream.GetResumeToken() is { } token)
        {
            await SaveAsync(token, time.GetUtcNow().UtcDateTime, quiet == QuietBatch.Progress ? progress : null, cancellationToken);
            _lastQuietCheckpoint = time.GetUtcNow();
        }

        return false;
    }

    /// <summary>Hands a document's change to the pipeline, prepared and traced; or passes its position when it needs no sending.</summary>
    private async Task ForwardAsync(ChangeStreamDocument<BsonDocument> change, DateTime changedAt, ChangePosition position, OrderRelayPipeline pipeline, CancellationToken cancellationToken)
    {
        if (change.OperationType == ChangeStreamOperationType.Insert)
        {
            ObserveObjectIdLag(change, changedAt);
        }

        var pickedUp = DateTimeOffset.UtcNow;
        metrics.ListenerLag(time.GetUtcNow().UtcDateTime - changedAt);
        if (Prepare(change, changedAt) is { } prepared)
        {
            prepared.Trace = OrderTracing.StartChange(prepared, OperationName(change.OperationType), pickedUp, changedAt);
            await pipeline.AddAsync(prepared, position, cancellationToken);
        }
        else
        {
            pipeline.Pass(position);
        }
    }

    /// <summary>
    /// Once, before the first order: a made-up order's insert event goes the whole way a real one goes (read as the
    /// driver reads a change, prepared, traced, through a pipeline of its own to the kitchen, which takes it through
    /// its intake and rolls it back: <c>RehearseOrders</c>), so that the first real order does not pay for compiling
    /// either service's path (measured: tens of milliseconds). Nothing is stored, checkpointed or counted. Best effort:
    /// a rehearsal that fails (an older kitchen does not have the call) costs the first order that time, nothing else.
    /// </summary>
    private async Task RehearseAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _rehearsed, 1) == 1)
        {
            return;
        }

        try
        {
            var change = RehearsalChange.Read(_orders.CollectionNamespace, time.GetUtcNow().UtcDateTime);
            var changedAt = ChangedAt(change);
            await using var pipeline = new OrderRelayPipeline(kitchen, relay, relayOptions.Value, status, logger, cancellationToken) { Rehearsal = true };
            // A made-up order that maps as invalid would be recorded as a rejection: it is never handed on.
            var prepared = Prepare(change, changedAt);
            if (prepared?.Item is null)
            {
                throw new InvalidOperationException($"The rehearsal's made-up order does not map: {string.Join("; ", prepared?.Reasons ?? [])}");
            }

            prepared.Trace = OrderTracing.StartChange(prepared, OperationName(change.OperationType), DateTimeOffset.UtcNow, changedAt, rehearsal: true);
            await pipeline.AddAsync(prepared, new ChangePosition(change.ResumeToken, changedAt), cancellationToken);
            await pipeline.DrainAsync(cancellationToken);
            pipeline.TakeDealtWith();
            foreach (var trace in pipeline.TakeTraces())
            {
                trace.Stop();
            }

            LogRehearsed(logger);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogRehearsalFailed(logger, ex);
        }
    }

    /// <summary>
    /// Saves the newest position the kitchen dealt with (with everything before it), coalescing writes: once enough
    /// changes are behind it, or when <see cref="OrderListenerOptions.CheckpointInterval"/> passed since the last save
    /// (a change after a quiet while is saved at once; under a steady flow, a few times a second).
    /// </summary>
    private async Task CheckpointAsync(OrderRelayPipeline pipeline, RetrySchedule progress, CancellationToken cancellationToken)
    {
        if (pipeline.TakeDealtWith() is { } dealtWith)
        {
            _unsaved = dealtWith.Position;
            _unsavedChanges += dealtWith.Changes;
        }

        var now = time.GetUtcNow();
        if (_unsaved is { } position
            && (_unsavedChanges >= _options.CheckpointEvery || now - _lastSave >= _options.CheckpointInterval))
        {
            await SaveAsync(position.Token, position.EventTime, progress, cancellationToken, orders: pipeline.TakeTraces());
            (_unsaved, _unsavedChanges, _lastSave) = (null, 0, now);
        }
    }

    /// <summary>What the kitchen is sent for a change; null when it needs nothing (an update of other fields, or of a document deleted since).</summary>
    private PreparedChange? Prepare(ChangeStreamDocument<BsonDocument> change, DateTime changedAt)
    {
        var revision = RevisionOf(change.ClusterTime) is var clusterTime and > 0
            ? clusterTime
            : (ulong)new DateTimeOffset(changedAt).ToUnixTimeSeconds() << 32;
        switch (change.OperationType)
        {
            case ChangeStreamOperationType.Delete:
                return OrderRelay.PrepareDeletion(change.DocumentKey?.GetValue("_id", BsonNull.Value) ?? BsonNull.Value, revision);
            case ChangeStreamOperationType.Update when change.FullDocument is null:
                // Deleted since (updateLookup found nothing): its delete event comes next on this stream.
                LogUpdateOfDeleted(logger, change.DocumentKey?.GetValue("_id", BsonNull.Value).ToString() ?? "?");
                return null;
            case ChangeStreamOperationType.Update when !OrderDocumentMapper.TouchesKitchenFields(UpdatedPaths(change.UpdateDescription), documentFields.Value):
                // A courier's position or a payment status: nothing the kitchen cooks by.
                return null;
            default:
                // An update's document is the order as it is now (updateLookup), which may already include later
                // changes; each of those comes with its own, newer revision, so the kitchen ends at the latest state.
                return OrderRelay.Prepare(change.FullDocument, changedAt, revision, documentFields.Value);
        }
    }

    /// <summary>The fields an update set, removed or truncated, as dotted paths.</summary>
    private static List<string> UpdatedPaths(ChangeStreamUpdateDescription? description)
    {
        if (description is null)
        {
            return [];
        }

        return
        [
            .. description.UpdatedFields?.Names ?? [],
            .. description.RemovedFields ?? [],
            .. description.TruncatedArrays?.OfType<BsonDocument>().Select(t => t.GetValue("field", string.Empty).ToString()!) ?? [],
        ];
    }

    /// <summary>A cluster time as a revision: seconds and increment in one increasing number.</summary>
    private static ulong RevisionOf(BsonTimestamp? clusterTime) => clusterTime is null ? 0 : unchecked((ulong)clusterTime.Value);

    /// <summary>The cluster time now, as the server says it in an answer to a session's command.</summary>
    private async Task<BsonTimestamp> ClusterTimeAsync(CancellationToken cancellationToken)
    {
        using var session = await database.Client.StartSessionAsync(cancellationToken: cancellationToken);
        await database.RunCommandAsync<BsonDocument>(session, new BsonDocument("ping", 1), cancellationToken: cancellationToken);
        return session.OperationTime
            ?? throw new MongoClientException("The server answered without a cluster time: change streams need a replica set.");
    }

    /// <summary>
    /// How long after its ObjectId was created the document was inserted. A platform that creates ids well before
    /// it writes them makes "written since" by id time unreliable; catch-ups widen their window by what is seen here.
    /// </summary>
    private void ObserveObjectIdLag(ChangeStreamDocument<BsonDocument> change, DateTime changedAt)
    {
        if (change.DocumentKey?.GetValue("_id", BsonNull.Value) is not BsonObjectId id)
        {
            return;
        }

        // An ObjectId keeps whole seconds: up to a second of apparent delay is its precision, not the platform's.
        var lag = changedAt - id.Value.CreationTime - TimeSpan.FromSeconds(1);
        if (lag > status.LargestObjectIdLag)
        {
            status.ObjectIdLagObserved(lag);
            if (lag > _options.CatchUpMargin)
            {
                LogObjectIdLag(logger, id.Value.ToString(), lag.TotalSeconds, _options.CatchUpMargin.TotalSeconds);
            }
        }
    }

    private DateTime ChangedAt(ChangeStreamDocument<BsonDocument> change)
    {
        if (change.WallTime is { } wallTime)
        {
            return wallTime;
        }

        // Servers before 6.0 send no wall time; the cluster time's seconds are as good for a checkpoint.
        return change.ClusterTime is { } clusterTime
            ? DateTime.UnixEpoch.AddSeconds(clusterTime.Timestamp)
            : time.GetUtcNow().UtcDateTime;
    }

    /// <param name="token">The token to resume after.</param>
    /// <param name="eventTime">The time of the change the token stands for.</param>
    /// <param name="progress">The schedule to reset when this checkpoint is progress; null when it is not.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <param name="startAfter">Whether the token is an invalidate's.</param>
    /// <param name="orders">The traces of the changes this checkpoint makes durable: they end with it.</param>
    private async Task SaveAsync(BsonDocument token, DateTime eventTime, RetrySchedule? progress, CancellationToken cancellationToken, bool startAfter = false, IReadOnlyList<Activity>? orders = null)
    {
        orders ??= [];
        var saved = false;
        try
        {
            using (var span = OrderTracing.StartCheckpoint(orders))
            {
                if (await checkpoints.SaveAsync(token, eventTime, cancellationToken, startAfter))
                {
                    // Progress: the next failure starts its backoff from the beginning again.
                    progress?.Reset();
                }

                span?.SetTag("orbital.checkpoint.event_time", eventTime.ToString("O", CultureInfo.InvariantCulture));
            }

            saved = true;
        }
        finally
        {
            OrderTracing.EndOrders(orders, saved ? null : "the checkpoint could not be saved: read again when the stream starts over");
        }
    }

    private static string OperationName(ChangeStreamOperationType operation) => operation switch
    {
        ChangeStreamOperationType.Insert => "insert",
        ChangeStreamOperationType.Update => "update",
        ChangeStreamOperationType.Replace => "replace",
        ChangeStreamOperationType.Delete => "delete",
        _ => operation.ToString().ToLowerInvariant(),
    };

    private Task<IChangeStreamCursor<ChangeStreamDocument<BsonDocument>>> WatchAsync(StreamStart start, BsonTimestamp? startedAt, CancellationToken cancellationToken)
    {
        var pipeline = new BsonDocumentStagePipelineDefinition<ChangeStreamDocument<BsonDocument>, ChangeStreamDocument<BsonDocument>>([s_match]);
        var watchOptions = new ChangeStreamOptions
        {
            MaxAwaitTime = _options.MaxAwaitTime,
            BatchSize = 100,

            // An update's event carries the order as it is now; the kitchen needs the whole order, not the difference.
            FullDocument = ChangeStreamFullDocumentOption.UpdateLookup,
            // Just after that time: the change at it (the last one before the stream) is already in what a scan reads,
            // and a first start reads from now. A server takes one start option only, so not after an invalidation.
            StartAtOperationTime = startedAt is null || start is StreamStart.AfterInvalidate ? null : new BsonTimestamp(startedAt.Value + 1),
        };
        switch (start)
        {
            case StreamStart.Resume resume:
                watchOptions.ResumeAfter = resume.Token;
                break;
            case StreamStart.AfterInvalidate invalidated:
                watchOptions.StartAfter = invalidated.Token;
                break;
        }

        return _orders.WatchAsync(pipeline, watchOptions, cancellationToken);
    }

    private static string Describe(DateTime? since)
        => since is null ? "the beginning" : since.Value.ToString("O", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming the order stream after the change of {EventTime:O}")]
    private static partial void LogResuming(ILogger logger, DateTime? eventTime);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Document {DocumentId} was updated and then deleted; its deletion follows")]
    private static partial void LogUpdateOfDeleted(ILogger logger, string documentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting the order stream after its invalidation: reading the re-created collection")]
    private static partial void LogStartingAfterInvalidate(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for orders written from now on")]
    private static partial void LogStartedFromNow(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} orders the kitchen is working on have no document in '{Collection}' any more (e.g. {OrderIds}); they were left as they are: cancel them in the platform or check where their documents went")]
    private static partial void LogActiveWithoutDocument(ILogger logger, int count, string collection, string orderIds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Caught up: re-read {Scanned} documents ({Reason})")]
    private static partial void LogCaughtUp(ILogger logger, int scanned, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The orders collection '{Collection}' saw '{Operation}': its change stream will be invalidated")]
    private static partial void LogCollectionChanged(ILogger logger, string collection, string operation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The change stream on '{Collection}' was invalidated (the collection was dropped, renamed or restored); starting after the invalidation")]
    private static partial void LogInvalidated(ILogger logger, string collection);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rehearsed the first order with the kitchen (rolled back)")]
    private static partial void LogRehearsed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The rehearsal before the first order failed; the first order will take longer")]
    private static partial void LogRehearsalFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Document {ObjectId} was inserted {LagSeconds:0} s after its ObjectId was created, more than the catch-up margin of {MarginSeconds:0} s; catch-ups widen their window to twice the largest such delay")]
    private static partial void LogObjectIdLag(ILogger logger, string objectId, double lagSeconds, double marginSeconds);

    /// <summary>What a batch without changes does with its post-batch token.</summary>
    private enum QuietBatch
    {
        /// <summary>Nothing: the caller checkpoints the stream's start itself, with the time it opened.</summary>
        Skip,

        /// <summary>Checkpoint it now and then, without counting it as progress (a resumed stream's first batch).</summary>
        Checkpoint,

        /// <summary>Checkpoint it now and then, as progress: a getMore answered, so the stream works.</summary>
        Progress,
    }
}

/// <summary>How a change stream ended.</summary>
public enum StreamEnd
{
    /// <summary>The server closed it without a reason (it should not): the listener treats it as a failure.</summary>
    Closed,

    /// <summary>The collection was dropped, renamed or its database dropped: the next stream starts after the invalidate.</summary>
    Invalidated,
}
