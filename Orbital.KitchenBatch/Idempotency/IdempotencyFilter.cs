using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Idempotency;

/// <summary>
/// Makes a write endpoint idempotent by the <c>Idempotency-Key</c> request header (the IETF httpapi draft): the first
/// request with a key runs, and its successful answer is recorded in the same transaction as its write; a retry with
/// the same key and the same request (method, path and body) is answered with that answer and changes nothing; the
/// same key with another request is <c>422</c>. A retry that arrives while the first is still under way waits for it.
/// An answer that is not a success (a refusal, a validation error) is not recorded: the write did not happen, and a
/// retry is judged afresh. Without the header, a request runs as any other.
/// </summary>
public sealed class IdempotencyFilter : IEndpointFilter
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";
    public const int MaxKeyLength = IdempotencyRecord.MaxKeyLength;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return await next(context);
        }

        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            return TypedResults.Problem(
                detail: $"{HeaderName} must be one value of 1 to {MaxKeyLength} visible ASCII characters (a UUID, say).",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid Idempotency-Key");
        }

        var services = http.RequestServices;
        var store = services.GetRequiredService<IdempotencyStore>();
        var transactions = services.GetRequiredService<KitchenTransactions>();
        // Keys are the caller's own; on an endpoint anyone may call (pairing), whatever credentials a retry happens to
        // carry (the cookie the first answer set, say) must not make it another caller's.
        var subject = http.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null ? "anonymous" : KitchenCaller.From(http.User).Subject;
        var fingerprint = await FingerprintAsync(http.Request);
        var cancellationToken = http.RequestAborted;

        await transactions.BeginRequestAsync(cancellationToken);
        try
        {
            if (await store.ClaimAsync(subject, key, fingerprint, cancellationToken) is { } earlier)
            {
                return earlier.Fingerprint == fingerprint
                    ? new ReplayedAnswer(earlier, store.Open(earlier))
                    : TypedResults.Problem(
                        detail: $"This {HeaderName} was used for another request (another method, path or body). Use a new key for a new request.",
                        statusCode: StatusCodes.Status422UnprocessableEntity,
                        title: "Idempotency-Key reused");
            }

            var result = await next(context);
            var answer = Unwrap(result);
            if (answer is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 and var status })
            {
                var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
                var body = answer is IValueHttpResult { Value: { } value } ? JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json) : null;
                var location = Location(answer);
                await store.RecordAsync(subject, key, status, location, body, cancellationToken);
                await transactions.CommitRequestAsync(cancellationToken);
            }

            return result;
        }
        finally
        {
            await transactions.EndRequestAsync();
        }
    }

    private static object? Unwrap(object? result) => result is INestedHttpResult nested ? nested.Result : result;

    /// <summary>The <c>Location</c> of a <c>Created</c> answer (<c>Created&lt;T&gt;</c> is generic: its property is found by name).</summary>
    private static string? Location(object? answer)
    {
        var property = answer?.GetType().GetProperty("Location");
        return property?.PropertyType == typeof(string) ? property.GetValue(answer) as string : null;
    }

    /// <summary>The SHA-256 of the method, the path with its query, and the body (buffered by the body limit, read again here).</summary>
    private static async Task<string> FingerprintAsync(HttpRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}{request.QueryString}\n"));
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            var buffer = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            request.Body.Position = 0;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>An earlier answer, sent again as it was.</summary>
    private sealed class ReplayedAnswer(IdempotencyRecord record, byte[]? body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = record.StatusCode;
            response.Headers[ReplayedHeaderName] = "true";
            if (record.Location is { } location)
            {
                response.Headers.Location = location;
            }

            if (body is not null)
            {
                response.ContentType = "application/json; charset=utf-8";
                await response.Body.WriteAsync(body, httpContext.RequestAborted);
            }
        }
    }
}

/// <summary>Declares write endpoints idempotent by <c>Idempotency-Key</c>.</summary>
public static class IdempotencyEndpointExtensions
{
    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        => builder.AddEndpointFilter<TBuilder, IdempotencyFilter>();
}
