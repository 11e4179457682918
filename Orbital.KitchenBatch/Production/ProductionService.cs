using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Screens;
using Orbital.KitchenBatch.Screens.Payloads;
using Orbital.KitchenBatch.Surplus;

namespace Orbital.KitchenBatch.Production;

/// <summary>
/// Changes the production catalog and moves the open demand it concerns: a line nothing was cooked for yet goes to
/// the batch item its menu item resolves to now (two brands' items merge when a mapping joins them, and split when it
/// goes); a line a cook already completed some of stays where it is cooked (moving it would turn cooked food into
/// surplus of another item). Prep times of the batch items follow at once. One transaction per change.
/// </summary>
public sealed class ProductionService(
    KitchenDbContext db,
    KitchenTransactions transactions,
    KitchenEventOutbox events,
    ProductionCatalog catalog,
    OrderReadiness readiness,
    FireSchedule schedule,
    IOptions<KitchenProductionOptions> refresh,
    TimeProvider time)
{
    /// <summary>Creates or changes a production item: where it cooks and how long it takes.</summary>
    public async Task<(ProductionItem Item, int Moved)> PutItemAsync(string name, string station, TimeSpan? prepTime, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var write = await transactions.BeginAsync(cancellationToken);
        var lowered = name.ToLowerInvariant();
        var item = await db.ProductionItems.SingleOrDefaultAsync(p => p.Name.ToLower() == lowered, cancellationToken);
        if (item is null)
        {
            item = new ProductionItem { Name = name, Station = station, PrepTime = prepTime, UpdatedAt = now };
            db.ProductionItems.Add(item);
        }
        else
        {
            item.Station = station;
            item.PrepTime = prepTime;
            item.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        var moved = await ApplyCatalogAsync([item.Name], [item.Name], new ProductionUpdatedPayload("production-item", item.Name, null, null, item.Station, (int?)item.PrepTime?.TotalSeconds, null, 0), now, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return (item, moved);
    }

    /// <summary>Creates or changes the mapping of a brand's menu item.</summary>
    public async Task<(MenuMapping Mapping, int Moved)> PutMappingAsync(string brand, string menuItem, string productionItem, int multiplier, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var write = await transactions.BeginAsync(cancellationToken);
        var mapping = await FindMappingAsync(brand, menuItem, cancellationToken);
        if (mapping is null)
        {
            mapping = new MenuMapping { Brand = brand, Item = menuItem, ProductionItem = productionItem, Multiplier = multiplier, UpdatedAt = now };
            db.MenuMappings.Add(mapping);
        }
        else
        {
            mapping.ProductionItem = productionItem;
            mapping.Multiplier = multiplier;
            mapping.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        var moved = await ApplyCatalogAsync([mapping.Item], [], new ProductionUpdatedPayload("menu-mapping", mapping.ProductionItem, mapping.Brand, mapping.Item, null, null, mapping.Multiplier, 0), now, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return (mapping, moved);
    }

    /// <summary>Removes the mapping of a brand's menu item: it is its own production item again.</summary>
    /// <returns>Whether there was one, and how many lines moved.</returns>
    public async Task<(bool Found, int Moved)> DeleteMappingAsync(string brand, string menuItem, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var write = await transactions.BeginAsync(cancellationToken);
        var mapping = await FindMappingAsync(brand, menuItem, cancellationToken);
        if (mapping is null)
        {
            return (false, 0);
        }

        db.MenuMappings.Remove(mapping);
        await db.SaveChangesAsync(cancellationToken);
        var moved = await ApplyCatalogAsync([mapping.Item], [mapping.ProductionItem], new ProductionUpdatedPayload("menu-mapping-removed", mapping.ProductionItem, mapping.Brand, mapping.Item, null, null, null, 0), now, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return (true, moved);
    }

    /// <summary>
    /// Moves what another kitchen instance's catalog change concerns and this one's intake may have put where it was
    /// before (its catalog was read before the change): run when this instance reads a changed catalog.
    /// </summary>
    public async Task<int> CatchUpAsync(IReadOnlyCollection<string> menuItems, IReadOnlyCollection<string> productionItems, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var write = await transactions.BeginAsync(cancellationToken);
        var moved = await MoveDemandAsync(menuItems, productionItems, now, cancellationToken);
        await write.CommitAsync(cancellationToken);
        return moved;
    }

    private Task<MenuMapping?> FindMappingAsync(string brand, string menuItem, CancellationToken cancellationToken)
    {
        var b = brand.ToLowerInvariant();
        var i = menuItem.ToLowerInvariant();
        return db.MenuMappings.SingleOrDefaultAsync(m => m.Brand.ToLower() == b && m.Item.ToLower() == i, cancellationToken);
    }

    /// <summary>Reads the changed catalog (this transaction's own writes included), moves the demand it concerns, and tells the screens.</summary>
    private async Task<int> ApplyCatalogAsync(string[] menuItems, string[] productionItems, ProductionUpdatedPayload change, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await catalog.ReloadAsync(db, cancellationToken);
        var moved = await MoveDemandAsync(menuItems, productionItems, now, cancellationToken);

        // An intake that resolved its lines before the catalog was read again may commit after this: looked at again.
        catalog.CatchUpLater(menuItems, productionItems, now + refresh.Value.CatalogRefreshInterval);
        events.Add(KitchenEventTypes.ProductionUpdated, station: null, change with { MovedLines = moved });
        return moved;
    }

    /// <summary>
    /// Moves the open lines with nothing cooked whose menu item is one of <paramref name="menuItems"/> (or whose
    /// production item is one of <paramref name="productionItems"/>) to the batch item they resolve to now, and sets
    /// the prep time of the batch items of <paramref name="productionItems"/>.
    /// </summary>
    /// <returns>How many lines moved.</returns>
    private async Task<int> MoveDemandAsync(IReadOnlyCollection<string> menuItems, IReadOnlyCollection<string> productionItems, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var names = menuItems.Concat(productionItems).Select(n => n.ToLowerInvariant()).Distinct().ToArray();
        var produced = productionItems.Select(n => n.ToLowerInvariant()).ToArray();
        var candidates = await db.OrderLines.AsNoTracking()
            .Where(l => l.CompletedQuantity == 0 && l.CompletedQuantity < l.Quantity)
            .Where(l => names.Contains(l.ItemName.ToLower()) || produced.Contains(l.ProductionItem.ToLower()))
            .Select(l => new { Line = l, l.Order!.Brand })
            .ToListAsync(cancellationToken);
        var moving = candidates
            .Select(c => (c.Line, Target: catalog.Resolve(c.Brand, c.Line.MenuStation, c.Line.ItemName)))
            .Where(c => c.Target.Station != c.Line.Station || c.Target.ProductionItem != c.Line.ProductionItem || c.Target.Multiplier != c.Line.Multiplier)
            .ToList();

        // The batch items whose prep time changes are looked at without tracking; they are changed once locked.
        var lowered = productionItems.Select(n => n.ToLowerInvariant()).ToArray();
        var retimed = productionItems.Count == 0
            ? []
            : (await db.BatchItems.AsNoTracking().Where(b => lowered.Contains(b.ItemName.ToLower())).ToListAsync(cancellationToken))
                .Where(b => b.PrepSeconds != catalog.PrepSecondsOf(b.Station, b.ItemName))
                .ToList();
        if (moving.Count == 0 && retimed.Count == 0)
        {
            return 0;
        }

        // Every batch item involved is locked at once, in key order, as intake locks them.
        var keys = moving.SelectMany(m => new[]
        {
            BatchKey.For(m.Line.Station, m.Line.ProductionItem, m.Line.Modifiers),
            BatchKey.For(m.Target.Station, m.Target.ProductionItem, m.Line.Modifiers),
        }).Concat(retimed.Select(b => BatchKey.For(b.Station, b.ItemName, b.Modifiers)));
        var locked = (await db.LockBatchItemsAsync(keys, k => catalog.PrepSecondsOf(k.Station, k.ItemName), now, cancellationToken)).ToDictionary(b => b.Id);
        foreach (var batch in locked.Values)
        {
            batch.PrepSeconds = catalog.PrepSecondsOf(batch.Station, batch.ItemName);
        }

        var byKey = locked.Values.ToDictionary(b => (b.Station, b.ItemName, b.ModifiersKey));
        var orders = await db.LockOrdersAsync([.. moving.Select(m => m.Line.KitchenOrderId).Distinct().Order()], cancellationToken);
        var orderIds = orders.Select(o => o.Id).ToArray();
        await db.OrderLines.Where(l => orderIds.Contains(l.KitchenOrderId)).LoadAsync(cancellationToken);

        var moved = 0;
        foreach (var (candidate, _) in moving)
        {
            // As locked now: still open, still nothing cooked, still in a batch item this transaction holds.
            var line = orders.SelectMany(o => o.Lines).SingleOrDefault(l => l.Id == candidate.Id);
            if (line is not { CompletedQuantity: 0, Quantity: > 0 } || !locked.TryGetValue(line.BatchItemId, out var from))
            {
                continue;
            }

            var target = catalog.Resolve(orders.Single(o => o.Id == line.KitchenOrderId).Brand, line.MenuStation, line.ItemName);
            var key = BatchKey.For(target.Station, target.ProductionItem, line.Modifiers);
            if (!byKey.TryGetValue(key.Identity, out var to) || (to == from && target.Multiplier == line.Multiplier))
            {
                continue;
            }

            BatchAllocator.ChangeQuantity(from, line, 0, keepsFood: true, now);
            line.Station = target.Station;
            line.ProductionItem = target.ProductionItem;
            line.Multiplier = target.Multiplier;
            line.BatchItemId = to.Id;
            BatchAllocator.ChangeQuantity(to, line, line.MenuQuantity * target.Multiplier, keepsFood: true, now);
            moved++;
        }

        // Demand that moved to an item with surplus takes it before anything is cooked for it.
        var assigned = new List<LineAllocation>();
        foreach (var batch in locked.Values.Where(b => b.SurplusQuantity > 0 && b.OpenQuantity > 0).OrderBy(b => b.Id))
        {
            var others = await db.OrderLines.Where(l => l.BatchItemId == batch.Id && !orderIds.Contains(l.KitchenOrderId)).Open().ToListAsync(cancellationToken);
            var own = orders.SelectMany(o => o.Lines).Where(l => l.BatchItemId == batch.Id && l.OpenQuantity > 0);
            assigned.AddRange(SurplusUseLog.Record(db, batch, BatchAllocator.AllocateSurplus(batch, [.. BatchAllocator.DueFirst([.. others, .. own], schedule.Now().StaleBefore)], now), now));
        }

        await db.SaveChangesAsync(cancellationToken);
        var (allOrders, ready) = await readiness.MarkReadyAsync([.. assigned.Select(a => a.Line.KitchenOrderId).Distinct().Order()], now, cancellationToken);
        foreach (var order in orders)
        {
            allOrders[order.Id] = order;
        }

        await AnnounceAsync([.. locked.Keys], assigned, ready, cancellationToken, allOrders);
        return moved;
    }

    /// <summary>Computes the touched batch items' demand again and tells the screens what moved.</summary>
    private async Task AnnounceAsync(long[] batchItemIds, List<LineAllocation> assigned, List<Orders.ReadyOrderView> ready, CancellationToken cancellationToken, Dictionary<long, KitchenOrder>? orders = null)
    {
        var window = schedule.Now();
        foreach (var batch in await db.RefreshDemandAsync(batchItemIds, cancellationToken))
        {
            events.Add(KitchenEventTypes.BatchUpdated, batch.Station, BatchItemView.From(batch, window));
            var given = assigned.Where(a => a.Line.BatchItemId == batch.Id).ToList();
            if (given.Count > 0 && orders is not null)
            {
                events.Add(KitchenEventTypes.SurplusUpdated, batch.Station, new SurplusUpdatedPayload(
                    SurplusView.From(batch),
                    [.. given.Select(a => new AllocationPayload(orders[a.Line.KitchenOrderId].OrderId, a.Line.LineId, a.Quantity))],
                    Discarded: 0,
                    Reason: null));
            }
        }

        foreach (var order in ready)
        {
            events.Add(KitchenEventTypes.OrderReady, station: null, order);
        }
    }
}
