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
    /// started-and-completed batches, completed within the lookback and not shorter than the minimum batch time; one
    /// row per station and item. Rounded to 15 s (at least 15 s): every instance learns the same from the same batches,
    /// and fire times move when the kitchen's pace does, not with every batch.
    /// </summary>
    public static async Task<List<LearnedPrepTime>> LearnAsync(KitchenDbContext db, PrepTimeLearningOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        var since = now - options.Lookback;
        return await db.Database.SqlQuery<LearnedPrepTime>($"""
            SELECT station, item_name AS production_item,
                   (greatest(1, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - started_at)) / 15)) * 15)::int AS seconds,
                   count(*)::int AS samples
            FROM (
                SELECT station, item_name, started_at, completed_at,
                       row_number() OVER (PARTITION BY station, item_name ORDER BY completed_at DESC) AS recent
                FROM batch_runs
                WHERE started_at IS NOT NULL AND completed_at IS NOT NULL AND completed_at >= {since}
                  AND completed_at - started_at >= {options.MinimumBatchTime}
            ) runs
            WHERE recent <= {options.Samples}
            GROUP BY station, item_name
            """).ToListAsync(cancellationToken);
    }
}
