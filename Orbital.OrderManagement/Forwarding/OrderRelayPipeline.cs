using System.Diagnostics;
using Orbital.Contracts.Validation;
using Orbital.OrderManagement.Checkpoints;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Mapping;

namespace Orbital.OrderManagement.Forwarding;

/// <summary>
/// Moves changes to the kitchen many at a time: up to <see cref="RelayOptions.Window"/> changes are on their
/// way at once, sent in <c>SubmitOrders</c> batches (up to <see cref="RelayOptions.BatchesInFlight"/> calls
/// under way), and the changes of one document never travel in two calls at once, so the kitchen applies them in the
/// order they happened. Batches form by themselves: while every call is under way, changes gather for the next one.
/// What may be checkpointed is the newest position whose change, and every change before it, the kitchen has
/// acknowledged or refused (<see cref="TakeDealtWith"/>): acknowledgements that come out of order never move it
/// past a change still on its way.
/// </summary>
/// <remarks>One per stream; the reader adds changes and takes positions from one task, the calls complete on others.</remarks>
public sealed partial class OrderRelayPipeline : IAsyncDisposable
{
    // Room left in a request for the batch's own framing.
    private const int BatchBytes = OrderLimits.MaxBatchBytes - 4_096;

    private readonly KitchenOrderForwarder _forwarder;
    private readonly OrderRelay _relay;
    private readonly OrderListenerStatus _status;
    private readonly ILogger _logger;
    private readonly int _batchSize;
    private readonly int _batchesMax;
    private readonly SemaphoreSlim _window;
    private readonly CancellationTokenSource _stop;
    private readonly Lock _gate = new();
    private readonly LinkedList<Entry> _pending = [];
    private readonly Queue<Entry> _sequence = new();
    private readonly HashSet<string> _travelling = new(StringComparer.Ordinal);
    private readonly List<Activity> _awaitingCheckpoint = [];
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _batchesUnderWay;
    private Exception? _failure;

    public OrderRelayPipeline(
        KitchenOrderForwarder forwarder,
        OrderRelay relay,
        RelayOptions options,
        OrderListenerStatus status,
        ILogger logger,
        CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(options);
        _forwarder = forwarder;
        _relay = relay;
        _status = status;
        _logger = logger;
        _batchSize = options.BatchSize;
        _batchesMax = options.BatchesInFlight;
        _window = new SemaphoreSlim(options.Window, options.Window);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    /// <summary>
    /// Sends its batches as rehearsals (<see cref="KitchenOrderForwarder.RehearseBatchAsync"/>): the kitchen rolls them
    /// back. A rehearsal is never held, retried, sent one at a time or recorded as rejected: what fails, fails.
    /// </summary>
    public bool Rehearsal { get; init; }

    /// <summary>Whether nothing is on its way: every change added so far is dealt with.</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count == 0 && _batchesUnderWay == 0;
            }
        }
    }

    /// <summary>
    /// Whether every change added so far was dealt with and taken by <see cref="TakeDealtWith"/>, and nothing failed:
    /// only then may a position after all of them (a quiet stream's post-batch token) be saved.
    /// </summary>
    public bool IsSettled
    {
        get
        {
            lock (_gate)
            {
                return _failure is null && _pending.Count == 0 && _batchesUnderWay == 0 && _sequence.Count == 0;
            }
        }
    }

    /// <summary>Completes when a call under way next ends (its changes are dealt with, or it failed).</summary>
    public Task Progress
    {
        get
        {
            lock (_gate)
            {
                return _progress.Task;
            }
        }
    }

    /// <summary>
    /// Adds a change; it is sent with the next batch that has room. Waits while the window is full; a document that
    /// cannot be an order is recorded as rejected right away, in its turn.
    /// </summary>
    /// <param name="change">The change, prepared.</param>
    /// <param name="position">Its position in the stream; null for a document a scan read.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task AddAsync(PreparedChange change, ChangePosition? position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ThrowIfFailed();
        if (change.Item is null)
        {
            using (OrderTracing.StartStep("reject", change.Trace))
            {
                await _relay.RejectAsync(change, change.Reasons!, "document", cancellationToken);
            }

            Pass(position, change.Trace);
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        try
        {
            await _window.WaitAsync(linked.Token);
            ThrowIfFailed();
        }
        catch (Exception) when (change.Trace is not null)
        {
            OrderTracing.EndOrders([change.Trace], "not sent: the stream stopped first; read again when it starts over");
            throw;
        }

        lock (_gate)
        {
            var entry = new Entry(change, position, change.Trace);
            _sequence.Enqueue(entry);
            _pending.AddLast(entry);
            Dispatch();
        }
    }

    /// <summary>A change that needs nothing from the kitchen (an update of other fields, a collection event), in its turn.</summary>
    /// <param name="position">Its position in the stream.</param>
    /// <param name="trace">Its trace, if it has one: ended when it is checkpointed.</param>
    public void Pass(ChangePosition? position, Activity? trace = null)
    {
        lock (_gate)
        {
            _sequence.Enqueue(new Entry(null, position, trace) { Done = true });
        }
    }

    /// <summary>
    /// The traces of the changes <see cref="TakeDealtWith"/> returned so far: the next checkpoint saved makes them
    /// durable.
    /// </summary>
    public List<Activity> TakeTraces()
    {
        lock (_gate)
        {
            var traces = _awaitingCheckpoint.ToList();
            _awaitingCheckpoint.Clear();
            return traces;
        }
    }

    /// <summary>
    /// The newest position whose change, and every change before it, is dealt with, and how many changes that is
    /// since the last call; null when there is no newer one.
    /// </summary>
    public (ChangePosition Position, int Changes)? TakeDealtWith()
    {
        lock (_gate)
        {
            ChangePosition? newest = null;
            var count = 0;
            while (_sequence.TryPeek(out var entry) && entry.Done)
            {
                _sequence.Dequeue();
                count++;
                if (entry.Trace is { } trace)
                {
                    _awaitingCheckpoint.Add(trace);
                }

                newest = entry.Position ?? newest;
            }

            return newest is null ? null : (newest, count);
        }
    }

    /// <summary>Waits until every change added so far is dealt with.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_failure is not null || (_pending.Count == 0 && _batchesUnderWay == 0))
                {
                    break;
                }

                progress = _progress.Task;
            }

            await progress.WaitAsync(cancellationToken);
        }

        ThrowIfFailed();
    }

    /// <summary>Throws what failed a call, if anything did: the stream stops, and starts again from its checkpoint.</summary>
    public void ThrowIfFailed()
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
            }
        }
    }

    /// <summary>Stops every call under way and waits for them to end; what they did not finish is sent again from the checkpoint.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        while (true)
        {
            Task progress;
            lock (_gate)
            {
                if (_batchesUnderWay == 0)
                {
                    break;
                }

                progress = _progress.Task;
            }

            await progress;
        }

        // What was not checkpointed is read again when the stream starts over: its traces end here, saying so.
        OrderTracing.EndOrders(
            [.. _awaitingCheckpoint, .. _sequence.Select(e => e.Trace).OfType<Activity>()],
            Rehearsal ? "rehearsal: the kitchen did not take it (nothing is sent again)" : "not checkpointed: read again when the stream starts over");
        _stop.Dispose();
        _window.Dispose();
    }

    /// <summary>Starts as many calls as there is room for; under the gate.</summary>
    private void Dispatch()
    {
        while (_batchesUnderWay < _batchesMax && _failure is null)
        {
            var batch = Take();
            if (batch.Count == 0)
            {
                return;
            }

            _batchesUnderWay++;
            foreach (var entry in batch)
            {
                _travelling.Add(entry.Change!.DocumentKey);
            }

            _ = Task.Run(() => SendAsync(batch));
        }
    }

    /// <summary>
    /// The next batch: pending changes in order, up to the batch size and the message limit, leaving behind every
    /// change of a document that is already travelling (and the ones after it), so a document's changes stay in order.
    /// </summary>
    private List<Entry> Take()
    {
        var batch = new List<Entry>();
        var bytes = 0;
        var held = new HashSet<string>(StringComparer.Ordinal);
        for (var node = _pending.First; node is not null && batch.Count < _batchSize;)
        {
            var next = node.Next;
            var change = node.Value.Change!;
            if (_travelling.Contains(change.DocumentKey) || held.Contains(change.DocumentKey))
            {
                held.Add(change.DocumentKey);
                node = next;
                continue;
            }

            var size = change.Item!.CalculateSize() + 16;
            if (batch.Count > 0 && bytes + size > BatchBytes)
            {
                break;
            }

            batch.Add(node.Value);
            bytes += size;
            _pending.Remove(node);
            node = next;
        }

        return batch;
    }

    private async Task SendAsync(List<Entry> batch)
    {
        // A call's spans belong to its own changes' traces, never to the call whose end dispatched it.
        Activity.Current = null;
        Exception? failure = null;
        try
        {
            await ForwardAsync([.. batch.Select(e => e.Change!)]);
            _status.Read();
        }
        catch (Exception ex) when (_stop.IsCancellationRequested)
        {
            failure = ex is OperationCanceledException ? null : ex;
        }
        catch (Exception ex)
        {
            if (!Rehearsal)
            {
                LogCallFailed(_logger, ex, batch.Count);
            }

            failure = ex;
        }

        Finish(batch, failure);
    }

    private async Task ForwardAsync(List<PreparedChange> changes)
    {
        using var forward = OrderTracing.StartForward(changes);
        IReadOnlyList<Contracts.Orders.OrderBatchItemResult>? results;
        try
        {
            if (Rehearsal)
            {
                await _forwarder.RehearseBatchAsync(changes, _stop.Token);
                return;
            }

            results = await _forwarder.SendBatchAsync(changes, _stop.Token);
        }
        catch (Exception ex)
        {
            forward.Failed(ex);
            throw;
        }

        if (results is null)
        {
            // The kitchen failed the call for a reason of its own: one at a time, so that only the change it
            // cannot take is held (visibly, by name) and the others go on; each in its own trace.
            foreach (var change in changes)
            {
                using var alone = OrderTracing.StartStep("forward alone", change.Trace);
                await _relay.RelayAsync(change, _stop.Token);
            }
        }
        else
        {
            for (var i = 0; i < results.Count; i++)
            {
                if (results[i].Invalid.Count > 0)
                {
                    using var reject = OrderTracing.StartStep("reject", changes[i].Trace);
                    await _relay.RejectAsync(changes[i], [.. results[i].Invalid.Select(v => $"{v.Field} {v.Description}")], "kitchen", _stop.Token);
                }
            }
        }
    }

    private void Finish(List<Entry> batch, Exception? failure)
    {
        lock (_gate)
        {
            _batchesUnderWay--;
            foreach (var entry in batch)
            {
                entry.Done = failure is null && !_stop.IsCancellationRequested;
                _travelling.Remove(entry.Change!.DocumentKey);
            }

            _failure ??= failure;
            _window.Release(batch.Count);
            Dispatch();
            _progress.TrySetResult();
            _progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} changes could not be dealt with; the stream starts again from its checkpoint")]
    private static partial void LogCallFailed(ILogger logger, Exception exception, int count);

    /// <summary>One change in the sequence: what is sent (none for a change that needs nothing), and where it stands.</summary>
    private sealed class Entry(PreparedChange? change, ChangePosition? position, Activity? trace)
    {
        public PreparedChange? Change { get; } = change;

        public ChangePosition? Position { get; } = position;

        public Activity? Trace { get; } = trace;

        public bool Done { get; set; }
    }
}
