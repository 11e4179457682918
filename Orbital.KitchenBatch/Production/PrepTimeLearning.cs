using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Production;

/// <summary>A production item's prep time as its recent batches measured it: the median start-to-completion time, over how many batches.</summary>
public sealed record LearnedPrepTime(string Station, string ProductionItem, int Seconds, int Samples);

/// <summary>Learns each production item's prep time from the kitchen's own batches (<c>batch_runs</c>).</summary>
public static class PrepTimeLearning
{
    /// <summary>
    /// The median start-to-completion time of each production item's most recent <paramref name="options"/>.Samples
    /// started-and-completed batches, completed within the lookback; one row per station and item.
    /// </summary>
    public static async Task<List<LearnedPrepTime>> LearnAsync(KitchenDbContext db, PrepTimeLearningOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        var since = now - options.Lookback;
        return await db.Database.SqlQuery<LearnedPrepTime>($"""
            SELECT station, item_name AS production_item,
                   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - started_at)))::int AS seconds,
                   count(*)::int AS samples
            FROM (
                SELECT station, item_name, started_at, completed_at,
                       row_number() OVER (PARTITION BY station, item_name ORDER BY completed_at DESC) AS recent
                FROM batch_runs
                WHERE started_at IS NOT NULL AND completed_at IS NOT NULL AND completed_at >= {since} AND completed_at >= started_at
            ) runs
            WHERE recent <= {options.Samples}
            GROUP BY station, item_name
            """).ToListAsync(cancellationToken);
    }
}
