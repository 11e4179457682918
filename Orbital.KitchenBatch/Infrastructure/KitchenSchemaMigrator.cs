using Microsoft.EntityFrameworkCore;
using Orbital.ServiceDefaults.Resilience;

namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>
/// Applies the kitchen's EF Core migrations at start. PostgreSQL may be down when the kitchen starts: the
/// service stays up, retries with the shared backoff, and <see cref="KitchenSchemaState"/> tells the health
/// check what it is waiting for.
/// </summary>
public sealed partial class KitchenSchemaMigrator(
    IServiceScopeFactory scopeFactory,
    KitchenSchemaState state,
    IEnumerable<ISchemaReadyListener> listeners,
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

                // Screens are served and orders taken from here on; whatever must know the database as it is now
                // (where the event stream starts) learns it first.
                foreach (var listener in listeners)
                {
                    await listener.OnSchemaReadyAsync(db, stoppingToken);
                }

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
