using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Production;

/// <summary>
/// Reads the catalog again every <see cref="KitchenProductionOptions.CatalogRefreshInterval"/>, for changes another
/// kitchen instance made, and moves the open demand this instance's intake filed under the catalog it had before.
/// </summary>
public sealed class ProductionCatalogRefresh(
    ProductionCatalog catalog,
    KitchenSchemaState schema,
    IServiceScopeFactory scopes,
    IOptions<KitchenProductionOptions> options,
    TimeProvider time,
    ILogger<ProductionCatalogRefresh> logger) : BackgroundService
{
    private DateTimeOffset _nextLearning;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.CatalogRefreshInterval, time, stoppingToken);
                if (schema.IsReady)
                {
                    await RefreshAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Never the end of the kitchen: the catalog in memory stays, and what was to be moved is tried again.
                logger.LogWarning(ex, "The production catalog could not be read again or its demand moved; it is tried again");
            }
        }
    }

    /// <summary>
    /// Reads the catalog; what changed (here or on another instance) has its open demand moved now and once more an
    /// interval later, for intakes that resolved their lines with the catalog from before.
    /// </summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        var (menuItems, productionItems) = await catalog.ReloadAsync(db, cancellationToken);
        var now = time.GetUtcNow();
        if (now >= _nextLearning)
        {
            // What the batches taught: items whose fire time changes with it are retimed like a changed prep time.
            _nextLearning = now + options.Value.Learning.RefreshInterval;
            if (await catalog.LearnAsync(db, cancellationToken) is { Length: > 0 } relearned)
            {
                logger.LogInformation("Prep times learned from batches changed the fire times of {Items}", string.Join(", ", relearned));
                catalog.CatchUpLater([], relearned, now);
            }
        }

        if (menuItems.Length + productionItems.Length > 0)
        {
            catalog.CatchUpLater(menuItems, productionItems, now);
            catalog.CatchUpLater(menuItems, productionItems, now + options.Value.CatalogRefreshInterval);
        }

        var (dueMenuItems, dueProductionItems) = catalog.TakeDueCatchUps(now);
        if (dueMenuItems.Length + dueProductionItems.Length == 0)
        {
            return;
        }

        try
        {
            await using var moveScope = scopes.CreateAsyncScope();
            var moved = await moveScope.ServiceProvider.GetRequiredService<ProductionService>().CatchUpAsync(dueMenuItems, dueProductionItems, cancellationToken);
            if (moved > 0)
            {
                logger.LogInformation("The production catalog changed; {Moved} open lines filed under the catalog from before moved", moved);
            }
        }
        catch
        {
            catalog.CatchUpLater(dueMenuItems, dueProductionItems, now);
            throw;
        }
    }
}
