using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Events;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Options;
using Orbital.KitchenBatch.Services;

namespace Orbital.KitchenBatch.Apis;

/// <summary>
/// <c>GET /api/events</c>: every kitchen change as a server-sent event, typed (<c>event:</c>) and numbered
/// (<c>id:</c>). A screen that reconnects with <c>Last-Event-ID</c> (the header, or <c>?lastEventId=</c> where a
/// client cannot set headers) is replayed exactly what it missed, from the events table.
/// </summary>
public static class KitchenEventsApi
{
    /// <summary>The event type of the keep-alive sent when nothing else happened.</summary>
    public const string HeartbeatType = "heartbeat";

    public static IEndpointRouteBuilder MapKitchenEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", StreamEvents)
            .WithName("StreamKitchenEvents")
            .WithSummary("Streams kitchen events as server-sent events, optionally for one station, replaying from Last-Event-ID.")
            .WithTags("Events");
        return app;
    }

    public static async Task<Results<ServerSentEventsResult<string>, ProblemHttpResult>> StreamEvents(
        HttpContext context,
        [FromQuery] string? station,
        [FromQuery] string? lastEventId,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventIdHeader,
        [AsParameters] EventStreamServices services)
    {
        ArgumentNullException.ThrowIfNull(context);

        var resumeFrom = lastEventIdHeader ?? lastEventId;
        long? after = null;
        if (!string.IsNullOrEmpty(resumeFrom))
        {
            if (!long.TryParse(resumeFrom, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return TypedResults.Problem(
                    detail: $"Last-Event-ID must be the id of an event this stream sent (a whole number), was '{resumeFrom}'.",
                    statusCode: StatusCodes.Status400BadRequest,
                    title: "Invalid Last-Event-ID");
            }

            after = parsed;
        }

        if (!services.Schema.IsReady)
        {
            return TypedResults.Problem(
                detail: "The kitchen database is not ready yet; reconnect shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Kitchen unavailable");
        }

        // Without Last-Event-ID the stream starts at "now", fixed before the response starts: a client that has
        // the headers sees every event committed after that.
        after ??= await services.Reader.LastIdAsync(context.RequestAborted);

        // Proxies such as nginx would otherwise hold events back to fill their buffers.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(Events(context, string.IsNullOrWhiteSpace(station) ? null : station, after.Value, services, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<string>> Events(
        HttpContext context,
        string? station,
        long after,
        EventStreamServices services,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = services.Options.Value;
        var lastSent = after;

        // The first item tells the browser how soon to reconnect, and that the stream is live.
        yield return Heartbeat(services.Time, options.ReconnectDelay);

        // Replay from the table first (a long replay must not fill the live buffer), then subscribe, then replay
        // once more what was committed meanwhile; from then on the live feed, skipping what was replayed.
        await foreach (var replayed in ReplayAsync(services, station, lastSent, options.PageSize, cancellationToken))
        {
            lastSent = replayed.Id;
            yield return ToItem(replayed);
        }

        using var subscription = services.Stream.Subscribe(station, context.Abort);
        await foreach (var replayed in ReplayAsync(services, station, lastSent, options.PageSize, cancellationToken))
        {
            lastSent = replayed.Id;
            yield return ToItem(replayed);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            (KitchenEvent? Event, bool Closed) next;
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                quiet.CancelAfter(options.HeartbeatInterval);
                next = await NextAsync(subscription, quiet.Token, cancellationToken);
            }

            if (next.Closed)
            {
                // Cut off for falling behind (the connection is being aborted): the screen reconnects and replays.
                yield break;
            }

            if (next.Event is null)
            {
                yield return Heartbeat(services.Time, null);
            }
            else if (next.Event.Id > lastSent)
            {
                lastSent = next.Event.Id;
                yield return ToItem(next.Event);
            }
        }
    }

    /// <summary>The next live event; none when the heartbeat interval passed quietly; closed when the feed ended.</summary>
    private static async Task<(KitchenEvent? Event, bool Closed)> NextAsync(KitchenEventSubscription subscription, CancellationToken quiet, CancellationToken aborted)
    {
        try
        {
            return (await subscription.Events.ReadAsync(quiet), false);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return (null, false);
        }
        catch (Exception ex) when (ex is System.Threading.Channels.ChannelClosedException or SubscriberTooSlowException)
        {
            return (null, true);
        }
    }

    private static async IAsyncEnumerable<KitchenEvent> ReplayAsync(
        EventStreamServices services,
        string? station,
        long after,
        int pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await services.Reader.ReadAfterAsync(after, station, pageSize, cancellationToken);
            foreach (var kitchenEvent in page)
            {
                yield return kitchenEvent;
                after = kitchenEvent.Id;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }
        }
    }

    private static SseItem<string> ToItem(KitchenEvent kitchenEvent)
        => new(kitchenEvent.Payload, kitchenEvent.Type) { EventId = kitchenEvent.Id.ToString(CultureInfo.InvariantCulture) };

    private static SseItem<string> Heartbeat(TimeProvider time, TimeSpan? reconnect)
        => new($$"""{"at":"{{time.GetUtcNow():O}}"}""", HeartbeatType) { ReconnectionInterval = reconnect };
}

/// <summary>What the event stream needs, bound with <c>[AsParameters]</c>.</summary>
public sealed class EventStreamServices(
    KitchenEventStream stream,
    KitchenEventReader reader,
    KitchenSchemaState schema,
    IOptions<KitchenEventOptions> options,
    TimeProvider time)
{
    public KitchenEventStream Stream { get; } = stream;

    public KitchenEventReader Reader { get; } = reader;

    public KitchenSchemaState Schema { get; } = schema;

    public IOptions<KitchenEventOptions> Options { get; } = options;

    public TimeProvider Time { get; } = time;
}
