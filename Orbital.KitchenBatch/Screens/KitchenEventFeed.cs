using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Screens;

/// <summary>
/// What one screen receives on <c>/api/events</c>: first a heartbeat with the reconnection hint (so a browser that
/// connects while the kitchen starts gets a 200 and keeps its connection), heartbeats until the schema is ready,
/// then a replay from the table of everything after its <c>Last-Event-ID</c>, then the live feed, skipping what the
/// replay sent. A <c>Last-Event-ID</c> ahead of the newest event (a restored or recreated database) gets a
/// <c>reset</c> instead of a replay, and so does every screen when the dispatcher sees the table go back. The
/// stream ends when the kitchen stops, so shutdown never waits for screens, and when the database fails, so the
/// browser reconnects (and replays) when it is back.
/// </summary>
public sealed partial class KitchenEventFeed(
    KitchenEventDispatcher stream,
    KitchenEventReader reader,
    KitchenSchemaState schema,
    IOptions<KitchenEventOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<KitchenEventFeed> logger)
{
    private readonly KitchenEventOptions _options = options.Value;

    /// <param name="station">The station the screen shows, or null for every event.</param>
    /// <param name="lastEventId">The last event the screen has; null for a screen that starts now.</param>
    /// <param name="cutOff">Aborts the screen's connection when it falls too far behind.</param>
    /// <param name="revoked">Cancelled when the screen's device is revoked: the stream ends.</param>
    /// <param name="verify">
    /// For a device the kitchen could not look up when the screen connected (its database was not ready): asked once
    /// the schema is ready, before anything but heartbeats is sent: true goes on, false ends the stream, null (cannot
    /// tell yet) waits with heartbeats and asks again.
    /// </param>
    /// <param name="aborted">The screen went away.</param>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string? station, long? lastEventId, Action cutOff, CancellationToken revoked, Func<CancellationToken, Task<bool?>>? verify, [EnumeratorCancellation] CancellationToken aborted)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping, revoked);
        await using var items = Items(station, lastEventId, cutOff, verify, ending.Token).GetAsyncEnumerator(ending.Token);
        while (true)
        {
            try
            {
                if (!await items.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (OperationCanceledException) when (ending.IsCancellationRequested)
            {
                // The screen went away or the kitchen stops: end the response cleanly.
                yield break;
            }
            catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex))
            {
                // End the stream rather than fail it: the browser reconnects after its retry delay and replays.
                LogDatabaseUnavailable(logger, ex);
                yield break;
            }

            yield return items.Current;
        }
    }

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> Items(string? station, long? lastEventId, Action cutOff, Func<CancellationToken, Task<bool?>>? verify, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A screen without Last-Event-ID starts at "now", fixed before the response starts: a client that has the
        // headers sees every event committed after that. (While the schema is not ready, this kitchen commits nothing;
        // its "now" is then where its dispatch starts, below.)
        long? newest = schema.IsReady ? await reader.LastIdAsync(cancellationToken) : null;

        // The first item tells the browser how soon to reconnect, and that the stream is live.
        yield return Heartbeat(_options.ReconnectDelay);
        var feed = new FeedState();
        await foreach (var heartbeat in UntilServableAsync(verify, feed, cancellationToken))
        {
            yield return heartbeat;
        }

        if (feed.Refused)
        {
            yield break;
        }

        // A screen that connected before the schema was ready starts where dispatch started, at the newest event then:
        // orders taken while it waited for this task to wake, or for its device to be looked up, are for it to see.
        // (The newest now, when lower: the table went back since.)
        var newestId = newest ?? await reader.LastIdAsync(cancellationToken);
        var startAt = newest ?? Math.Min(stream.StartedAfter ?? newestId, newestId);
        feed.LastSent = lastEventId ?? startAt;
        if (StartingReset(feed, newestId) is { } reset)
        {
            yield return reset;
        }

        // Replay from the table first (a long replay must not fill the live buffer), then subscribe, then replay
        // once more what was committed meanwhile; from then on the live feed, skipping what was replayed.
        await foreach (var replayed in ReplayFramesAsync(station, feed, cancellationToken))
        {
            yield return replayed;
        }

        using var subscription = stream.Subscribe(station, cutOff);
        await foreach (var replayed in ReplayFramesAsync(station, feed, cancellationToken))
        {
            yield return replayed;
        }

        subscription.ReplayedThrough = feed.LastSent;
        await foreach (var item in LiveAsync(subscription, feed, cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>The live feed after the replay: bursts whole, skipping what the replay sent; heartbeats; resets.</summary>
    private async IAsyncEnumerable<ReadOnlyMemory<byte>> LiveAsync(KitchenEventSubscription subscription, FeedState feed, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var (next, closed) = await NextAsync(subscription, cancellationToken);
            if (closed)
            {
                // Cut off for falling behind (the connection is being aborted): the screen reconnects and replays.
                yield break;
            }

            if (next.IsHeartbeat)
            {
                yield return Heartbeat(null);
            }
            else if (next.ResetTo is { } resetTo)
            {
                feed.LastSent = resetTo;
                yield return Reset(feed.LastSent, "the kitchen's events went back (its database was restored or recreated)");
            }
            else if (next.Burst!.FirstId > feed.LastSent)
            {
                // The usual case: the whole burst, in one piece.
                feed.LastSent = next.Burst.LastId;
                yield return next.Burst.Frames;
            }
            else
            {
                // The first live burst may overlap what the replay sent.
                foreach (var kitchenEvent in next.Burst.Events.Where(e => e.Id > feed.LastSent))
                {
                    feed.LastSent = kitchenEvent.Id;
                    yield return ToItem(kitchenEvent);
                }
            }
        }
    }

    /// <summary>
    /// Heartbeats while the screen may not be served yet: until the schema is ready, then, for a device not looked up
    /// yet, until it is. A revoked or unknown device ends it with <see cref="FeedState.Refused"/> set.
    /// </summary>
    private async IAsyncEnumerable<ReadOnlyMemory<byte>> UntilServableAsync(Func<CancellationToken, Task<bool?>>? verify, FeedState feed, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!schema.IsReady)
        {
            await Task.WhenAny(schema.Ready, Task.Delay(_options.HeartbeatInterval, time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            if (!schema.IsReady)
            {
                yield return Heartbeat(null);
            }
        }

        while (verify is not null)
        {
            // Nothing but heartbeats goes out until the device is looked up: revoked or unknown ends the stream; while
            // the database cannot say, the screen waits, as it waited for the schema.
            var allowed = await verify(cancellationToken);
            if (allowed == true)
            {
                break;
            }

            if (allowed == false)
            {
                feed.Refused = true;
                yield break;
            }

            await Task.Delay(_options.HeartbeatInterval, time, cancellationToken);
            yield return Heartbeat(null);
        }
    }

    /// <summary>
    /// A reset when the screen's last event id cannot be replayed from (ahead of the newest: the database was
    /// restored; or further behind than the events kept), moving <paramref name="feed"/> to the newest; else null.
    /// </summary>
    private ReadOnlyMemory<byte>? StartingReset(FeedState feed, long newestId)
    {
        var reason = feed.LastSent > newestId
            ? $"the last event id {feed.LastSent} is ahead of the kitchen's newest, {newestId}: its database was restored or recreated"
            : newestId - feed.LastSent > _options.RetainedEvents
                ? $"the last event id {feed.LastSent} is more than the {_options.RetainedEvents} retained events behind the newest, {newestId}"
                : null;
        if (reason is null)
        {
            return null;
        }

        feed.LastSent = newestId;
        return Reset(newestId, reason);
    }

    /// <summary>
    /// The events after <see cref="FeedState.LastSent"/> as frames, moving it along. Events pruned under a replay are
    /// never skipped silently: the screen is told to reset to the newest event instead.
    /// </summary>
    private async IAsyncEnumerable<ReadOnlyMemory<byte>> ReplayFramesAsync(string? station, FeedState feed, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var replayed in ReplayAsync(station, feed.LastSent, cancellationToken))
        {
            if (replayed is null)
            {
                feed.LastSent = await reader.LastIdAsync(cancellationToken);
                yield return Reset(feed.LastSent, "events after the last event id were pruned while it was replayed");
                yield break;
            }

            feed.LastSent = replayed.Id;
            yield return ToItem(replayed);
        }
    }


    /// <summary>The next live delivery (heartbeats included); closed when the feed ended.</summary>
    private static async ValueTask<(ScreenDelivery Delivery, bool Closed)> NextAsync(KitchenEventSubscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            return (await subscription.TakeAsync(cancellationToken), false);
        }
        catch (Exception ex) when (ex is ChannelClosedException or SubscriberTooSlowException)
        {
            return (default, true);
        }
    }

    /// <summary>The events after <paramref name="after"/>, page by page; a null where events after the last one were pruned before they could be read.</summary>
    private async IAsyncEnumerable<KitchenEvent?> ReplayAsync(string? station, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await reader.ReadAfterAsync(after, station, _options.PageSize, cancellationToken);
            if (!page.Complete)
            {
                yield return null;
                yield break;
            }

            foreach (var kitchenEvent in page.Events)
            {
                yield return kitchenEvent;
                after = kitchenEvent.Id;
            }

            if (page.Events.Count < _options.PageSize)
            {
                yield break;
            }
        }
    }

    private static ReadOnlyMemory<byte> ToItem(KitchenEvent kitchenEvent) => EventFrames.For(kitchenEvent);

    private ReadOnlyMemory<byte> Heartbeat(TimeSpan? reconnect) => EventFrames.Heartbeat(time.GetUtcNow(), reconnect);

    /// <summary>Carries the newest id as its own, so a browser's next reconnect resumes from there.</summary>
    private static ReadOnlyMemory<byte> Reset(long lastEventId, string reason) => EventFrames.Reset(lastEventId, reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A screen's event stream ended: the kitchen database is unavailable; the screen reconnects and replays")]
    private static partial void LogDatabaseUnavailable(ILogger logger, Exception exception);
}

/// <summary>Where one screen's feed stands: the last event id it was sent, and whether its device was refused.</summary>
internal sealed class FeedState
{
    public long LastSent { get; set; }

    public bool Refused { get; set; }
}
