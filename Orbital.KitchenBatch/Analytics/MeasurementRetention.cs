using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Analytics;

/// <summary>Deletes batches, surplus given out and waste older than <see cref="KitchenAnalyticsOptions.Retention"/>, hourly, a bounded number at a time.</summary>
public sealed partial class MeasurementRetention(
    IServiceScopeFactory scopes,
    KitchenSchemaState schema,
    IOptions<KitchenAnalyticsOptions> options,
    TimeProvider time,
    ILogger<MeasurementRetention> logger) : BackgroundService
{
    private const int Round = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (schema.IsReady)
                {
                    var deleted = await PruneAsync(stoppingToken);
                    if (deleted > 0)
                    {
                        LogPruned(logger, deleted, options.Value.Retention.TotalDays);
                    }
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, ex);
            }

            await Task.Delay(schema.IsReady ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Deletes what is past the retention, in rounds, so no statement holds many rows at once.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        var before = time.GetUtcNow() - options.Value.Retention;
        var total = 0;
        int deleted;
        do
        {
            deleted = await db.Database.ExecuteSqlAsync($"DELETE FROM batch_runs WHERE id IN (SELECT id FROM batch_runs WHERE completed_at < {before} LIMIT {Round})", cancellationToken);
            deleted += await db.Database.ExecuteSqlAsync($"DELETE FROM surplus_uses WHERE id IN (SELECT id FROM surplus_uses WHERE used_at < {before} LIMIT {Round})", cancellationToken);
            deleted += await db.Database.ExecuteSqlAsync($"DELETE FROM waste_records WHERE id IN (SELECT id FROM waste_records WHERE discarded_at < {before} LIMIT {Round})", cancellationToken);
            total += deleted;
        }
        while (deleted > 0 && !cancellationToken.IsCancellationRequested);

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} measurements older than {Days:0} days")]
    private static partial void LogPruned(ILogger logger, int count, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Old measurements could not be deleted; tried again in an hour")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
