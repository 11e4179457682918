using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orbital.KitchenBatch.Devices;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Screens;

/// <summary>
/// <c>GET /api/events</c>: every kitchen change as a server-sent event, typed (<c>event:</c>) and numbered
/// (<c>id:</c>). A screen that reconnects with <c>Last-Event-ID</c> (the header, or <c>?lastEventId=</c> where a
/// client cannot set headers) is replayed exactly what it missed; <see cref="KitchenEventFeed"/> says how. Needs a
/// token (a browser's <c>EventSource</c> sends the sign-in cookie, or uses <c>?access_token=</c>); a station's device
/// gets its station's stream; streams are capped per token and in total.
/// </summary>
public static class KitchenEventsApi
{
    public static IEndpointRouteBuilder MapKitchenEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", StreamEvents)
            .RequireAuthorization()
            .WithName("StreamKitchenEvents")
            .WithSummary("Streams kitchen events as server-sent events, optionally for one station, replaying from Last-Event-ID.")
            .WithTags("Events")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    public static Results<ServerSentEventsResult, ProblemHttpResult> StreamEvents(
        HttpContext context,
        ClaimsPrincipal user,
        [FromQuery] string? station,
        [FromQuery] string? lastEventId,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventIdHeader,
        [FromServices] KitchenEventFeed feed,
        [FromServices] EventStreamLimiter limiter,
        [FromServices] DeviceRegistry devices)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(devices);

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

        // A station's device sees its station (and what concerns every screen), whatever it asks for.
        var caller = KitchenCaller.From(user);
        var forStation = string.IsNullOrWhiteSpace(station) ? caller.Station : station;
        if (forStation is not null && !caller.MayActOn(forStation))
        {
            return ApiProblems.OtherStation(caller.Station, forStation);
        }

        if (limiter.TryAcquire(caller.Subject, out var refused) is not { } lease)
        {
            context.Response.Headers.RetryAfter = "10";
            return TypedResults.Problem(
                detail: refused == StatusCodes.Status429TooManyRequests
                    ? "This token holds as many event streams as it may; close one, or retry later."
                    : "The kitchen serves as many event streams as it can; retry later.",
                statusCode: refused,
                title: "Too many event streams");
        }

        context.Response.RegisterForDispose(lease);

        // Proxies such as nginx would otherwise hold events back to fill their buffers.
        context.Response.Headers["X-Accel-Buffering"] = "no";
        var revoked = caller.DeviceId is { } device ? devices.Revoked(device) : CancellationToken.None;
        Func<CancellationToken, Task<bool?>>? verify = caller is { IsUnverified: true, DeviceId: { } unverified }
            ? async cancellationToken => await devices.CheckAsync(unverified, cancellationToken) switch
            {
                DeviceStatus.Active => true,
                DeviceStatus.Unverifiable => null,
                _ => false,
            }
            : null;
        return new ServerSentEventsResult(feed.ReadAsync(forStation, after, context.Abort, revoked, verify, context.RequestAborted));
    }
}
