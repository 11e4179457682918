using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Surplus;

/// <summary>
/// Now and then (<see cref="KitchenSurplusOptions.ExpiryInterval"/>), expires the surplus nobody took within the
/// holding time: the board stops offering it, and the waste report has it. Each batch item is expired in a
/// transaction of its own under its row lock, so replicas running this too expire each item once.
/// </summary>
public sealed partial class SurplusExpiryService(
    IServiceScopeFactory scopes,
    KitchenSchemaState schema,
    IOptions<KitchenSurplusOptions> options,
    TimeProvider time,
    ILogger<SurplusExpiryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.Ready.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        using var timer = new PeriodicTimer(options.Value.ExpiryInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ExpireAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Expires every batch item's surplus that is too old now.</summary>
    public async Task ExpireAsync(CancellationToken cancellationToken)
    {
        try
        {
            var holding = options.Value.HoldingTime;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
            var cutoff = time.GetUtcNow() - holding;
            var due = await db.BatchItems.AsNoTracking()
                .Where(b => b.SurplusQuantity > 0 && b.SurplusSince < cutoff)
                .Select(b => b.Id)
                .ToListAsync(cancellationToken);
            foreach (var id in due)
            {
                await using var itemScope = scopes.CreateAsyncScope();
                var expired = await itemScope.ServiceProvider.GetRequiredService<SurplusService>().ExpireSurplusAsync(id, holding, cancellationToken);
                if (expired > 0)
                {
                    LogExpired(logger, expired, id, holding.TotalMinutes);
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogExpiryFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Quantity} surplus items of batch item {BatchItemId} waited over {HoldingMinutes:0.#} min: recorded as waste")]
    private static partial void LogExpired(ILogger logger, int quantity, long batchItemId, double holdingMinutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Surplus could not be expired; trying again later")]
    private static partial void LogExpiryFailed(ILogger logger, Exception exception);
}
