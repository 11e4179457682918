using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Batches;

/// <summary>
/// The open quantity per station for the <c>orbital.kitchen.open_quantity</c> gauge. A metric's collection never
/// queries PostgreSQL itself (a slow database must not stall the exporter): it gets the figures last read, and
/// starts a read in the background when those are older than <see cref="RefreshInterval"/>. Nothing is read while
/// nothing collects.
/// </summary>
public sealed partial class OpenQuantityCache(
    IServiceScopeFactory scopes,
    KitchenSchemaState schema,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<OpenQuantityCache> logger) : IOpenQuantitySource
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private IReadOnlyDictionary<string, long> _current = new Dictionary<string, long>();
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private int _reading;

    /// <summary>The open quantity of each station that has a batch item, as last read (empty before the first read).</summary>
    public IReadOnlyDictionary<string, long> Current
    {
        get
        {
            ReadInBackgroundIfStale();
            return _current;
        }
    }

    /// <summary>Reads the open quantities now.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        _current = await db.BatchItems.AsNoTracking()
            .GroupBy(b => b.Station)
            .Select(g => new { Station = g.Key, Open = g.Sum(b => (long)b.OpenQuantity) })
            .ToDictionaryAsync(s => s.Station, s => s.Open, StringComparer.Ordinal, cancellationToken);
        _readAt = time.GetUtcNow();
    }

    private void ReadInBackgroundIfStale()
    {
        if (!schema.IsReady || time.GetUtcNow() - _readAt < RefreshInterval || Interlocked.Exchange(ref _reading, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync(lifetime.ApplicationStopping);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The last figures stay until the database answers again.
                LogRefreshFailed(logger, ex.Message);
            }
            finally
            {
                Volatile.Write(ref _reading, 0);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The open quantities per station could not be read for the metrics: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
