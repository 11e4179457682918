using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Http;

/// <summary>
/// Turns the failures a caller can do something about into ProblemDetails with a useful detail: a body that
/// cannot be read is a 400 saying why, an unreachable database (or one whose schema is not applied yet) a 503 asking
/// to retry. Anything else is left to
/// the default handler (a 500 without internals).
/// </summary>
internal sealed class KitchenExceptionHandler(IProblemDetailsService problems, Infrastructure.KitchenSchemaState schema) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "Bad request",
                Detail = bad.InnerException is System.Text.Json.JsonException json
                    ? $"The request body is not valid JSON for this endpoint{(json.Path is null ? string.Empty : $" (at {json.Path})")}; see the OpenAPI document for its shape."
                    : bad.Message,
            },
            _ when !schema.IsReady => new ProblemDetails
            {
                // Before its schema is applied (a start, a rolling deploy) the kitchen's tables may not be there yet.
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Kitchen starting",
                Detail = "The kitchen database is not ready yet (its schema is being applied); nothing was changed. Retry shortly.",
            },
            _ when DatabaseFailures.IsUnavailable(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Kitchen unavailable",
                Detail = "The kitchen database is unavailable; nothing was changed. Retry shortly.",
            },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
