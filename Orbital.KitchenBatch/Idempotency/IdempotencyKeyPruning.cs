using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Idempotency;

/// <summary>Removes idempotency keys older than their lifetime, now and then.</summary>
public sealed partial class IdempotencyKeyPruning(
    IServiceScopeFactory scopes,
    KitchenSchemaState schema,
    IOptions<IdempotencyOptions> options,
    TimeProvider time,
    ILogger<IdempotencyKeyPruning> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.Ready.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        using var timer = new PeriodicTimer(options.Value.PruneInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var pruned = await scope.ServiceProvider.GetRequiredService<IdempotencyStore>().PruneAsync(stoppingToken);
                    if (pruned > 0)
                    {
                        LogPruned(logger, pruned);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPruneFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removed {Count} expired idempotency keys")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expired idempotency keys could not be removed; trying again later")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
