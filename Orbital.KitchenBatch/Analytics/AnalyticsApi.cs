using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Devices;

namespace Orbital.KitchenBatch.Analytics;

/// <summary>How the kitchen did: for the manager key, or a device paired with the manager role (the manager page).</summary>
public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/analytics", GetAnalytics)
            .WithTags("Analytics")
            .RequireAuthorization(DevicesApi.AnalyticsPolicy)
            .WithName("GetAnalytics")
            .WithSummary("How the kitchen did over a period (default: the last 12 hours, by hour): orders, ticket and prep times (p50/p90), batch sizes, late orders and waste, overall and by time, station, brand and production item, with each item's configured and learned prep time. For the manager key or a manager device.");

        // The manager page: opened on a device paired with a manager pairing code (the manager key never goes into a browser).
        app.MapGet("/manager", () => Results.Redirect("/manager.html")).ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<Ok<KitchenAnalyticsView>, ValidationProblem>> GetAnalytics(
        DateTimeOffset? from,
        DateTimeOffset? to,
        int? bucketMinutes,
        KitchenAnalytics analytics,
        IOptions<KitchenAnalyticsOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(analytics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        // To the second: bucket starts computed in PostgreSQL (microseconds) and here (ticks) then agree.
        if ((from ?? to)?.Year is < 2000 or > 2999 || to?.Year is < 2000 or > 2999)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [from?.Year is < 2000 or > 2999 ? "from" : "to"] = ["A time between the years 2000 and 2999."] });
        }

        var end = WholeSecond(to ?? time.GetUtcNow());
        var start = WholeSecond(from ?? end - options.Value.DefaultPeriod);
        var bucket = bucketMinutes ?? DefaultBucket(end - start);
        var errors = new Dictionary<string, string[]>();
        if (start >= end)
        {
            errors["from"] = ["'from' must be before 'to' (ISO 8601 times, e.g. 2026-12-07T08:00:00Z)."];
        }
        else if (end - start > options.Value.MaxPeriod)
        {
            errors["to"] = [$"A period covers at most {options.Value.MaxPeriod.TotalDays:0} days."];
        }

        if (bucket is < 5 or > 10_080)
        {
            errors["bucketMinutes"] = ["A bucket is 5 minutes to 7 days (10080 minutes) long."];
        }
        else if (start < end && (end - start).TotalMinutes / bucket > 2_000)
        {
            errors["bucketMinutes"] = ["At most 2000 buckets: choose longer buckets for a long period."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await analytics.ComputeAsync(start, end, bucket, cancellationToken));
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }

    /// <summary>Hours for a day or less, six-hour shifts up to a week, days beyond.</summary>
    private static int DefaultBucket(TimeSpan period) => period <= TimeSpan.FromDays(1) ? 60 : period <= TimeSpan.FromDays(7) ? 360 : 1_440;
}
