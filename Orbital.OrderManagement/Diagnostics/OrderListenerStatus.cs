namespace Orbital.OrderManagement.Diagnostics;

/// <summary>
/// What the order path is doing right now, for the health check and the metrics: the listener's state towards
/// MongoDB, how it started, the order it holds (if any), and the last recovery. Each part is replaced atomically.
/// </summary>
public sealed class OrderListenerStatus(TimeProvider time)
{
    private volatile ListenerSnapshot _listener = new(ListenerState.Starting, "The listener has not started yet.", time.GetUtcNow(), null);
    private volatile HeldOrder? _held;
    private volatile RecoveryRecord? _lastRecovery;
    private volatile string? _start;
    private volatile string? _kitchenFallback;
    private volatile string? _kitchenFallbackCall;
    private volatile string? _unrecordedRejection;
    private long _unrecordedRejections;
    private long _lastCheckpointTicks;
    private long _lastReadTicks;
    private long _largestObjectIdLagTicks;

    public ListenerSnapshot Listener => _listener;

    /// <summary>The order the flow waits on, and why; null while orders flow.</summary>
    public HeldOrder? Held => _held;

    public RecoveryRecord? LastRecovery => _lastRecovery;

    /// <summary>How the listener found its starting point when it last opened a stream without a usable checkpoint.</summary>
    public string? Start => _start;

    /// <summary>
    /// What the listener did without an answer the kitchen could not give (an older kitchen lacks a call), until the
    /// kitchen answers that call again; null while the kitchen answers everything.
    /// </summary>
    public string? KitchenFallback => _kitchenFallback;

    /// <summary>How many rejected documents could not be recorded in MongoDB (they were logged and skipped), and the last one.</summary>
    public (long Count, string? Last) UnrecordedRejections => (Interlocked.Read(ref _unrecordedRejections), _unrecordedRejection);

    public DateTimeOffset? LastCheckpointAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastCheckpointTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>When the stream last answered or an order was last dealt with: how a stalled stream is noticed.</summary>
    public DateTimeOffset? LastReadAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastReadTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>The longest time seen between an ObjectId's creation and the insert of its document.</summary>
    public TimeSpan LargestObjectIdLag => TimeSpan.FromTicks(Interlocked.Read(ref _largestObjectIdLagTicks));

    public void NotConfigured(string detail) => Set(ListenerState.NotConfigured, detail);

    public void Listening(string detail)
    {
        Read();
        Set(ListenerState.Listening, detail);
    }

    public void WaitingForMongoDB(string error, TimeSpan retryIn)
        => Set(ListenerState.WaitingForMongoDB, $"Waiting for MongoDB: {error} Next attempt in {retryIn.TotalSeconds:0.#} s.", retryIn);

    public void Misconfigured(string reason, TimeSpan retryIn)
        => Set(ListenerState.Misconfigured, $"MongoDB cannot serve the order listener: {reason}. No orders are read until this is fixed; next attempt in {retryIn.TotalSeconds:0.#} s.", retryIn);

    public void DecidingStart(string detail) => Set(ListenerState.DecidingStart, detail);

    public void CatchingUp(string detail) => Set(ListenerState.CatchingUp, detail);

    /// <summary>Another instance holds the listener's lease: this one reads nothing, holds nothing, and is ready to take over.</summary>
    public void Standby(string detail)
    {
        _held = null;
        Set(ListenerState.Standby, detail);
    }

    public void Started(string detail) => _start = detail;

    public void Recovered(RecoveryRecord record) => _lastRecovery = record;

    /// <summary>The kitchen lacks <paramref name="call"/>; the listener did <paramref name="detail"/> instead.</summary>
    public void KitchenFallBack(string call, string detail)
    {
        _kitchenFallbackCall = call;
        _kitchenFallback = detail;
    }

    /// <summary>The kitchen answered <paramref name="call"/>: a fallback taken for it no longer applies.</summary>
    public void KitchenAnswered(string call)
    {
        if (_kitchenFallbackCall == call)
        {
            _kitchenFallback = null;
            _kitchenFallbackCall = null;
        }
    }

    /// <summary>A rejected document could not be recorded (it was logged and skipped).</summary>
    public void RejectionNotRecorded(string detail)
    {
        _unrecordedRejection = detail;
        Interlocked.Increment(ref _unrecordedRejections);
    }

    public void Checkpointed() => Interlocked.Exchange(ref _lastCheckpointTicks, time.GetUtcNow().UtcTicks);

    /// <summary>The stream answered, or an order was dealt with.</summary>
    public void Read() => Interlocked.Exchange(ref _lastReadTicks, time.GetUtcNow().UtcTicks);

    public void ObjectIdLagObserved(TimeSpan lag)
    {
        var ticks = lag.Ticks;
        var current = Interlocked.Read(ref _largestObjectIdLagTicks);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref _largestObjectIdLagTicks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>
    /// The flow waits on one order; <paramref name="attempts"/> failed so far. Holding the same order again keeps
    /// the time it was first held.
    /// </summary>
    public void Hold(string orderId, string? sourceId, HoldReason reason, string detail, int attempts, TimeSpan retryIn)
    {
        var now = time.GetUtcNow();
        var since = _held is { } earlier && earlier.OrderId == orderId ? earlier.Since : now;
        _held = new HeldOrder(orderId, sourceId, reason, detail, since, attempts, now + retryIn);
    }

    /// <summary>The held order was dealt with: orders flow again.</summary>
    public void Release() => _held = null;

    private void Set(ListenerState state, string detail, TimeSpan? retryIn = null)
    {
        var now = time.GetUtcNow();
        _listener = new ListenerSnapshot(state, detail, now, now + retryIn);
    }
}

/// <summary>Where the listener stands towards MongoDB.</summary>
public enum ListenerState
{
    Starting,
    NotConfigured,
    DecidingStart,
    Listening,
    WaitingForMongoDB,
    Misconfigured,
    CatchingUp,
    Standby,
}

/// <summary>Why an order is held.</summary>
public enum HoldReason
{
    /// <summary>The kitchen is unavailable or slow (<c>UNAVAILABLE</c>, <c>DEADLINE_EXCEEDED</c>): expected during restarts.</summary>
    KitchenUnavailable,

    /// <summary>The kitchen failed the call in an unplanned way (<c>UNKNOWN</c>, <c>INTERNAL</c>, ...).</summary>
    KitchenFailed,

    /// <summary>The order service failed to deal with the document in an unplanned way.</summary>
    RelayFailed,
}

/// <summary>The listener's state, what it means, since when, and when it tries again (while it waits).</summary>
public sealed record ListenerSnapshot(ListenerState State, string Detail, DateTimeOffset Since, DateTimeOffset? NextAttemptAt);

/// <summary>An order the flow waits on: which, why, since when, how many attempts failed, and when the next one is.</summary>
public sealed record HeldOrder(string OrderId, string? SourceId, HoldReason Reason, string Detail, DateTimeOffset Since, int Attempts, DateTimeOffset NextAttemptAt);

/// <summary>The last recovery: when, what was lost, and how many documents the catch-up re-read.</summary>
public sealed record RecoveryRecord(DateTimeOffset At, string Reason, int DocumentsScanned);
