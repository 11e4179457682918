using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Screens;

/// <summary>
/// Keeps the events table to the newest <see cref="KitchenEventOptions.RetainedEvents"/>: what a reconnecting screen
/// may replay. A screen further behind is sent <c>reset</c> (see <see cref="KitchenEventFeed"/>). The highest id
/// pruned is kept (<c>kitchen_event_horizon</c>), so a replay that races with pruning knows it may have missed events.
/// </summary>
public sealed partial class KitchenEventRetention(
    IServiceScopeFactory scopes,
    KitchenSchemaState schema,
    IOptions<KitchenEventOptions> options,
    TimeProvider time,
    ILogger<KitchenEventRetention> logger) : BackgroundService
{
    private readonly KitchenEventOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.Ready.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        using var timer = new PeriodicTimer(_options.PruneInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await PruneAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
            var keepFrom = await db.Events.LastIdAsync(cancellationToken) - _options.RetainedEvents;
            if (keepFrom <= 0)
            {
                return;
            }

            // The horizon moves first: a replay that reads it after its page knows whether the page may lack events.
            await db.Database.ExecuteSqlAsync($"UPDATE kitchen_event_horizon SET pruned_through = greatest(pruned_through, {keepFrom})", cancellationToken);
            var pruned = await db.Events.Where(e => e.Id <= keepFrom).ExecuteDeleteAsync(cancellationToken);
            if (pruned > 0)
            {
                LogPruned(logger, pruned, keepFrom);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogPruneFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} kitchen events up to id {UpTo}")]
    private static partial void LogPruned(ILogger logger, int count, long upTo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kitchen events could not be pruned; trying again later")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
