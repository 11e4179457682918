namespace Orbital.KitchenBatch.Http;

/// <summary>
/// Headers every response carries: no MIME sniffing, no referrer, no framing; and for the board's pages a content
/// security policy that allows only the kitchen's own scripts, styles and connections (no inline script).
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        if (!context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/scalar"))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
        }

        await next(context);
    });
}
