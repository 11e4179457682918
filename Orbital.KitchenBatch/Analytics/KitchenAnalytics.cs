using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Production;

namespace Orbital.KitchenBatch.Analytics;

/// <summary>
/// Computes the kitchen's figures for a period from what it keeps: orders and their lines (received, due, ready),
/// the batches cooks made (<see cref="BatchRun"/>), surplus given out and waste. Each figure is one SQL aggregate
/// over the period, so a month of a busy kitchen is answered by PostgreSQL without loading it.
/// </summary>
public sealed class KitchenAnalytics(KitchenDbContext db, ProductionCatalog catalog, IOptions<KitchenProductionOptions> production, TimeProvider time)
{
    private const string Cancelled = nameof(OrderStatus.Cancelled);
    private const string Open = nameof(OrderStatus.Open);

    public async Task<KitchenAnalyticsView> ComputeAsync(DateTimeOffset from, DateTimeOffset to, int bucketMinutes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lateUntil = to < now ? to : now;

        // Orders: received, ready (with ticket times) and late, overall, by bucket and by brand.
        var orders = await db.Database.SqlQuery<OrderRow>($"""
            SELECT o.brand AS brand,
                   date_bin(make_interval(mins => {bucketMinutes}), o.received_at, {from}) AS bucket,
                   count(*)::int AS orders,
                   coalesce(sum(l.items), 0)::int AS items
            FROM orders o
            LEFT JOIN LATERAL (SELECT sum(menu_quantity) AS items FROM order_lines WHERE kitchen_order_id = o.id) l ON true
            WHERE o.received_at >= {from} AND o.received_at < {to} AND o.status <> {Cancelled}
            GROUP BY o.brand, 2
            """).ToListAsync(cancellationToken);
        var ready = await db.Database.SqlQuery<TicketRow>($"""
            SELECT o.brand AS brand,
                   date_bin(make_interval(mins => {bucketMinutes}), o.ready_at, {from}) AS bucket,
                   extract(epoch FROM o.ready_at - o.received_at)::float8 AS seconds
            FROM orders o
            WHERE o.ready_at >= {from} AND o.ready_at < {to} AND o.status <> {Cancelled}
            """).ToListAsync(cancellationToken);
        var late = await db.Database.SqlQuery<LateRow>($"""
            SELECT o.brand AS brand,
                   date_bin(make_interval(mins => {bucketMinutes}), o.due_at, {from}) AS bucket
            FROM orders o
            WHERE o.due_at >= {from} AND o.due_at < {lateUntil} AND o.status <> {Cancelled}
              AND (o.ready_at > o.due_at OR (o.ready_at IS NULL AND (o.closed_at IS NULL OR o.closed_at > o.due_at)))
            """).ToListAsync(cancellationToken);

        // Lines by station: items ordered, ticket time to the station's line being ready, late lines.
        var stationItems = await db.Database.SqlQuery<StationCountRow>($"""
            SELECT l.station AS station, coalesce(sum(l.quantity), 0)::int AS count
            FROM order_lines l JOIN orders o ON o.id = l.kitchen_order_id
            WHERE o.received_at >= {from} AND o.received_at < {to} AND o.status <> {Cancelled}
            GROUP BY l.station
            """).ToListAsync(cancellationToken);
        var stationTickets = await db.Database.SqlQuery<StationSecondsRow>($"""
            SELECT l.station AS station, extract(epoch FROM l.ready_at - o.received_at)::float8 AS seconds
            FROM order_lines l JOIN orders o ON o.id = l.kitchen_order_id
            WHERE l.ready_at >= {from} AND l.ready_at < {to} AND (o.status = {Open} OR o.ready_at IS NOT NULL)
            """).ToListAsync(cancellationToken);
        var lateLines = await db.Database.SqlQuery<StationCountRow>($"""
            SELECT l.station AS station, count(*)::int AS count
            FROM order_lines l JOIN orders o ON o.id = l.kitchen_order_id
            WHERE o.due_at >= {from} AND o.due_at < {lateUntil} AND o.status <> {Cancelled}
              AND (o.ready_at > o.due_at OR (o.ready_at IS NULL AND (o.closed_at IS NULL OR o.closed_at > o.due_at)))
              AND (l.ready_at > o.due_at OR (l.ready_at IS NULL AND l.completed_quantity < l.quantity))
            GROUP BY l.station
            """).ToListAsync(cancellationToken);

        // Batches completed in the period; surplus given and waste.
        var batches = await db.Database.SqlQuery<BatchRow>($"""
            SELECT station AS station, item_name AS item, quantity AS quantity,
                   date_bin(make_interval(mins => {bucketMinutes}), completed_at, {from}) AS bucket,
                   CASE WHEN started_at IS NULL THEN NULL ELSE extract(epoch FROM completed_at - started_at)::float8 END AS seconds
            FROM batch_runs
            WHERE completed_at >= {from} AND completed_at < {to}
            """).ToListAsync(cancellationToken);
        var surplus = await db.Database.SqlQuery<ItemCountRow>($"""
            SELECT station AS station, item_name AS item, sum(quantity)::int AS count
            FROM surplus_uses WHERE used_at >= {from} AND used_at < {to}
            GROUP BY station, item_name
            """).ToListAsync(cancellationToken);
        var waste = await db.Database.SqlQuery<WasteRow>($"""
            SELECT station AS station, item_name AS item, reason AS reason,
                   date_bin(make_interval(mins => {bucketMinutes}), discarded_at, {from}) AS bucket,
                   sum(quantity)::int AS quantity
            FROM waste_records WHERE discarded_at >= {from} AND discarded_at < {to}
            GROUP BY station, item_name, reason, 4
            """).ToListAsync(cancellationToken);

        var items = ProductionItems(batches, surplus, waste);
        var started = batches.Where(b => b.Seconds is not null).Select(b => b.Seconds!.Value).ToList();
        var totals = new AnalyticsTotals(
            orders.Sum(o => o.Orders),
            ready.Count,
            late.Count,
            orders.Sum(o => o.Items),
            batches.Count,
            Average(batches),
            Percentiles(ready.Select(r => r.Seconds)),
            Percentiles(started),
            surplus.Sum(s => s.Count),
            waste.Sum(w => w.Quantity));

        // Each list grouped by bucket once: a month in 15-minute buckets is thousands of buckets.
        var ordersBy = orders.ToLookup(o => o.Bucket);
        var readyBy = ready.ToLookup(r => r.Bucket);
        var lateBy = late.ToLookup(l => l.Bucket);
        var batchesBy = batches.ToLookup(b => b.Bucket);
        var wasteBy = waste.ToLookup(w => w.Bucket);
        var buckets = new List<AnalyticsBucket>();
        for (var bucket = from; bucket < to; bucket = bucket.AddMinutes(bucketMinutes))
        {
            buckets.Add(new AnalyticsBucket(
                bucket,
                ordersBy[bucket].Sum(o => o.Orders),
                readyBy[bucket].Count(),
                lateBy[bucket].Count(),
                ordersBy[bucket].Sum(o => o.Items),
                batchesBy[bucket].Count(),
                Percentiles(readyBy[bucket].Select(r => r.Seconds)),
                wasteBy[bucket].Sum(w => w.Quantity)));
        }

        var stationNames = stationItems.Select(s => s.Station).Concat(batches.Select(b => b.Station)).Concat(stationTickets.Select(t => t.Station)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var stations = stationNames.Select(station => new StationAnalytics(
            station,
            stationItems.Where(s => s.Station == station).Sum(s => s.Count),
            batches.Count(b => b.Station == station),
            Average(batches.Where(b => b.Station == station).ToList()),
            Percentiles(batches.Where(b => b.Station == station && b.Seconds is not null).Select(b => b.Seconds!.Value)),
            Percentiles(stationTickets.Where(t => t.Station == station).Select(t => t.Seconds)),
            lateLines.Where(l => l.Station == station).Sum(l => l.Count),
            waste.Where(w => w.Station == station).Sum(w => w.Quantity))).ToList();

        var brands = orders.Select(o => o.Brand).Concat(ready.Select(r => r.Brand)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(brand => new BrandAnalytics(
                brand,
                orders.Where(o => o.Brand == brand).Sum(o => o.Orders),
                late.Count(l => l.Brand == brand),
                Percentiles(ready.Where(r => r.Brand == brand).Select(r => r.Seconds))))
            .ToList();

        return new KitchenAnalyticsView(
            from,
            to,
            bucketMinutes,
            now,
            production.Value.PrepTimeSource.ToString(),
            totals,
            buckets,
            stations,
            brands,
            items,
            [.. batches.GroupBy(b => b.Quantity).OrderBy(g => g.Key).Select(g => new BatchSizeCount(g.Key, g.Count()))],
            [.. waste.GroupBy(w => (w.Station, w.Item, w.Reason)).Select(g => new WasteByReason(g.Key.Station, g.Key.Item, g.Sum(w => w.Quantity), g.Key.Reason)).OrderByDescending(w => w.Quantity)],
            [.. items.Where(i => i.PrepSeconds.P90 is not null).OrderByDescending(i => i.PrepSeconds.P90).Take(10)]);
    }

    private List<ProductionItemAnalytics> ProductionItems(List<BatchRow> batches, List<ItemCountRow> surplus, List<WasteRow> waste)
    {
        var keys = batches.Select(b => (b.Station, b.Item))
            .Concat(surplus.Select(s => (s.Station, s.Item)))
            .Concat(waste.Select(w => (w.Station, w.Item)))
            .Concat(catalog.Current.Items.Select(i => (i.Station, Item: i.Name)))
            .Distinct()
            .OrderBy(k => k.Station, StringComparer.Ordinal).ThenBy(k => k.Item, StringComparer.Ordinal);
        return
        [
            .. keys.Select(key =>
            {
                var runs = batches.Where(b => b.Station == key.Station && b.Item == key.Item).ToList();
                var learned = catalog.LearnedOf(key.Station, key.Item);
                return new ProductionItemAnalytics(
                    key.Item,
                    key.Station,
                    runs.Count,
                    runs.Sum(r => r.Quantity),
                    Average(runs),
                    Percentiles(runs.Where(r => r.Seconds is not null).Select(r => r.Seconds!.Value)),
                    BySize(runs),
                    (int)catalog.ConfiguredPrepTimeOf(key.Station, key.Item).TotalSeconds,
                    learned?.Seconds,
                    learned?.Samples ?? 0,
                    catalog.PrepSecondsOf(key.Station, key.Item),
                    waste.Where(w => w.Station == key.Station && w.Item == key.Item).Sum(w => w.Quantity),
                    surplus.Where(s => s.Station == key.Station && s.Item == key.Item).Sum(s => s.Count));
            }),
        ];
    }

    private static List<PrepBySize> BySize(List<BatchRow> runs)
    {
        (string Name, int Min, int Max)[] sizes = [("1", 1, 1), ("2-3", 2, 3), ("4-6", 4, 6), ("7+", 7, int.MaxValue)];
        return
        [
            .. sizes
                .Select(s => (s.Name, Seconds: runs.Where(r => r.Quantity >= s.Min && r.Quantity <= s.Max && r.Seconds is not null).Select(r => r.Seconds!.Value).ToList()))
                .Where(s => s.Seconds.Count > 0)
                .Select(s => new PrepBySize(s.Name, Percentile(s.Seconds, 0.5), s.Seconds.Count)),
        ];
    }

    private static double? Average(List<BatchRow> batches) => batches.Count == 0 ? null : Math.Round(batches.Average(b => b.Quantity), 2);

    private static Percentiles Percentiles(IEnumerable<double> samples)
    {
        var sorted = samples.ToList();
        return sorted.Count == 0 ? Analytics.Percentiles.None : new Percentiles(Percentile(sorted, 0.5), Percentile(sorted, 0.9), sorted.Count);
    }

    /// <summary>The <paramref name="p"/> quantile by linear interpolation between closest ranks (as PostgreSQL's percentile_cont), to the tenth of a second.</summary>
    internal static double? Percentile(List<double> samples, double p)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        samples.Sort();
        var rank = p * (samples.Count - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, samples.Count - 1);
        return Math.Round(samples[below] + ((samples[above] - samples[below]) * (rank - below)), 1);
    }

    private sealed record OrderRow(string Brand, DateTimeOffset Bucket, int Orders, int Items);

    private sealed record TicketRow(string Brand, DateTimeOffset Bucket, double Seconds);

    private sealed record LateRow(string Brand, DateTimeOffset Bucket);

    private sealed record StationCountRow(string Station, int Count);

    private sealed record StationSecondsRow(string Station, double Seconds);

    private sealed record BatchRow(string Station, string Item, int Quantity, DateTimeOffset Bucket, double? Seconds);

    private sealed record ItemCountRow(string Station, string Item, int Count);

    private sealed record WasteRow(string Station, string Item, string Reason, DateTimeOffset Bucket, int Quantity);
}
