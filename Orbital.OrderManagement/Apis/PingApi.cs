namespace Orbital.OrderManagement.Apis;

/// <summary>The seed's liveness probe: answers without touching any dependency.</summary>
public static class PingApi
{
    public static IEndpointRouteBuilder MapPingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ping", () => TypedResults.Ok(new PingResponse("pong", "order-management")))
            .WithName("Ping")
            .WithSummary("Answers pong while the process runs.");
        return app;
    }
}

/// <summary>The answer to <c>GET /ping</c>.</summary>
public sealed record PingResponse(string Status, string Service);
