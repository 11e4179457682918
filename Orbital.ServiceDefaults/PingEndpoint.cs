using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary><c>GET /ping</c>: the seed's liveness probe, answered without touching any dependency.</summary>
public static class PingEndpoint
{
    public static IEndpointRouteBuilder MapPing(this IEndpointRouteBuilder app, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(app);

        var pong = new PingResponse("pong", serviceName);
        app.MapGet("/ping", () => TypedResults.Ok(pong))
            .WithName("Ping")
            .WithSummary("Answers pong while the process runs.")
            .WithTags("Service");
        return app;
    }
}

/// <summary>The answer to <c>GET /ping</c>.</summary>
/// <param name="Status">Always <c>pong</c>.</param>
/// <param name="Service">Which service answered.</param>
public sealed record PingResponse(string Status, string Service);
