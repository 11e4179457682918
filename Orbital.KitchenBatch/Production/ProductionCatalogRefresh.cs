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
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.CatalogRefreshInterval, time, stoppingToken);
                if (!schema.IsReady)
                {
                    continue;
                }

                await using var scope = scopes.CreateAsyncScope();
                var (menuItems, productionItems) = await catalog.ReloadAsync(scope.ServiceProvider.GetRequiredService<KitchenDbContext>(), stoppingToken);
                if (menuItems.Length + productionItems.Length > 0)
                {
                    // Another instance changed the catalog; what this one's intake filed under the old one moves now.
                    var moved = await scope.ServiceProvider.GetRequiredService<ProductionService>().CatchUpAsync(menuItems, productionItems, stoppingToken);
                    logger.LogInformation("The production catalog changed ({MenuItems} menu items, {ProductionItems} production items); {Moved} open lines moved", menuItems.Length, productionItems.Length, moved);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex))
            {
                logger.LogDebug(ex, "The production catalog could not be read again; the one in memory stays");
            }
        }
    }
}
