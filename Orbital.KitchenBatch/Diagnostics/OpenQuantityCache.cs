using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Services;

namespace Orbital.KitchenBatch.Diagnostics;

/// <summary>
/// The open quantity per station, read from the batch items every <see cref="RefreshInterval"/> so that the
/// metric's collection never queries PostgreSQL itself (an exporter collects on its own schedule, and a slow
/// database must not stall it).
/// </summary>
public sealed partial class OpenQuantityCache(IServiceScopeFactory scopes, KitchenSchemaState schema, TimeProvider time, ILogger<OpenQuantityCache> logger) : BackgroundService
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>The open quantity of each station that has a batch item, as last read.</summary>
    public IReadOnlyDictionary<string, long> Current { get; private set; } = new Dictionary<string, long>();

    /// <summary>Reads the open quantities now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        Current = await db.BatchItems.AsNoTracking()
            .GroupBy(b => b.Station)
            .Select(g => new { Station = g.Key, Open = g.Sum(b => (long)b.OpenQuantity) })
            .ToDictionaryAsync(s => s.Station, s => s.Open, StringComparer.Ordinal, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, time);
        try
        {
            do
            {
                if (!schema.IsReady)
                {
                    continue;
                }

                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The last figures stay until the database answers again.
                    LogRefreshFailed(logger, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The open quantities could not be read: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
