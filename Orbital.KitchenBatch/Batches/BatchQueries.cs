using System.Data;
using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Batches;

/// <summary>What the REST API reads of one batch item: the item and the open lines it serves.</summary>
public sealed class BatchQueries(KitchenDbContext db, FireSchedule schedule)
{
    /// <summary>A batch item and the open lines it serves, in the order completions go to them.</summary>
    public async Task<BatchItemDetailView?> BatchItemAsync(long id, CancellationToken cancellationToken)
    {
        var item = await db.BatchItems.AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (item is null)
        {
            return null;
        }

        var lines = await db.OrderLines.AsNoTracking()
            .Where(l => l.BatchItemId == id)
            .Open()
            .Include(l => l.Order)
            .ToListAsync(cancellationToken);
        var orders = BatchAllocator.DueFirst(lines, schedule.Now().StaleBefore)
            .Select(l => new BatchItemOrderView(l.Order!.OrderId, l.Order.Brand, l.PlacedAt, l.DueAt, l.LineId, l.ItemName, l.Quantity, l.CompletedQuantity, l.Note))
            .ToList();
        return new BatchItemDetailView(schedule.View(item), orders);
    }

    /// <summary>The station of a batch item; null when there is no such batch item.</summary>
    public Task<string?> BatchItemStationAsync(long id, CancellationToken cancellationToken) => db.StationOfBatchItemAsync(id, cancellationToken);
}
