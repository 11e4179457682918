using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Screens;
using Orbital.KitchenBatch.Screens.Payloads;
using Orbital.KitchenBatch.Surplus;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// Applies what the platform says about orders, many at once in one transaction: a new order, the order as it is
/// after a change, or its cancellation. Lines change as a difference (<see cref="OrderLineDiff"/>): a lowered or
/// removed line takes its open demand away from the batch item and turns what was already cooked for it into
/// surplus; new demand takes surplus before anything is cooked for it. Each change carries a revision, and one that
/// is older than the order's, or leaves it as it is, is acknowledged without effect, so repeats and late
/// redeliveries are harmless. Changes of one order are applied in the order they come.
/// </summary>
/// <remarks>
/// A batch costs the same few round trips whatever its size: one look, one upsert locking every batch item it
/// touches, one lock of the orders it changes, the new orders and lines in two statements, one save of what else
/// changed, the events and the commit (and a query or two when surplus or removed demand is involved). Locks are taken in one
/// order everywhere: batch items (by key), then orders (by id); completions take one batch item, then the orders they
/// finish, so the two never wait on each other in a circle. The unique index on the order id, not the look before
/// it, decides whether an order is new.
/// </remarks>
public sealed class KitchenOrderIntake(
    KitchenDbContext db,
    KitchenTransactions transactions,
    NewOrderReceiver receiver,
    NewOrderQueue newOrders,
    NewOrderWriter newOrderWriter,
    KitchenEventOutbox events,
    OrderReadiness readiness,
    IOptions<KitchenSurplusOptions> surplus,
    IntakeRules rules,
    FireSchedule schedule,
    KitchenTelemetry telemetry,
    TimeProvider time)
{
    private const string OrderIdIndex = "ix_orders_order_id";

    // An attempt is lost only when another delivery of the same order committed between its look and its lock, so
    // with N deliveries of one order racing, one of them loses at most N - 1 times (seen: 12 racing revisions made
    // one lose 5 times). The limit is for something that keeps changing an order without end, which the sender
    // waits out as unavailable; it is no bound on how many deliveries of an order may race.
    private const int MaxAttempts = 32;

    /// <summary>Stores a new order, or the order as it is at a newer revision than the kitchen's.</summary>
    public async Task<IntakeResult> AcceptAsync(OrderRequest request, CancellationToken cancellationToken)
        => (await ApplyAsync([OrderChange.Of(request)], cancellationToken))[0];

    /// <summary>Cancels an order, found by its id or, for a deleted document, by its source id.</summary>
    public async Task<IntakeResult> CancelAsync(OrderCancellation cancellation, CancellationToken cancellationToken)
        => (await ApplyAsync([OrderChange.Of(cancellation)], cancellationToken))[0];

    /// <summary>
    /// Applies <paramref name="changes"/>, in order; one result per change. Orders the kitchen has never seen are
    /// received in one round trip (<see cref="NewOrderReceiver"/>), together with other calls' new orders
    /// (<see cref="NewOrderQueue"/>); every other change, and a new order that meets surplus, is applied by the full
    /// path in one transaction after them.
    /// </summary>
    /// <remarks>
    /// A call is no longer one transaction: its new orders commit (and reach the screens) before its other changes are
    /// applied. Each change is still applied once, in order per order; a call that fails after its new orders
    /// committed is answered with the failure, and its repetition finds those orders there (acknowledged as
    /// duplicates), as a repeated call always has.
    /// </remarks>
    public async Task<IReadOnlyList<IntakeResult>> ApplyAsync(IReadOnlyList<OrderChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        using var activity = KitchenTelemetry.StartApply(changes.Count);
        var started = time.GetTimestamp();
        if (changes.Count == 1)
        {
            activity?.SetTag("orbital.order.id", changes[0].OrderId);
        }

        var results = new IntakeResult[changes.Count];
        var (receivedAt, received) = await newOrders.ReceiveAsync(receiver.Candidates(changes), rehearsal: false, cancellationToken);
        foreach (var index in received)
        {
            results[index] = new IntakeResult(receivedAt, Duplicate: false);
            telemetry.Received("new");
        }

        var rest = Enumerable.Range(0, changes.Count).Where(i => !received.Contains(i)).ToList();
        activity?.SetTag("orbital.intake.received_in_one_trip", received.Count);
        if (rest.Count > 0)
        {
            var applied = await ApplyInFullAsync([.. rest.Select(i => changes[i])], activity, cancellationToken);
            for (var i = 0; i < rest.Count; i++)
            {
                results[rest[i]] = applied[i];
            }
        }

        telemetry.IntakeApplied(time.GetElapsedTime(started), changes.Count);
        activity?.SetTag("orbital.intake.applied", results.Count(r => !r.Duplicate));
        return results;
    }

    /// <summary>
    /// A rehearsal of <see cref="ApplyAsync(IReadOnlyList{OrderChange}, CancellationToken)"/> for orders the kitchen
    /// has never seen: everything up to PostgreSQL's transaction, which is rolled back. Nothing is stored, no screen
    /// hears of it, and nothing is counted.
    /// </summary>
    /// <returns>The results <see cref="ApplyAsync(IReadOnlyList{OrderChange}, CancellationToken)"/> would give; null when one of the changes is not a new order received in one round trip (the full path that would apply it is not rehearsed).</returns>
    public async Task<IReadOnlyList<IntakeResult>?> RehearseAsync(IReadOnlyList<OrderChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        using var activity = KitchenTelemetry.StartApply(changes.Count);
        activity?.SetTag("orbital.intake.rehearsal", true);
        var (receivedAt, received) = await newOrders.ReceiveAsync(receiver.Candidates(changes), rehearsal: true, cancellationToken);
        return received.Count == changes.Count ? [.. changes.Select(_ => new IntakeResult(receivedAt, Duplicate: false))] : null;
    }

    /// <summary>The full path: applies <paramref name="changes"/> in one transaction, in order, trying again after a lost race.</summary>
    private async Task<IntakeResult[]> ApplyInFullAsync(IReadOnlyList<OrderChange> changes, System.Diagnostics.Activity? activity, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            if (await TryOnceAsync(changes, cancellationToken) is { } results)
            {
                activity?.SetTag("orbital.intake.attempts", attempt);
                for (var i = 0; i < results.Length; i++)
                {
                    telemetry.Received(results[i].Duplicate ? "duplicate" : changes[i].State is null ? "cancelled" : results[i].Changed ? "changed" : "new");
                }

                return results;
            }

            if (attempt == MaxAttempts)
            {
                throw new TimeoutException($"Orders kept changing while {changes.Count} changes were being applied ({MaxAttempts} attempts).");
            }
        }
    }

    /// <summary>
    /// One attempt; a deadlock or serialization failure PostgreSQL broke (two batches locking each other's orders)
    /// rolled this attempt back, and it is tried again like a lost race.
    /// </summary>
    private async Task<IntakeResult[]?> TryOnceAsync(IReadOnlyList<OrderChange> changes, CancellationToken cancellationToken)
    {
        try
        {
            return await TryApplyAsync(changes, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
        {
            return null;
        }
    }

    /// <returns>The results; null when another delivery changed one of the orders meanwhile, to be tried again.</returns>
    private async Task<IntakeResult[]?> TryApplyAsync(IReadOnlyList<OrderChange> changes, CancellationToken cancellationToken)
    {
        var now = Now();
        IntakePlan plan;
        using (KitchenTelemetry.Step("look"))
        {
            plan = IntakePlan.Make(changes, await LookAsync(changes, cancellationToken), now, rules);
        }

        if (plan.Applied.Count == 0)
        {
            // Nothing to apply, perhaps revisions to move up; each bump is one conditional statement, so a bump that
            // lost a race with another delivery is simply looked at again.
            return await BumpRevisionsAsync(plan, cancellationToken) ? plan.Results : null;
        }

        await using var transaction = await transactions.BeginAsync(cancellationToken);
        LockedBatchItems batches;
        Dictionary<string, KitchenOrder>? orders;
        using (KitchenTelemetry.Step("lock batch items and orders"))
        {
            batches = await LockBatchItemsAsync(plan.Keys, now, cancellationToken);
            orders = await LockOrdersAsync(plan, batches, cancellationToken);
            if (orders is null || !await BumpRevisionsAsync(plan, cancellationToken))
            {
                return null;
            }
        }

        var (applied, created) = ApplyChanges(plan, orders, batches, now);

        // Before anything is saved: the database refuses a batch item holding surplus and open demand at once.
        List<LineAllocation> assigned;
        using (KitchenTelemetry.Step("allocate surplus"))
        {
            assigned = await AllocateSurplusAsync([.. orders.Values], batches, now, cancellationToken);
        }

        var ready = SetStatuses(applied, now);
        if (await WriteAsync(created, orders, batches, assigned, now, cancellationToken) is not { } written)
        {
            return null;
        }

        var after = batches.ById.Values.Select(b => written.Refreshed.GetValueOrDefault(b.Id, b)).ToList();
        AddEvents(applied, batches, after, assigned, written.Orders, [.. ready, .. written.Ready], now);
        using (KitchenTelemetry.Step("write events and commit"))
        {
            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var change in applied.Where(a => a.Index >= 0))
        {
            plan.Results[change.Index] = new IntakeResult(change.Order.ReceivedAt, Duplicate: false, Changed: change.StatusBefore is not null);
        }

        return plan.Results;
    }

    /// <summary>
    /// Applies each change of the plan to its order (a new one when the kitchen has none): its lines against the
    /// locked batch items, its revision, brand or cancellation. New orders stay off the change tracker:
    /// <see cref="NewOrderWriter"/> inserts them all at once.
    /// </summary>
    private (List<AppliedChange> Applied, List<KitchenOrder> Created) ApplyChanges(IntakePlan plan, Dictionary<string, KitchenOrder> orders, LockedBatchItems batches, DateTimeOffset now)
    {
        var created = new List<KitchenOrder>();
        var applied = new List<AppliedChange>();
        foreach (var (index, change, orderId, wanted) in plan.Applied)
        {
            if (!orders.TryGetValue(orderId, out var order))
            {
                order = NewOrder(change, orderId, now);
                created.Add(order);
                orders[orderId] = order;
            }

            var statusBefore = plan.IsNew(orderId) && applied.All(a => a.Order != order) ? (OrderStatus?)null : order.Status;
            var dueBefore = order.DueAt;
            if (change.State is not null)
            {
                order.DueAt = rules.DueAt(change.State, order.PlacedAt);
            }

            var lineChanges = OrderLineDiff.Apply(order, wanted, batches, Remove, surplus.Value.HoldingTime, now);
            order.Revision = change.Revision;
            if (change.Finishes)
            {
                // The platform finished it: what is still open leaves the batches, recorded on the order.
                if (order.Status != OrderStatus.Closed)
                {
                    OrderCloser.Close(order, id => batches.ById[id], Remove, $"finished on the platform ({change.State!.FinishedStatus})", now);
                }
            }
            else if (change.State is not null)
            {
                order.Brand = change.State.Brand;
                order.CancelledAt = null;
                order.CancelReason = null;
            }
            else
            {
                order.Status = OrderStatus.Cancelled;
                order.CancelledAt = now;
                order.CancelReason = change.CancelReason;
                order.ReadyAt = null;
            }

            applied.Add(new AppliedChange(index, change, order, statusBefore, dueBefore, lineChanges));
        }

        foreach (var order in applied.Select(a => a.Order).Distinct())
        {
            // A later change of the batch may have found the order as it already was, with a newer revision.
            order.Revision = Math.Max(order.Revision, plan.FinalRevision(order.OrderId));
        }

        return (applied, created);
    }

    /// <summary>
    /// Writes the new orders, then the changed orders and batch items; marks ready the other orders surplus
    /// completed, and computes again the oldest open line of the batch items that lost theirs.
    /// </summary>
    /// <returns>What was written; null when another delivery created one of the new orders first.</returns>
    private async Task<WrittenChanges?> WriteAsync(
        List<KitchenOrder> created,
        Dictionary<string, KitchenOrder> orders,
        LockedBatchItems batches,
        List<LineAllocation> assigned,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        using var write = KitchenTelemetry.Step("write orders and batch items");
        write?.SetTag("orbital.intake.new_orders", created.Count);
        try
        {
            await newOrderWriter.InsertAsync(created, cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == OrderIdIndex)
        {
            // Another delivery created one of the orders first; look again and apply these as changes, if newer.
            write?.SetTag("orbital.intake.retry", "another delivery created one of the orders first");
            return null;
        }

        await db.SaveChangesAsync(cancellationToken);

        var mine = orders.Values.Select(o => o.Id).ToHashSet();
        var others = assigned.Select(a => a.Line.KitchenOrderId).Where(id => !mine.Contains(id)).Distinct().Order().ToArray();
        var (otherOrders, othersReady) = await readiness.MarkReadyAsync(others, now, cancellationToken);
        foreach (var order in orders.Values)
        {
            otherOrders[order.Id] = order;
        }

        var refreshed = (await db.RefreshDemandAsync([.. batches.ById.Keys], cancellationToken)).ToDictionary(b => b.Id);

        return new WrittenChanges(otherOrders, othersReady, refreshed);
    }

    /// <summary>What an intake wrote: every order it touched by id, the other orders it made ready, and the batch items read again.</summary>
    private sealed record WrittenChanges(Dictionary<long, KitchenOrder> Orders, List<ReadyOrderView> Ready, Dictionary<long, BatchItem> Refreshed);

    /// <summary>Deletes a stored line; one added earlier in this batch was never stored, and leaving its order is enough.</summary>
    private void Remove(OrderLine line)
    {
        if (line.Id != 0)
        {
            db.OrderLines.Remove(line);
        }
    }

    /// <summary>
    /// How many orders the kitchen holds, the one it received last (none when it holds none), and the newest revision
    /// it applied to any order (0 for none): how far into the platform's history its orders reach.
    /// </summary>
    public async Task<(long Count, KitchenOrder? Latest, ulong LatestRevision)> StateAsync(CancellationToken cancellationToken)
    {
        var count = await db.Orders.LongCountAsync(cancellationToken);
        var latest = count == 0 ? null : await db.Orders.AsNoTracking().OrderByDescending(o => o.Id).FirstOrDefaultAsync(cancellationToken);
        var revision = count == 0 ? 0 : await db.Orders.MaxAsync(o => (ulong?)o.Revision, cancellationToken) ?? 0;
        return (count, latest, revision);
    }

    /// <summary>
    /// Moves stored orders' revisions up where a newer revision found them as they are, each only if it is still at
    /// the revision the look saw (its content was judged at that revision).
    /// </summary>
    /// <returns>Whether every bump held; false when another delivery changed one of the orders meanwhile.</returns>
    private async Task<bool> BumpRevisionsAsync(IntakePlan plan, CancellationToken cancellationToken)
    {
        var bumps = plan.RevisionBumps;
        if (bumps.Count == 0)
        {
            return true;
        }

        var ids = bumps.Select(b => b.Id).ToArray();
        var seen = bumps.Select(b => (decimal)b.Seen).ToArray();
        var revisions = bumps.Select(b => (decimal)b.Revision).ToArray();
        var moved = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE orders o SET revision = b.revision
            FROM unnest({ids}::bigint[], {seen}::numeric[], {revisions}::numeric[]) AS b(id, seen, revision)
            WHERE o.id = b.id AND o.revision = b.seen
            """,
            cancellationToken);
        return moved == bumps.Count;
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

    /// <summary>
    /// The orders the changes name, as stored, without locking anything: by order id, and by source id (a deleted
    /// document names its order only so, and a document may have carried another order before).
    /// </summary>
    private async Task<List<OrderSnapshot>> LookAsync(IReadOnlyList<OrderChange> changes, CancellationToken cancellationToken)
    {
        var orderIds = changes.Select(c => c.OrderId).OfType<string>().Distinct().ToArray();
        var sourceIds = changes.Select(c => c.SourceId).OfType<string>().Distinct().ToArray();
        var orders = await db.Orders.AsNoTracking()
            .Include(o => o.Lines)
            .Where(o => orderIds.Contains(o.OrderId) || (sourceIds.Length > 0 && o.SourceId != null && sourceIds.Contains(o.SourceId)))
            .ToListAsync(cancellationToken);
        return [.. orders.Select(OrderSnapshot.Of)];
    }

    /// <summary>Locks the batch items of <paramref name="keys"/>, creating the missing ones empty (<see cref="KitchenRows.LockBatchItemsAsync"/>).</summary>
    private async Task<LockedBatchItems> LockBatchItemsAsync(IEnumerable<BatchKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var locked = new LockedBatchItems();
        foreach (var row in await db.LockBatchItemsAsync(keys, rules.PrepSecondsOf, now, cancellationToken))
        {
            locked.Add(row);

            // The prep time follows the catalog (and the station defaults) as they are now.
            row.PrepSeconds = rules.PrepSecondsOf(BatchKey.For(row.Station, row.ItemName, row.Modifiers));
        }

        return locked;
    }

    /// <summary>
    /// Locks the stored orders the plan changes, in id order, with their lines; null when one of them changed since
    /// the look (another delivery of it), so the plan no longer holds.
    /// </summary>
    private async Task<Dictionary<string, KitchenOrder>?> LockOrdersAsync(IntakePlan plan, LockedBatchItems batches, CancellationToken cancellationToken)
    {
        var ids = plan.StoredOrderIds;
        var orders = await db.LockOrdersAsync(ids, cancellationToken);
        if (ids.Length > 0)
        {
            await db.OrderLines.Where(l => ids.Contains(l.KitchenOrderId)).LoadAsync(cancellationToken);
        }

        if (orders.Count != ids.Length
            || orders.Any(o => o.Revision != plan.RevisionSeen(o.Id) || o.Status != plan.StatusSeen(o.Id) || o.Lines.Any(l => !batches.ById.ContainsKey(l.BatchItemId))))
        {
            return null;
        }

        return orders.ToDictionary(o => o.OrderId, StringComparer.Ordinal);
    }

    /// <summary>
    /// Gives each batch item's surplus to its oldest open lines, whichever order they belong to: the lines of the
    /// orders in this batch as they are now (some not saved yet), and the other orders' open lines as stored.
    /// </summary>
    private async Task<List<LineAllocation>> AllocateSurplusAsync(List<KitchenOrder> orders, LockedBatchItems batches, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Food that has waited too long is waste, never given to an order.
        foreach (var batch in batches.ById.Values.Where(b => b.SurplusQuantity > 0))
        {
            if (SurplusExpiry.Apply(db, batch, surplus.Value.HoldingTime, now) is var expired and > 0)
            {
                batches.Expired[batch.Id] = expired;
            }
        }

        var assigned = new List<LineAllocation>();
        var mine = orders.Where(o => o.Id != 0).Select(o => o.Id).ToArray();
        foreach (var batch in batches.ById.Values.Where(b => b.SurplusQuantity > 0 && b.OpenQuantity > 0).OrderBy(b => b.Id))
        {
            var others = await db.OrderLines
                .Where(l => l.BatchItemId == batch.Id && !mine.Contains(l.KitchenOrderId))
                .Open()
                .ToListAsync(cancellationToken);
            var own = orders.SelectMany(o => o.Lines).Where(l => l.BatchItemId == batch.Id && l.OpenQuantity > 0);
            assigned.AddRange(SurplusUseLog.Record(db, batch, BatchAllocator.AllocateSurplus(batch, [.. BatchAllocator.DueFirst([.. others, .. own], schedule.Now().StaleBefore)], now), now));
        }

        return assigned;
    }

    /// <summary>Where each order of the batch stands after its changes; the ones that became ready by them.</summary>
    private static List<ReadyOrderView> SetStatuses(List<AppliedChange> applied, DateTimeOffset now)
    {
        var ready = new List<ReadyOrderView>();
        foreach (var group in applied.GroupBy(a => a.Order))
        {
            var order = group.Key;
            var wasReady = group.First().StatusBefore == OrderStatus.Ready;
            if ((order.Status == OrderStatus.Cancelled && group.Last().Change.State is null) || order.Status == OrderStatus.Closed)
            {
                continue;
            }

            if (order.Lines.Any(l => l.OpenQuantity > 0))
            {
                // An order that was ready and got more to cook is open again.
                order.Status = OrderStatus.Open;
                order.ReadyAt = null;
                continue;
            }

            order.Status = OrderStatus.Ready;
            if (!wasReady || order.ReadyAt is null)
            {
                order.ReadyAt = now;
                ready.Add(ReadyOrderView.From(order));
            }
        }

        return ready;
    }

    private void AddEvents(
        List<AppliedChange> applied,
        LockedBatchItems batches,
        List<BatchItem> after,
        List<LineAllocation> assigned,
        Dictionary<long, KitchenOrder> ordersById,
        List<ReadyOrderView> ready,
        DateTimeOffset now)
    {
        foreach (var change in applied)
        {
            AddOrderEvent(change, now);
        }

        foreach (var batch in batches.Changed(after))
        {
            events.Add(KitchenEventTypes.BatchUpdated, batch.Station, schedule.View(batch));
        }

        foreach (var batch in batches.SurplusChanged(after))
        {
            var given = assigned.Where(a => a.Line.BatchItemId == batch.Id)
                .Select(a => new AllocationPayload(ordersById[a.Line.KitchenOrderId].OrderId, a.Line.LineId, a.Quantity));
            var expired = batches.Expired.GetValueOrDefault(batch.Id);
            events.Add(KitchenEventTypes.SurplusUpdated, batch.Station, new SurplusUpdatedPayload(
                SurplusView.From(batch), [.. given], Discarded: expired, Reason: expired > 0 ? SurplusExpiry.Reason(surplus.Value.HoldingTime) : null));
        }

        foreach (var order in ready)
        {
            events.Add(KitchenEventTypes.OrderReady, station: null, order);
        }
    }

    private void AddOrderEvent(AppliedChange applied, DateTimeOffset now)
    {
        var (_, change, order, before, dueBefore, changes) = applied;
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

        if (change.Finishes)
        {
            if (before != OrderStatus.Closed)
            {
                events.Add(KitchenEventTypes.OrderClosed, station: null, new OrderClosedPayload(
                    order.OrderId, order.Brand, order.CloseReason ?? "closed", order.ClosedAt ?? now, order.ClosedOpenQuantity, changes));
            }

            return;
        }

        var lines = order.Lines.Where(l => l.Quantity > 0).ToList();
        if (before is null)
        {
            events.Add(
                KitchenEventTypes.OrderReceived,
                station: null,
                new OrderReceivedPayload(order.OrderId, order.Brand, order.PlacedAt, order.DueAt, [.. lines.Select(l => l.Station).Distinct()], lines.Sum(l => l.Quantity)));
        }
        else if (changes.Count > 0 || before != order.Status || dueBefore != order.DueAt)
        {
            events.Add(KitchenEventTypes.OrderUpdated, station: null, new OrderUpdatedPayload(
                order.OrderId,
                order.Brand,
                order.Status.ToString(),
                order.DueAt,
                [.. lines.Select(l => new OrderLinePayload(l.LineId, l.Station, l.ItemName, l.Modifiers, l.Quantity, l.CompletedQuantity))],
                changes));
        }
    }

    private KitchenOrder NewOrder(OrderChange change, string orderId, DateTimeOffset now) => new()
    {
        OrderId = orderId,
        Brand = change.State?.Brand ?? string.Empty,

        // A cancellation that arrives first is kept, so that the order arriving later with an older revision is not
        // cooked. A placed-at time that is not believable cannot jump the queue: it counts as placed on arrival.
        PlacedAt = change.State is { } state ? rules.PlacedAt(state, now) : now,
        DueAt = change.State is { } due ? rules.DueAt(due, rules.PlacedAt(due, now)) : now,
        ReceivedAt = now,
        SourceId = change.SourceId,
        Status = change.State is null ? OrderStatus.Cancelled : OrderStatus.Open,
    };

    // PostgreSQL keeps microseconds: round now, so a duplicate's acknowledgement repeats the first one exactly.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    /// <summary>One change that is applied: where it stands in the batch, its order, and what it did to the lines.</summary>
    private sealed record AppliedChange(int Index, OrderChange Change, KitchenOrder Order, OrderStatus? StatusBefore, DateTimeOffset DueBefore, List<LineChangePayload> Lines);
}
