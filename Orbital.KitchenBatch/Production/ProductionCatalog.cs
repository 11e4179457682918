using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Production;

/// <summary>
/// What each brand's menu item is in the kitchen: which production item, how many of it, at which station, and how
/// long it takes. Held in memory (intake resolves every line against it without a query) and read again after every
/// change this instance makes and every <see cref="KitchenProductionOptions.CatalogRefreshInterval"/> (for changes
/// other instances make).
/// </summary>
public sealed class ProductionCatalog(IOptions<KitchenProductionOptions> options, TimeProvider time, ILogger<ProductionCatalog> logger) : ISchemaReadyListener
{
    private readonly Lock _pendingLock = new();
    private readonly Dictionary<(bool Production, string Name), DateTimeOffset> _pending = [];
    private volatile Snapshot _snapshot = Snapshot.Empty;
    private volatile FrozenDictionary<(string Station, string Item), LearnedPrepTime> _learned = FrozenDictionary<(string Station, string Item), LearnedPrepTime>.Empty;

    /// <summary>
    /// Asks for the open demand of these items to be moved again once <paramref name="after"/> has passed: an intake
    /// that resolved its lines with the catalog from before a change may commit after the change moved the demand.
    /// </summary>
    public void CatchUpLater(IEnumerable<string> menuItems, IEnumerable<string> productionItems, DateTimeOffset after)
    {
        lock (_pendingLock)
        {
            foreach (var key in menuItems.Select(m => (false, m)).Concat(productionItems.Select(p => (true, p))))
            {
                _pending[key] = after;
            }
        }
    }

    /// <summary>Takes the items whose catch-up is due at <paramref name="now"/>; given back with <see cref="CatchUpLater"/> when it fails.</summary>
    public (string[] MenuItems, string[] ProductionItems) TakeDueCatchUps(DateTimeOffset now)
    {
        lock (_pendingLock)
        {
            var due = _pending.Where(p => p.Value <= now).Select(p => p.Key).ToList();
            foreach (var key in due)
            {
                _pending.Remove(key);
            }

            return ([.. due.Where(k => !k.Production).Select(k => k.Name)], [.. due.Where(k => k.Production).Select(k => k.Name)]);
        }
    }

    /// <summary>What a menu item is cooked as.</summary>
    public ResolvedItem Resolve(string brand, string menuStation, string item)
    {
        var snapshot = _snapshot;
        if (snapshot.Mappings.TryGetValue(MappingKey(brand, item), out var mapping)
            && snapshot.Items.TryGetValue(mapping.ProductionItem, out var mapped))
        {
            return new ResolvedItem(mapped.Station, mapped.Name, mapping.Multiplier, PrepSeconds(mapped.PrepTime, mapped.Station, mapped.Name));
        }

        if (mapping is not null)
        {
            // Mapped to a production item nobody described: it is cooked where the platform said.
            return new ResolvedItem(menuStation, mapping.ProductionItem, mapping.Multiplier, PrepSeconds(null, menuStation, mapping.ProductionItem));
        }

        // An item nothing maps is its own production item, at the station the platform named: a production item of the
        // same name describes it (its prep time) only there; another station's item of that name is another thing.
        return snapshot.Items.TryGetValue(item, out var own) && string.Equals(own.Station, menuStation, StringComparison.Ordinal)
            ? new ResolvedItem(own.Station, item, 1, PrepSeconds(own.PrepTime, own.Station, item))
            : new ResolvedItem(menuStation, item, 1, PrepSeconds(null, menuStation, item));
    }

    /// <summary>The prep time, in seconds, of every batch item of <paramref name="productionItem"/> at <paramref name="station"/>.</summary>
    public int PrepSecondsOf(string station, string productionItem)
        => PrepSeconds(ConfiguredPrepTime(station, productionItem), station, productionItem);

    /// <summary>The prep time configured for an item at a station: its own, else the station's default.</summary>
    public TimeSpan ConfiguredPrepTimeOf(string station, string productionItem) => ConfiguredPrepTime(station, productionItem) ?? options.Value.PrepTimeAt(station);

    /// <summary>What the kitchen learned of an item's prep time at a station; null before its first measured batch.</summary>
    public LearnedPrepTime? LearnedOf(string station, string productionItem) => _learned.GetValueOrDefault((station, productionItem));

    /// <summary>Learns the prep times from the kitchen's batches again (<see cref="PrepTimeLearning"/>).</summary>
    /// <returns>The production items whose fire-time prep changed: their open demand is to be retimed.</returns>
    public async Task<string[]> LearnAsync(KitchenDbContext db, CancellationToken cancellationToken)
        => UseLearned(await PrepTimeLearning.LearnAsync(db, options.Value.Learning, time.GetUtcNow(), cancellationToken));

    /// <summary>Takes what was learned of the prep times.</summary>
    /// <returns>The production items whose prep time (the one fire times use) changed by it.</returns>
    public string[] UseLearned(IEnumerable<LearnedPrepTime> learned)
    {
        ArgumentNullException.ThrowIfNull(learned);
        var before = _learned;
        var after = learned.ToFrozenDictionary(l => (l.Station, l.ProductionItem));
        var firesBefore = before.Keys.Union(after.Keys).ToDictionary(k => k, k => PrepSecondsOf(k.Item1, k.Item2));
        _learned = after;
        return [.. firesBefore.Where(f => PrepSecondsOf(f.Key.Item1, f.Key.Item2) != f.Value).Select(f => f.Key.Item2).Distinct(StringComparer.Ordinal)];
    }

    private TimeSpan? ConfiguredPrepTime(string station, string productionItem)
        => _snapshot.Items.TryGetValue(productionItem, out var item) && string.Equals(item.Station, station, StringComparison.Ordinal) ? item.PrepTime : null;

    /// <summary>The production items and mappings as this instance last read them.</summary>
    public (IReadOnlyCollection<ProductionItem> Items, IReadOnlyCollection<MenuMapping> Mappings) Current
        => (_snapshot.Items.Values, _snapshot.Mappings.Values);

    /// <summary>Reads the catalog again.</summary>
    /// <returns>What changed since it was read last: the menu items whose mapping and the production items whose description changed.</returns>
    public async Task<(string[] MenuItems, string[] ProductionItems)> ReloadAsync(KitchenDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var items = await db.ProductionItems.AsNoTracking().ToListAsync(cancellationToken);
        var mappings = await db.MenuMappings.AsNoTracking().ToListAsync(cancellationToken);
        var before = _snapshot;
        // Names are unique without case in the database; should two still compare equal here, the newest wins.
        var after = new Snapshot(
            items.GroupBy(i => i.Name, StringComparer.OrdinalIgnoreCase).Select(g => g.MaxBy(i => i.UpdatedAt)!).ToFrozenDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase),
            mappings.GroupBy(m => MappingKey(m.Brand, m.Item), StringComparer.Ordinal).Select(g => g.MaxBy(m => m.UpdatedAt)!).ToFrozenDictionary(m => MappingKey(m.Brand, m.Item), StringComparer.Ordinal));
        _snapshot = after;

        string[] changedMappings =
        [
            .. before.Mappings.Keys.Union(after.Mappings.Keys)
                .Where(k => !before.Mappings.TryGetValue(k, out var b) || !after.Mappings.TryGetValue(k, out var a)
                            || b.ProductionItem != a.ProductionItem || b.Multiplier != a.Multiplier)
                .Select(k => (before.Mappings.GetValueOrDefault(k) ?? after.Mappings[k]).Item),
        ];
        string[] changedItems =
        [
            .. before.Items.Keys.Union(after.Items.Keys, StringComparer.OrdinalIgnoreCase)
                .Where(k => !before.Items.TryGetValue(k, out var b) || !after.Items.TryGetValue(k, out var a)
                            || b.Station != a.Station || b.PrepTime != a.PrepTime),
        ];
        return (changedMappings, changedItems);
    }

    /// <summary>Seeds what the configuration describes and the database lacks, then reads the catalog.</summary>
    public async Task OnSchemaReadyAsync(KitchenDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var seeded = await SeedAsync(db, cancellationToken);
        if (seeded > 0)
        {
            logger.LogInformation("Seeded {Count} production items and menu mappings from configuration", seeded);
        }

        await ReloadAsync(db, cancellationToken);
        try
        {
            await LearnAsync(db, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The configured prep times serve until the next refresh learns.
            logger.LogWarning(ex, "Prep times could not be learned from the batches at start; the configured ones are used until the next try");
        }

        await AlignOpenBatchItemsAsync(db, cancellationToken);
    }

    /// <summary>
    /// Gives the open batch items the prep times the catalog and configuration say now (a station default may have
    /// changed since the last start), and computes their schedules again (from before due times, they had none).
    /// </summary>
    private async Task AlignOpenBatchItemsAsync(KitchenDbContext db, CancellationToken cancellationToken)
    {
        var open = await db.BatchItems.Where(b => b.OpenQuantity > 0).ToListAsync(cancellationToken);
        foreach (var item in open)
        {
            item.PrepSeconds = PrepSecondsOf(item.Station, item.ItemName);
        }

        await db.SaveChangesAsync(cancellationToken);
        await db.RefreshDemandAsync([.. open.Select(b => b.Id)], cancellationToken);
        db.ChangeTracker.Clear();
    }

    private async Task<int> SeedAsync(KitchenDbContext db, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var seeds = options.Value;
        var items = await db.ProductionItems.Select(i => i.Name).ToListAsync(cancellationToken);
        var mappings = (await db.MenuMappings.Select(m => new { m.Brand, m.Item }).ToListAsync(cancellationToken))
            .Select(m => MappingKey(m.Brand, m.Item)).ToHashSet(StringComparer.Ordinal);
        var count = 0;
        foreach (var (name, seed) in seeds.Items)
        {
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(seed.Station) || items.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            db.ProductionItems.Add(new ProductionItem { Name = name.Trim(), Station = seed.Station.Trim(), PrepTime = seed.PrepTime, UpdatedAt = now });
            count++;
        }

        foreach (var seed in seeds.Mappings)
        {
            if (string.IsNullOrWhiteSpace(seed.Brand) || string.IsNullOrWhiteSpace(seed.Item) || string.IsNullOrWhiteSpace(seed.ProductionItem)
                || seed.Multiplier is < 1 or > 100 || !mappings.Add(MappingKey(seed.Brand, seed.Item)))
            {
                continue;
            }

            db.MenuMappings.Add(new MenuMapping { Brand = seed.Brand.Trim(), Item = seed.Item.Trim(), ProductionItem = seed.ProductionItem.Trim(), Multiplier = seed.Multiplier, UpdatedAt = now });
            count++;
        }

        if (count > 0)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another instance seeded at the same time: what it wrote is the same configuration.
                db.ChangeTracker.Clear();
                return 0;
            }
        }

        return count;
    }

    /// <summary>The prep time fire times use, by <see cref="KitchenProductionOptions.PrepTimeSource"/>: configured, or learned from the item's batches.</summary>
    private int PrepSeconds(TimeSpan? own, string station, string productionItem)
    {
        var configured = (int)(own ?? options.Value.PrepTimeAt(station)).TotalSeconds;
        var settings = options.Value;
        return _learned.GetValueOrDefault((station, productionItem)) is { } learned && settings.PrepTimeSource switch
        {
            PrepTimeSource.Learned => learned.Samples >= 1,
            PrepTimeSource.LearnedWithFallback => learned.Samples >= settings.Learning.MinimumSamples,
            _ => false,
        }
            ? learned.Seconds
            : configured;
    }

    /// <summary>A mapping's identity: brand and item, trimmed and compared without case.</summary>
    public static string MappingKey(string brand, string item)
        => string.Concat(brand.Trim().ToUpperInvariant(), "\u001F", item.Trim().ToUpperInvariant());

    private sealed record Snapshot(FrozenDictionary<string, ProductionItem> Items, FrozenDictionary<string, MenuMapping> Mappings)
    {
        public static Snapshot Empty { get; } = new(FrozenDictionary<string, ProductionItem>.Empty, FrozenDictionary<string, MenuMapping>.Empty);
    }
}

/// <summary>A menu item as the kitchen cooks it: <paramref name="Multiplier"/> × <paramref name="ProductionItem"/> at <paramref name="Station"/>.</summary>
public sealed record ResolvedItem(string Station, string ProductionItem, int Multiplier, int PrepSeconds);
