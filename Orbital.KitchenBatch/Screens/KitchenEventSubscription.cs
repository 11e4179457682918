using System.Threading.Channels;

namespace Orbital.KitchenBatch.Screens;

/// <summary>
/// One screen's live feed: the bursts of events for its station, in order. When more than the buffer's capacity of
/// events wait for the screen, it is too slow: the subscription is closed and <c>onOverflow</c> cuts its connection,
/// so the kitchen never waits.
/// </summary>
public sealed class KitchenEventSubscription : IDisposable
{
    // Written by the dispatcher and by the heartbeat timer.
    private readonly Channel<ScreenDelivery> _buffer = Channel.CreateUnbounded<ScreenDelivery>(new UnboundedChannelOptions
    {
        SingleReader = true,
    });

    private readonly int _capacity;
    private readonly Action _onOverflow;
    private readonly Action<KitchenEventSubscription> _unsubscribe;
    private int _waiting;
    private int _handedSinceTick;
    private int _heartbeatWaiting;
    private int _closed;

    internal KitchenEventSubscription(string? station, int capacity, Action onOverflow, Action<KitchenEventSubscription> unsubscribe)
    {
        Station = station;
        _capacity = capacity;
        _onOverflow = onOverflow;
        _unsubscribe = unsubscribe;
    }

    /// <summary>The station this screen shows; null for all of them.</summary>
    public string? Station { get; }

    private long _replayedThrough;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _buffer.Writer.TryComplete();
        }

        _unsubscribe(this);
    }

    /// <summary>Waits for the next delivery.</summary>
    /// <exception cref="ChannelClosedException">The subscription ended.</exception>
    /// <exception cref="SubscriberTooSlowException">The screen fell too far behind and was cut off.</exception>
    public async ValueTask<ScreenDelivery> TakeAsync(CancellationToken cancellationToken)
    {
        var delivery = await _buffer.Reader.ReadAsync(cancellationToken);
        Taken(delivery);
        return delivery;
    }

    /// <summary>Hands a burst to the screen without ever waiting; too many events waiting cuts the screen off.</summary>
    /// <returns>True when the screen was cut off by this burst.</returns>
    /// <summary>
    /// The newest event the screen was sent from the table (its replay): it may be ahead of what the dispatcher has
    /// dispatched, and a table that goes back below it must reset this screen too.
    /// </summary>
    public long ReplayedThrough
    {
        get => Volatile.Read(ref _replayedThrough);
        set => Volatile.Write(ref _replayedThrough, value);
    }

    internal bool Offer(EventBurst burst) => Write(new ScreenDelivery(burst, ResetTo: null));

    /// <summary>The events table went back to <paramref name="lastEventId"/>: the screen must reload and follow from there.</summary>
    /// <returns>True when the screen was cut off instead (it reconnects and is reset then).</returns>
    internal bool Reset(long lastEventId) => Write(new ScreenDelivery(Burst: null, lastEventId));

    /// <summary>
    /// Hands the screen a heartbeat if it was handed nothing since the last call and has nothing waiting (a screen
    /// that is not reading, or is still replaying, gets no pile of heartbeats).
    /// </summary>
    internal void HeartbeatIfQuiet()
    {
        if (Interlocked.Exchange(ref _handedSinceTick, 0) == 0 && Volatile.Read(ref _waiting) == 0
            && Interlocked.CompareExchange(ref _heartbeatWaiting, 1, 0) == 0)
        {
            _buffer.Writer.TryWrite(ScreenDelivery.Heartbeat);
        }
    }

    private void Taken(ScreenDelivery delivery)
    {
        if (delivery.IsHeartbeat)
        {
            Volatile.Write(ref _heartbeatWaiting, 0);
        }
        else
        {
            Interlocked.Add(ref _waiting, -delivery.Count);
        }
    }

    private bool Write(ScreenDelivery delivery)
    {
        Volatile.Write(ref _handedSinceTick, 1);

        // A screen that took everything before is never cut off, however large the burst: only a backlog counts.
        var waitingBefore = Interlocked.Add(ref _waiting, delivery.Count) - delivery.Count;
        if ((waitingBefore == 0 || waitingBefore + delivery.Count <= _capacity) && _buffer.Writer.TryWrite(delivery))
        {
            return false;
        }

        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return false;
        }

        _buffer.Writer.TryComplete(new SubscriberTooSlowException(waitingBefore));
        _onOverflow();
        return true;
    }
}

/// <summary>What a screen is handed: a burst of events, a reset to an event id, or (neither) a heartbeat.</summary>
public readonly record struct ScreenDelivery(EventBurst? Burst, long? ResetTo)
{
    public static ScreenDelivery Heartbeat => default;

    public bool IsHeartbeat => Burst is null && ResetTo is null;

    /// <summary>How many events it counts for in the screen's buffer.</summary>
    public int Count => Burst?.Events.Count ?? (ResetTo is null ? 0 : 1);
}

/// <summary>A screen's buffer overflowed: it reconnects and replays what it missed.</summary>
public sealed class SubscriberTooSlowException(int buffered)
    : Exception($"The subscriber fell {buffered} events behind and was disconnected; it should reconnect with Last-Event-ID.");
