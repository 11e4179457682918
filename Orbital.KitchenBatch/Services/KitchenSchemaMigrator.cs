using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Events;
using Orbital.ServiceDefaults.Resilience;

namespace Orbital.KitchenBatch.Services;

/// <summary>
/// Applies the kitchen's EF Core migrations at start. PostgreSQL may be down when the kitchen starts: the
/// service stays up, retries with the shared backoff, and <see cref="KitchenSchemaState"/> tells the health
/// check what it is waiting for.
/// </summary>
public sealed partial class KitchenSchemaMigrator(
    IServiceScopeFactory scopeFactory,
    KitchenSchemaState state,
    KitchenEventStream events,
    ExponentialBackoff backoff,
    TimeProvider timeProvider,
    ILogger<KitchenSchemaMigrator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = backoff.Start(timeProvider);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopeFactory.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
                await db.Database.MigrateAsync(stoppingToken);

                // Screens are served from here on; the event stream must know where it starts first.
                events.StartAfter(await db.Events.LastIdAsync(stoppingToken));
                state.MarkReady();
                LogSchemaReady(logger);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                var delay = retry.NextDelay();
                state.MarkWaiting(ex.Message, timeProvider.GetUtcNow() + delay);
                LogSchemaNotReady(logger, ex, delay.TotalSeconds);
                await retry.WaitAsync(delay, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kitchen database schema is up to date")]
    private static partial void LogSchemaReady(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kitchen database is not reachable; retrying the schema migration in {DelaySeconds:0.0} s")]
    private static partial void LogSchemaNotReady(ILogger logger, Exception exception, double delaySeconds);
}
