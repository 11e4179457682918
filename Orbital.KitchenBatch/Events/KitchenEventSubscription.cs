using System.Threading.Channels;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Events;

/// <summary>
/// One screen's live feed: a bounded buffer of events for its station. When the buffer is full the screen is
/// too slow: the subscription is closed and <c>onOverflow</c> cuts its connection, so the kitchen never waits.
/// </summary>
public sealed class KitchenEventSubscription : IDisposable
{
    private readonly Channel<KitchenEvent> _buffer;
    private readonly Action _onOverflow;
    private readonly Action<KitchenEventSubscription> _unsubscribe;
    private int _closed;

    internal KitchenEventSubscription(string? station, int capacity, Action onOverflow, Action<KitchenEventSubscription> unsubscribe)
    {
        Station = station;
        _onOverflow = onOverflow;
        _unsubscribe = unsubscribe;
        _buffer = Channel.CreateBounded<KitchenEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The station this screen shows; null for all of them.</summary>
    public string? Station { get; }

    /// <summary>The screen's events; an event of type <see cref="KitchenEventTypes.Reset"/> says to start over at its id.</summary>
    public ChannelReader<KitchenEvent> Events => _buffer.Reader;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _buffer.Writer.TryComplete();
        }

        _unsubscribe(this);
    }

    /// <summary>Hands an event to the screen without ever waiting; a full buffer cuts the screen off.</summary>
    /// <returns>True when this event found the buffer full and the screen was cut off.</returns>
    internal bool Offer(KitchenEvent kitchenEvent)
    {
        if (Station is not null && kitchenEvent.Station is not null && kitchenEvent.Station != Station)
        {
            return false;
        }

        return Write(kitchenEvent);
    }

    /// <summary>The events table went back to <paramref name="lastEventId"/>: the screen must reload and follow from there.</summary>
    /// <returns>True when the buffer was full and the screen was cut off instead (it reconnects and is reset then).</returns>
    internal bool Reset(long lastEventId) => Write(new KitchenEvent { Id = lastEventId, Type = KitchenEventTypes.Reset, Payload = string.Empty });

    private bool Write(KitchenEvent kitchenEvent)
    {
        if (_buffer.Writer.TryWrite(kitchenEvent) || Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return false;
        }

        _buffer.Writer.TryComplete(new SubscriberTooSlowException(_buffer.Reader.Count));
        _onOverflow();
        return true;
    }
}

/// <summary>A screen's buffer overflowed: it reconnects and replays what it missed.</summary>
public sealed class SubscriberTooSlowException(int buffered)
    : Exception($"The subscriber fell {buffered} events behind and was disconnected; it should reconnect with Last-Event-ID.");
