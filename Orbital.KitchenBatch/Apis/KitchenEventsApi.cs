using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orbital.KitchenBatch.Events;

namespace Orbital.KitchenBatch.Apis;

/// <summary>
/// <c>GET /api/events</c>: every kitchen change as a server-sent event, typed (<c>event:</c>) and numbered
/// (<c>id:</c>). A screen that reconnects with <c>Last-Event-ID</c> (the header, or <c>?lastEventId=</c> where a
/// client cannot set headers) is replayed exactly what it missed; <see cref="KitchenEventFeed"/> says how.
/// </summary>
public static class KitchenEventsApi
{
    public static IEndpointRouteBuilder MapKitchenEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", StreamEvents)
            .WithName("StreamKitchenEvents")
            .WithSummary("Streams kitchen events as server-sent events, optionally for one station, replaying from Last-Event-ID.")
            .WithTags("Events");
        return app;
    }

    public static Results<ServerSentEventsResult<string>, ProblemHttpResult> StreamEvents(
        HttpContext context,
        [FromQuery] string? station,
        [FromQuery] string? lastEventId,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventIdHeader,
        [FromServices] KitchenEventFeed feed)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(feed);

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

        // Proxies such as nginx would otherwise hold events back to fill their buffers.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        var forStation = string.IsNullOrWhiteSpace(station) ? null : station;
        return TypedResults.ServerSentEvents(feed.ReadAsync(forStation, after, context.Abort, context.RequestAborted));
    }
}
