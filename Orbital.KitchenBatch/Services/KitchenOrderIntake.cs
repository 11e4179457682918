using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Events;
using Orbital.KitchenBatch.Events.Payloads;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Model.Views;

namespace Orbital.KitchenBatch.Services;

/// <summary>
/// Applies what the platform says about an order, in one transaction: a new order, the order as it is after a
/// change, or its cancellation. Lines are matched by their line id and changed as a difference: a lowered or
/// removed line takes its open demand away from the batch item and turns what was already cooked for it into
/// surplus; new demand takes surplus before anything is cooked for it. Each change carries a revision, and one
/// that is older than the order's, or leaves it as it is, is acknowledged without effect, so repeats and late
/// redeliveries are harmless.
/// </summary>
/// <remarks>
/// Locks are taken in one order everywhere: the batch items an order touches (by key), then the orders (by id).
/// Completions take one batch item, then the orders they finish, so the two never wait on each other in a circle.
/// The unique index on the order id, not the look-up before it, decides whether an order is new.
/// </remarks>
public sealed class KitchenOrderIntake(
    KitchenDbContext db,
    KitchenEventOutbox events,
    OrderReadiness readiness,
    IOptions<KitchenSurplusOptions> surplus,
    TimeProvider time)
{
    private const string OrderIdIndex = "ix_orders_order_id";

    // Another delivery of the same order changing it between the look and the lock is rare; it never repeats
    // more than a few times unless something keeps changing the order, which the sender waits out as unavailable.
    private const int MaxAttempts = 5;

    /// <summary>Stores a new order, or the order as it is at a newer revision than the kitchen's.</summary>
    public Task<IntakeResult> AcceptAsync(OrderRequest request, CancellationToken cancellationToken)
        => ApplyAsync(OrderChange.Of(request), cancellationToken);

    /// <summary>Cancels an order, found by its id or, for a deleted document, by its source id.</summary>
    public Task<IntakeResult> CancelAsync(OrderCancellation cancellation, CancellationToken cancellationToken)
        => ApplyAsync(OrderChange.Of(cancellation), cancellationToken);

    public async Task<IntakeResult> ApplyAsync(OrderChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            if (await TryApplyAsync(change, cancellationToken) is { } result)
            {
                return result;
            }

            if (attempt == MaxAttempts)
            {
                throw new TimeoutException($"Order {change.OrderId ?? change.SourceId} kept changing while it was being applied ({MaxAttempts} attempts).");
            }
        }
    }

    /// <returns>The result; null when another delivery of the order changed it meanwhile, to be tried again.</returns>
    private async Task<IntakeResult?> TryApplyAsync(OrderChange change, CancellationToken cancellationToken)
    {
        var now = Now();
        var seen = await LookAsync(change, cancellationToken);
        if (seen is not null && (!change.Supersedes(seen.Revision) || seen.Matches(change)))
        {
            // Nothing to do: an old or repeated change, or one that leaves the order as it is (a catch-up re-reading
            // an unchanged order, a change to a field that does not reach the kitchen).
            return new IntakeResult(seen.ReceivedAt, Duplicate: true);
        }

        if (seen is null && change.State is null && change.OrderId is null)
        {
            // A deleted document the kitchen never had: there is nothing to cancel.
            return new IntakeResult(now, Duplicate: false);
        }

        var wanted = change.State is { } state ? WantedLines(state) : [];
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batches = await LockBatchItemsAsync([.. seen?.Lines.Select(l => l.Key) ?? [], .. wanted.Select(w => w.Key)], now, cancellationToken);

        KitchenOrder order;
        OrderStatus? before = null;
        if (seen is null)
        {
            order = NewOrder(change, now);
            db.Orders.Add(order);
        }
        else
        {
            order = await LockOrderAsync(seen.Id, cancellationToken);
            if (!change.Supersedes(order.Revision))
            {
                return new IntakeResult(order.ReceivedAt, Duplicate: true);
            }

            await db.OrderLines.Where(l => l.KitchenOrderId == order.Id).LoadAsync(cancellationToken);
            if (order.Lines.Any(l => !batches.ById.ContainsKey(l.BatchItemId)))
            {
                return null;
            }

            before = order.Status;
        }

        var changes = ApplyLines(order, wanted, batches, now);
        order.Revision = change.Revision;
        if (change.State is not null)
        {
            order.Brand = change.State.Brand;
        }

        // Before anything is saved: the database refuses a batch item holding surplus and open demand at once.
        var assigned = await AllocateSurplusAsync(order, batches.ById.Values, now, cancellationToken);
        var ownReady = SetStatus(order, change, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (seen is null && DatabaseFailures.IsUniqueViolation(ex, OrderIdIndex))
        {
            // Another delivery created the order first; look again and apply this one as a change, if it is newer.
            return null;
        }

        var others = assigned.Select(a => a.Line.KitchenOrderId).Where(id => id != order.Id).Distinct().Order().ToArray();
        var (otherOrders, othersReady) = await readiness.MarkReadyAsync(others, now, cancellationToken);
        otherOrders[order.Id] = order;

        var after = await RefreshAsync([.. batches.ById.Keys], cancellationToken);
        AddOrderEvent(order, change, before, changes, now);
        foreach (var batch in after.Where(b => batches.Before[b.Id] != Quantities.Of(b)))
        {
            events.Add(KitchenEventTypes.BatchUpdated, batch.Station, BatchItemView.From(batch));
        }

        foreach (var batch in after.Where(b => batches.Before[b.Id].Surplus != b.SurplusQuantity))
        {
            var given = assigned.Where(a => a.Line.BatchItemId == batch.Id)
                .Select(a => new AllocationPayload(otherOrders[a.Line.KitchenOrderId].OrderId, a.Line.LineId, a.Quantity));
            events.Add(KitchenEventTypes.SurplusUpdated, batch.Station, new SurplusUpdatedPayload(SurplusView.From(batch), [.. given], Discarded: 0, Reason: null));
        }

        foreach (var ready in (ownReady is null ? othersReady : [ownReady, .. othersReady]))
        {
            events.Add(KitchenEventTypes.OrderReady, station: null, ready);
        }

        await events.WriteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        events.Committed();
        return new IntakeResult(order.ReceivedAt, Duplicate: false, Changed: seen is not null);
    }

    /// <summary>How many orders the kitchen holds, and the one it received last (none when it holds none).</summary>
    public async Task<(long Count, KitchenOrder? Latest)> StateAsync(CancellationToken cancellationToken)
    {
        var count = await db.Orders.LongCountAsync(cancellationToken);
        var latest = count == 0 ? null : await db.Orders.AsNoTracking().OrderByDescending(o => o.Id).FirstOrDefaultAsync(cancellationToken);
        return (count, latest);
    }

    /// <summary>
    /// The orders the kitchen is still working on, newest first: open, or ready within the holding time (a change to
    /// them still changes what is cooked or packed). At most <paramref name="limit"/>.
    /// </summary>
    public async Task<List<(string OrderId, string? SourceId)>> ActiveOrdersAsync(int limit, CancellationToken cancellationToken)
    {
        var readySince = Now() - surplus.Value.HoldingTime;
        var orders = await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Open || (o.Status == OrderStatus.Ready && o.ReadyAt >= readySince))
            .OrderByDescending(o => o.Id)
            .Take(limit)
            .Select(o => new { o.OrderId, o.SourceId })
            .ToListAsync(cancellationToken);
        return [.. orders.Select(o => (o.OrderId, o.SourceId))];
    }

    /// <summary>The order as stored before this change, without locking anything: which batch items to lock.</summary>
    private async Task<SeenOrder?> LookAsync(OrderChange change, CancellationToken cancellationToken)
    {
        var orders = db.Orders.AsNoTracking();
        orders = change.OrderId is { } orderId
            ? orders.Where(o => o.OrderId == orderId)
            : orders.Where(o => o.SourceId == change.SourceId).OrderByDescending(o => o.Id);
        var order = await orders.Select(o => new { o.Id, o.Revision, o.ReceivedAt, o.Brand, o.Status }).FirstOrDefaultAsync(cancellationToken);
        if (order is null)
        {
            return null;
        }

        var lines = await db.OrderLines.AsNoTracking()
            .Where(l => l.KitchenOrderId == order.Id)
            .Select(l => new SeenLine(l.LineId, l.Station, l.ItemName, l.Modifiers, l.Note, l.Quantity))
            .ToListAsync(cancellationToken);
        return new SeenOrder(order.Id, order.Revision, order.ReceivedAt, order.Brand, order.Status, lines);
    }

    /// <summary>
    /// Locks the batch items of <paramref name="keys"/>, creating the missing ones empty, one atomic upsert each and
    /// in key order, so concurrent intakes lock them in the same order.
    /// </summary>
    private async Task<LockedBatchItems> LockBatchItemsAsync(IEnumerable<BatchKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var locked = new LockedBatchItems();
        var distinct = keys.DistinctBy(k => k.Identity)
            .OrderBy(k => k.Station, StringComparer.Ordinal)
            .ThenBy(k => k.ItemName, StringComparer.Ordinal)
            .ThenBy(k => k.ModifiersKey, StringComparer.Ordinal);
        foreach (var key in distinct)
        {
            var modifiers = key.Modifiers.ToArray();
            var item = (await db.BatchItems.FromSql($"""
                    INSERT INTO batch_items (station, item_name, modifiers, modifiers_key, open_quantity, in_progress_quantity, surplus_quantity, updated_at)
                    VALUES ({key.Station}, {key.ItemName}, {modifiers}, {key.ModifiersKey}, 0, 0, 0, {now})
                    ON CONFLICT (station, item_name, modifiers_key) DO UPDATE SET updated_at = batch_items.updated_at
                    RETURNING *
                    """).ToListAsync(cancellationToken)).Single();
            locked.Add(key, item);
        }

        return locked;
    }

    private async Task<KitchenOrder> LockOrderAsync(long id, CancellationToken cancellationToken)
        => (await db.Orders.FromSql($"SELECT * FROM orders WHERE id = {id} FOR UPDATE").ToListAsync(cancellationToken)).Single();

    /// <summary>
    /// Brings the order's lines to <paramref name="wanted"/>: the same line id with another station, item or
    /// modifiers is another batch item's demand, so it leaves the old one (freeing what was cooked) and joins the new.
    /// </summary>
    /// <returns>The lines whose quantity changed.</returns>
    private List<LineChangePayload> ApplyLines(KitchenOrder order, IReadOnlyList<WantedLine> wanted, LockedBatchItems batches, DateTimeOffset now)
    {
        var changes = new List<LineChangePayload>();
        var remaining = wanted.ToDictionary(w => w.LineId, StringComparer.Ordinal);

        // A ready order's food waits at the pass for a while; after that it has been handed over, and what a change
        // takes away from it is gone rather than surplus.
        var keepsFood = order.Status != OrderStatus.Ready || order.ReadyAt >= now - surplus.Value.HoldingTime;
        foreach (var line in order.Lines.ToList())
        {
            var current = batches.ById[line.BatchItemId];
            if (!remaining.Remove(line.LineId, out var target) || batches.ByKey[target.Key.Identity] != current)
            {
                changes.Add(Change(line, current, 0, keepsFood, now));
                db.OrderLines.Remove(line);
                if (target is not null)
                {
                    AddLine(order, target, batches, changes, now);
                }

                continue;
            }

            if (line.Quantity != target.Quantity)
            {
                changes.Add(Change(line, current, target.Quantity, keepsFood, now));
            }

            line.Note = target.Note;
            line.Modifiers = target.Modifiers;
        }

        foreach (var target in wanted.Where(w => remaining.ContainsKey(w.LineId)))
        {
            AddLine(order, target, batches, changes, now);
        }

        return changes;
    }

    private static void AddLine(KitchenOrder order, WantedLine target, LockedBatchItems batches, List<LineChangePayload> changes, DateTimeOffset now)
    {
        var batch = batches.ByKey[target.Key.Identity];
        var line = new OrderLine
        {
            LineId = target.LineId,
            Station = target.Station,
            ItemName = target.ItemName,
            Modifiers = target.Modifiers,
            Note = target.Note,
            PlacedAt = order.PlacedAt,
            BatchItemId = batch.Id,
        };
        order.Lines.Add(line);
        changes.Add(Change(line, batch, target.Quantity, keepsFood: true, now));
    }

    private static LineChangePayload Change(OrderLine line, BatchItem batch, int quantity, bool keepsFood, DateTimeOffset now)
    {
        var from = line.Quantity;
        var freed = BatchAllocator.ChangeQuantity(batch, line, quantity, keepsFood, now);
        return new LineChangePayload(line.LineId, line.Station, line.ItemName, line.Modifiers, from, quantity, freed);
    }

    /// <summary>
    /// Gives each batch item's surplus to its oldest open lines, whichever order they belong to: this order's lines
    /// as they are now (some not saved yet), and the other orders' open lines as stored.
    /// </summary>
    private async Task<List<LineAllocation>> AllocateSurplusAsync(KitchenOrder order, IEnumerable<BatchItem> batches, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var assigned = new List<LineAllocation>();
        foreach (var batch in batches.Where(b => b.SurplusQuantity > 0 && b.OpenQuantity > 0).OrderBy(b => b.Id))
        {
            var orderId = order.Id;
            var others = await db.OrderLines
                .Where(l => l.BatchItemId == batch.Id && l.KitchenOrderId != orderId && l.CompletedQuantity < l.Quantity)
                .ToListAsync(cancellationToken);
            var own = order.Lines.Where(l => l.BatchItemId == batch.Id && l.OpenQuantity > 0);
            assigned.AddRange(BatchAllocator.AllocateSurplus(batch, [.. BatchAllocator.OldestFirst([.. others, .. own])], now));
        }

        return assigned;
    }

    /// <summary>Where the order stands after the change; the order, when it became ready by it.</summary>
    private static ReadyOrderView? SetStatus(KitchenOrder order, OrderChange change, DateTimeOffset now)
    {
        if (change.State is null)
        {
            order.Status = OrderStatus.Cancelled;
            order.CancelledAt = now;
            order.CancelReason = change.CancelReason;
            order.ReadyAt = null;
            return null;
        }

        order.CancelledAt = null;
        order.CancelReason = null;
        if (order.Lines.Where(l => l.Quantity > 0).Any(l => l.OpenQuantity > 0))
        {
            // An order that was ready and got new lines is open again.
            order.Status = OrderStatus.Open;
            order.ReadyAt = null;
            return null;
        }

        if (order.Status == OrderStatus.Ready)
        {
            return null;
        }

        order.Status = OrderStatus.Ready;
        order.ReadyAt = now;
        return ReadyOrderView.From(order);
    }

    /// <summary>The batch items as committed, with the oldest open line of each computed again.</summary>
    private async Task<List<BatchItem>> RefreshAsync(long[] ids, CancellationToken cancellationToken)
        => await db.BatchItems.FromSql($"""
                UPDATE batch_items b
                SET oldest_open_placed_at = (
                    SELECT min(l.placed_at) FROM order_lines l
                    WHERE l.batch_item_id = b.id AND l.completed_quantity < l.quantity)
                WHERE b.id = ANY({ids})
                RETURNING b.*
                """).AsNoTracking().ToListAsync(cancellationToken);

    private void AddOrderEvent(KitchenOrder order, OrderChange change, OrderStatus? before, List<LineChangePayload> changes, DateTimeOffset now)
    {
        if (change.State is null)
        {
            // A cancellation of an order that was never here leaves nothing on any screen to take away.
            if (before is { } was && was != OrderStatus.Cancelled)
            {
                events.Add(KitchenEventTypes.OrderCancelled, station: null, new OrderCancelledPayload(
                    order.OrderId, order.Brand, order.CancelReason ?? "cancelled", was == OrderStatus.Ready, now, changes));
            }

            return;
        }

        var lines = order.Lines.Where(l => l.Quantity > 0).ToList();
        if (before is null)
        {
            events.Add(
                KitchenEventTypes.OrderReceived,
                station: null,
                new OrderReceivedPayload(order.OrderId, order.Brand, order.PlacedAt, [.. lines.Select(l => l.Station).Distinct()], lines.Sum(l => l.Quantity)));
        }
        else if (changes.Count > 0 || before != order.Status)
        {
            events.Add(KitchenEventTypes.OrderUpdated, station: null, new OrderUpdatedPayload(
                order.OrderId,
                order.Brand,
                order.Status.ToString(),
                [.. lines.Select(l => new OrderLinePayload(l.LineId, l.Station, l.ItemName, l.Modifiers, l.Quantity, l.CompletedQuantity))],
                changes));
        }
    }

    private static KitchenOrder NewOrder(OrderChange change, DateTimeOffset now) => new()
    {
        OrderId = change.OrderId!,
        Brand = change.State?.Brand ?? string.Empty,

        // A cancellation that arrives first is kept, so that the order arriving later with an older revision is not cooked.
        PlacedAt = change.State?.PlacedAt.ToDateTimeOffset() ?? now,
        ReceivedAt = now,
        SourceId = change.SourceId,
        Status = change.State is null ? OrderStatus.Cancelled : OrderStatus.Open,
    };

    private static List<WantedLine> WantedLines(OrderRequest state)
        => [.. state.Stations.SelectMany(station => station.Items.Select(item => new WantedLine(
            item.LineId,
            station.Station,
            item.Name,
            [.. item.Modifiers],
            string.IsNullOrEmpty(item.Note) ? null : item.Note,
            item.Quantity,
            BatchKey.For(station.Station, item.Name, item.Modifiers))))];

    // PostgreSQL keeps microseconds: round now, so a duplicate's acknowledgement repeats the first one exactly.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private sealed record SeenOrder(long Id, ulong Revision, DateTimeOffset ReceivedAt, string Brand, OrderStatus Status, IReadOnlyList<SeenLine> Lines)
    {
        /// <summary>Whether the order already is what <paramref name="change"/> says it is.</summary>
        public bool Matches(OrderChange change)
        {
            if (change.State is not { } state)
            {
                return Status == OrderStatus.Cancelled;
            }

            var wanted = state.Stations.SelectMany(s => s.Items.Select(i => new SeenLine(i.LineId, s.Station, i.Name, [.. i.Modifiers], string.IsNullOrEmpty(i.Note) ? null : i.Note, i.Quantity))).ToList();
            return Status != OrderStatus.Cancelled
                && Brand == state.Brand
                && wanted.Count == Lines.Count
                && wanted.All(w => Lines.Any(l => l.SameAs(w)));
        }
    }

    private sealed record SeenLine(string LineId, string Station, string ItemName, string[] Modifiers, string? Note, int Quantity)
    {
        public BatchKey Key => BatchKey.For(Station, ItemName, Modifiers);

        public bool SameAs(SeenLine other)
            => LineId == other.LineId && Station == other.Station && ItemName == other.ItemName && Note == other.Note
               && Quantity == other.Quantity && Modifiers.SequenceEqual(other.Modifiers);
    }

    private sealed record WantedLine(string LineId, string Station, string ItemName, string[] Modifiers, string? Note, int Quantity, BatchKey Key);

    /// <summary>A batch item's quantities, to tell which ones a change moved.</summary>
    private readonly record struct Quantities(int Open, int InProgress, int Surplus, DateTimeOffset? OldestOpen)
    {
        public static Quantities Of(BatchItem item) => new(item.OpenQuantity, item.InProgressQuantity, item.SurplusQuantity, item.OldestOpenPlacedAt);
    }

    /// <summary>The batch items a change locked, by key and by id, with their quantities before it.</summary>
    private sealed class LockedBatchItems
    {
        public Dictionary<(string, string, string), BatchItem> ByKey { get; } = [];

        public Dictionary<long, BatchItem> ById { get; } = [];

        public Dictionary<long, Quantities> Before { get; } = [];

        public void Add(BatchKey key, BatchItem item)
        {
            ByKey[key.Identity] = item;
            ById[item.Id] = item;
            Before[item.Id] = Quantities.Of(item);
        }
    }
}
