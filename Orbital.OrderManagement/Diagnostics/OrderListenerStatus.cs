namespace Orbital.OrderManagement.Diagnostics;

/// <summary>
/// What the order path is doing right now, for the health check: the listener's state towards MongoDB, and
/// whether the forwarder is holding an order for an unavailable kitchen. Both are replaced atomically.
/// </summary>
public sealed class OrderListenerStatus(TimeProvider time)
{
    private volatile ListenerSnapshot _listener = new(ListenerState.Starting, "The listener has not started yet.", time.GetUtcNow());
    private volatile KitchenWait? _kitchenWait;
    private volatile RecoveryRecord? _lastRecovery;
    private long _lastCheckpointTicks;

    public ListenerSnapshot Listener => _listener;

    public KitchenWait? KitchenWaiting => _kitchenWait;

    public RecoveryRecord? LastRecovery => _lastRecovery;

    public DateTimeOffset? LastCheckpointAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastCheckpointTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public void NotConfigured(string detail) => Set(ListenerState.NotConfigured, detail);

    public void Listening(string detail) => Set(ListenerState.Listening, detail);

    public void WaitingForMongoDB(string error, TimeSpan retryIn)
        => Set(ListenerState.WaitingForMongoDB, $"Waiting for MongoDB: {error} Next attempt in {retryIn.TotalSeconds:0.#} s.");

    public void CatchingUp(string detail) => Set(ListenerState.CatchingUp, detail);

    public void Recovered(RecoveryRecord record) => _lastRecovery = record;

    public void Checkpointed() => Interlocked.Exchange(ref _lastCheckpointTicks, time.GetUtcNow().UtcTicks);

    public void WaitingForKitchen(string orderId, string status, TimeSpan retryIn)
        => _kitchenWait = new KitchenWait(orderId, status, time.GetUtcNow() + retryIn);

    public void KitchenAnswered() => _kitchenWait = null;

    private void Set(ListenerState state, string detail) => _listener = new ListenerSnapshot(state, detail, time.GetUtcNow());
}

/// <summary>Where the listener stands towards MongoDB.</summary>
public enum ListenerState
{
    Starting,
    NotConfigured,
    Listening,
    WaitingForMongoDB,
    CatchingUp,
}

/// <summary>The listener's state, what it means, and since when.</summary>
public sealed record ListenerSnapshot(ListenerState State, string Detail, DateTimeOffset Since);

/// <summary>An order held back because the kitchen did not acknowledge it, and when it is tried again.</summary>
public sealed record KitchenWait(string OrderId, string Status, DateTimeOffset NextAttemptAt);

/// <summary>The last recovery from lost change history: when, why, and how many orders the catch-up re-read.</summary>
public sealed record RecoveryRecord(DateTimeOffset At, string Reason, int OrdersScanned);
