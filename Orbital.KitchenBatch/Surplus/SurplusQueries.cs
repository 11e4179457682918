using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Surplus;

/// <summary>What the screens and the REST API read of surplus.</summary>
public sealed class SurplusQueries(KitchenDbContext db)
{
    /// <summary>Cooked food no order has taken yet, by station, the oldest first.</summary>
    public async Task<List<SurplusView>> SurplusAsync(string? station, CancellationToken cancellationToken)
    {
        var items = db.BatchItems.AsNoTracking().Where(b => b.SurplusQuantity > 0);
        if (station is not null)
        {
            items = items.Where(b => b.Station == station);
        }

        var surplus = await items.OrderBy(b => b.Station).ThenBy(b => b.SurplusSince).ThenBy(b => b.Id).ToListAsync(cancellationToken);
        return [.. surplus.Select(SurplusView.From)];
    }

    /// <summary>The station of the batch item whose surplus <paramref name="id"/> is; null when there is none.</summary>
    public Task<string?> BatchItemStationAsync(long id, CancellationToken cancellationToken) => db.StationOfBatchItemAsync(id, cancellationToken);
}
