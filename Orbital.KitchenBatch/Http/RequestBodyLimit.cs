using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Orbital.KitchenBatch.Http;

/// <summary>
/// JSON bodies on <c>/api</c> may be at most <see cref="KitchenLimitsOptions.MaxJsonBodyBytes"/>: a declared
/// length over it is refused at once with 413, and a body that streams past it fails to read (413 too).
/// </summary>
public static class RequestBodyLimit
{
    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<KitchenLimitsOptions>>().Value.MaxJsonBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request too large",
                    Detail = $"Request bodies on /api may be at most {limit:N0} bytes; this one is {context.Request.ContentLength:N0}.",
                },
            });
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        if (context.Request.Headers.ContainsKey(Idempotency.IdempotencyFilter.HeaderName))
        {
            // An idempotent write's body is read twice: bound to the handler, and hashed to tell a retry from a reuse.
            context.Request.EnableBuffering(bufferThreshold: limit, bufferLimit: limit);
        }

        await next(context);
    });
}
