using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Orbital.KitchenBatch.Http;

/// <summary>The rate limits of the kitchen's API: writes per token, pairing attempts per address. Exceeding one is a 429 with <c>Retry-After</c>.</summary>
public static class KitchenRateLimits
{
    public const string Writes = "writes";
    public const string Pairing = "pairing";

    public static IServiceCollection AddKitchenRateLimits(this IServiceCollection services) => services.AddRateLimiter(limiter =>
    {
        limiter.AddPolicy(Writes, context =>
        {
            var limits = context.RequestServices.GetRequiredService<IOptions<KitchenLimitsOptions>>().Value;
            return RateLimitPartition.GetTokenBucketLimiter(KitchenCaller.From(context.User).Subject, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.WriteBurst,
                TokensPerPeriod = limits.WritesPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        limiter.AddPolicy(Pairing, context =>
        {
            var limits = context.RequestServices.GetRequiredService<IOptions<KitchenLimitsOptions>>().Value;
            return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.PairingAttemptsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        });
        limiter.OnRejected = async (rejected, cancellationToken) =>
        {
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
            var response = rejected.HttpContext.Response;
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await rejected.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = rejected.HttpContext,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"Slow down: try again in {retryAfter} s.",
                },
            });
        };
    });
}
