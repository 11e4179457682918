using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Screens;

/// <summary>
/// Fans kitchen events out to the connected screens. It reads new events from the table in id order (woken by
/// this process's commits, and polling for other instances'), and offers each to every subscription without
/// waiting on any of them.
/// </summary>
public sealed partial class KitchenEventDispatcher(
    KitchenEventReader reader,
    KitchenEventSignal signal,
    KitchenEventNotifications notifications,
    KitchenSchemaState schema,
    IOptions<KitchenEventOptions> options,
    KitchenTelemetry telemetry,
    TimeProvider time,
    ILogger<KitchenEventDispatcher> logger) : BackgroundService, ISchemaReadyListener
{
    private readonly ConcurrentDictionary<KitchenEventSubscription, byte> _subscriptions = new();
    private readonly KitchenEventOptions _options = options.Value;
    private long _dispatched = -1;
    private long _startedAfter = -1;

    /// <summary>How many screens are connected.</summary>
    public int Subscribers => _subscriptions.Count;

    /// <summary>
    /// The last event id when the schema became ready (<see cref="StartAfter"/>); null before. A screen that connected
    /// while the kitchen started has seen nothing after it.
    /// </summary>
    public long? StartedAfter => Interlocked.Read(ref _startedAfter) is var id and >= 0 ? id : null;

    /// <summary>
    /// Sets where dispatch starts: the last event id when the schema became ready, before any screen can connect
    /// or any order be taken. Starting later would skip events committed in between for screens already waiting.
    /// </summary>
    public void StartAfter(long lastEventId)
    {
        Interlocked.CompareExchange(ref _startedAfter, lastEventId, -1);
        Interlocked.CompareExchange(ref _dispatched, lastEventId, -1);

        // Dispatch may be asleep for a listening poll interval; what commits from now on is read without waiting for it.
        signal.Pulse();
    }

    /// <summary>
    /// Starts dispatch after the newest event there is when the schema becomes ready. Made-up events are formatted
    /// first, so that the first order's way to the screens does not pay for compiling the formatting.
    /// </summary>
    async Task ISchemaReadyListener.OnSchemaReadyAsync(KitchenDbContext db, CancellationToken cancellationToken)
    {
        const string Station = "Orbital rehearsal";
        var now = time.GetUtcNow();
        _ = EventBurst.Of(
            [
                new KitchenEvent { Id = 1, Type = KitchenEventTypes.OrderReceived, Payload = """{"orderId": "orbital-rehearsal"}""", OccurredAt = now },
                new KitchenEvent { Id = 2, Type = KitchenEventTypes.BatchUpdated, Station = Station, Payload = """{"id": 0}""", OccurredAt = now },
            ],
            Station);
        StartAfter(await db.Events.LastIdAsync(cancellationToken));
    }

    /// <summary>Starts a live feed for one screen; dispose it when the screen goes away.</summary>
    /// <param name="station">The station the screen shows, or null for every event.</param>
    /// <param name="onOverflow">Cuts the screen's connection when it falls too far behind.</param>
    public KitchenEventSubscription Subscribe(string? station, Action onOverflow)
    {
        var subscription = new KitchenEventSubscription(station, _options.SubscriberBufferCapacity, onOverflow, Unsubscribe);
        _subscriptions[subscription] = 0;
        telemetry.ScreenConnected();
        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dispatching = DispatchAsync(stoppingToken);
        var heartbeats = HeartbeatAsync(stoppingToken);

        // Either loop failing fails the service at once, rather than when the other one ends.
        await await Task.WhenAny(dispatching, heartbeats);
        await Task.WhenAll(dispatching, heartbeats);
    }

    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        long? lastDispatch = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before reading, so a commit during the read is not missed.
            var next = signal.Next;
            var more = false;
            try
            {
                var dispatched = Interlocked.Read(ref _dispatched);
                if (schema.IsReady && dispatched >= 0)
                {
                    var page = await reader.ReadAfterAsync(dispatched, station: null, _options.PageSize, stoppingToken);
                    var events = page.Events;
                    if (!page.Complete)
                    {
                        // Dispatch fell behind pruning: what it did not read is gone, and every screen must reset.
                        await ResetAllAsync(dispatched, "dispatch fell behind the pruning of events", stoppingToken);
                        continue;
                    }

                    if (events.Count > 0)
                    {
                        Dispatch(events);
                        lastDispatch = time.GetTimestamp();
                    }

                    more = events.Count == _options.PageSize;
                    if (events.Count == 0)
                    {
                        await ResetIfTableWentBackAsync(dispatched, stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogDispatchFailed(logger, ex);
            }

            if (!more)
            {
                // Commits announce themselves while the notification connection listens; the short poll is for when it
                // does not, and for the start, until the schema is ready and dispatch has a place to start from.
                var poll = notifications.IsListening && schema.IsReady && Interlocked.Read(ref _dispatched) >= 0
                    ? _options.ListeningPollInterval
                    : _options.PollInterval;
                await Task.WhenAny(next, Task.Delay(poll, time, stoppingToken));
            }

            // Commits close together go out together: the first after a quiet while at once, then at most one
            // dispatch (one write per screen) every DispatchInterval (longer with more screens than the write budget
            // allows at that pace), however many transactions commit meanwhile. A long catch-up goes out a page per
            // interval too, so that screens take each page before the next.
            if (lastDispatch is { } last && _options.DispatchIntervalFor(_subscriptions.Count) - time.GetElapsedTime(last) is { Ticks: > 0 } wait)
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// One timer for every screen, rather than one per screen armed at every wait: every third of the interval, a
    /// screen that was handed nothing since the last tick gets a heartbeat, so none stays silent for two thirds of the
    /// interval and more (the margin is for a busy machine).
    /// </summary>
    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(_options.HeartbeatInterval / 3, time);
        try
        {
            while (await ticks.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var subscription in _subscriptions.Keys)
                {
                    subscription.HeartbeatIfQuiet();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The kitchen stops.
        }
    }

    private void Dispatch(List<KitchenEvent> events)
    {
        using var activity = KitchenTelemetry.StartDispatch(events, _subscriptions.Count);

        // Formatted once per station shown, not once per screen: each screen is handed one burst.
        var bursts = new Dictionary<string, EventBurst?>(StringComparer.Ordinal);
        var everything = new Lazy<EventBurst?>(() => EventBurst.Of(events, station: null), LazyThreadSafetyMode.None);
        var cutOff = 0;
        foreach (var subscription in _subscriptions.Keys)
        {
            EventBurst? burst;
            if (subscription.Station is not { } station)
            {
                burst = everything.Value;
            }
            else if (!bursts.TryGetValue(station, out burst))
            {
                burst = bursts[station] = EventBurst.Of(events, station);
            }

            if (burst is not null && subscription.Offer(burst))
            {
                cutOff++;
                telemetry.ScreenCutOff();
                LogSubscriberTooSlow(logger, subscription.Station ?? "(all)", _options.SubscriberBufferCapacity, burst.LastId);
            }
        }

        Interlocked.Exchange(ref _dispatched, events[^1].Id);
        telemetry.Dispatched(events.Count);
        activity?.SetTag("orbital.screens.cut_off", cutOff);
    }

    private void Unsubscribe(KitchenEventSubscription subscription)
    {
        if (_subscriptions.TryRemove(subscription, out _))
        {
            telemetry.ScreenDisconnected();
        }
    }

    /// <summary>
    /// A restored or recreated kitchen database has fewer events than were dispatched: without this, no event would
    /// reach a screen again until the ids caught up. Dispatch goes back to the table's newest event, and every
    /// screen is told to reset (reload its snapshot) there.
    /// </summary>
    private async Task ResetIfTableWentBackAsync(long dispatched, CancellationToken cancellationToken)
    {
        var newest = await reader.LastIdAsync(cancellationToken);
        if (newest < dispatched)
        {
            await ResetAllAsync(dispatched, "the events went back (a restored or recreated database)", cancellationToken);
            return;
        }

        // A screen whose replay read further than dispatch had got when the table went back is reset on its own.
        foreach (var subscription in _subscriptions.Keys.Where(s => s.ReplayedThrough > newest))
        {
            subscription.ReplayedThrough = newest;
            subscription.Reset(newest);
        }
    }

    /// <summary>Moves dispatch to the table's newest event and tells every screen to reset there.</summary>
    private async Task ResetAllAsync(long dispatched, string reason, CancellationToken cancellationToken)
    {
        var newest = await reader.LastIdAsync(cancellationToken);
        if (Interlocked.CompareExchange(ref _dispatched, newest, dispatched) != dispatched)
        {
            return;
        }

        LogEventsWentBack(logger, reason, dispatched, newest, _subscriptions.Count);
        foreach (var subscription in _subscriptions.Keys)
        {
            subscription.Reset(newest);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Screens must reset: {Reason} (dispatched up to {Dispatched}, newest {Newest}); {Screens} screens are told to")]
    private static partial void LogEventsWentBack(ILogger logger, string reason, long dispatched, long newest, int screens);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A screen for station {Station} fell {Capacity} events behind at event {EventId} and was disconnected; it will reconnect and replay")]
    private static partial void LogSubscriberTooSlow(ILogger logger, string station, int capacity, long eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kitchen events could not be read for the screens; retrying")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);
}
