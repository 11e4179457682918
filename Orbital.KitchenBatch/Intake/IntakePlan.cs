using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// What a batch of changes will do, decided from the orders as stored, before any lock: which changes are old,
/// repeated or change nothing (answered at once), and which are applied, to which order. Changes of one order are
/// judged in the order they come, each against the order as the ones before it left it.
/// </summary>
/// <remarks>
/// Revisions only move forward, whatever the content: a newer revision that finds the order already as it says
/// (the same lines, or cancelled again) changes nothing on any screen, but the order's revision moves up to it
/// (<see cref="RevisionBumps"/>), so an older revision arriving after it is still recognised as older. And a
/// document is one order at a time: when the platform's document that an order came from now carries another order
/// id (its <c>OtterOrderId</c> was changed), the order it carried before is cancelled, so it is not cooked twice.
/// </remarks>
internal sealed class IntakePlan
{
    private readonly Dictionary<string, OrderSnapshot> _stored;
    private readonly Dictionary<string, OrderSnapshot> _current;

    private readonly IntakeRules _rules;

    private IntakePlan(IReadOnlyList<OrderSnapshot> stored, int count, IntakeRules rules)
    {
        _rules = rules;
        _stored = stored.GroupBy(s => s.OrderId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Single(), StringComparer.Ordinal);
        _current = new Dictionary<string, OrderSnapshot>(_stored, StringComparer.Ordinal);
        Results = new IntakeResult[count];
    }

    /// <summary>One result per change; those of applied changes are filled in once they are committed.</summary>
    public IntakeResult[] Results { get; }

    /// <summary>
    /// The changes to apply, in order, with the order id each applies to. An index of -1 marks a change the kitchen
    /// made itself: the cancellation of an order whose document now carries another order.
    /// </summary>
    /// <remarks>
    /// Each comes with the lines it asks for, resolved against the production catalog once, when the plan is made: the
    /// batch items locked are theirs, whatever the catalog says by the time they are applied.
    /// </remarks>
    public List<(int Index, OrderChange Change, string OrderId, IReadOnlyList<LineSnapshot> Wanted)> Applied { get; } = [];

    /// <summary>The batch items the applied changes touch: the stored lines' and the wanted ones'.</summary>
    public List<BatchKey> Keys { get; } = [];

    /// <summary>The stored orders the applied changes change, by id.</summary>
    public long[] StoredOrderIds => [.. Applied.Select(a => a.OrderId).Distinct().Where(_stored.ContainsKey).Select(id => _stored[id].Id)];

    /// <summary>
    /// Stored orders that no applied change touches, whose revision moves up because a newer revision found them as
    /// they are: (row id, the revision the look saw, the new one).
    /// </summary>
    public IReadOnlyList<(long Id, ulong Seen, ulong Revision)> RevisionBumps
    {
        get
        {
            var applied = Applied.Select(a => a.OrderId).ToHashSet(StringComparer.Ordinal);
            return
            [
                .. _current.Values
                    .Where(c => c.Id != 0 && !applied.Contains(c.OrderId) && c.Revision > _stored[c.OrderId].Revision)
                    .Select(c => (c.Id, _stored[c.OrderId].Revision, c.Revision)),
            ];
        }
    }

    public static IntakePlan Make(IReadOnlyList<OrderChange> changes, IReadOnlyList<OrderSnapshot> stored, DateTimeOffset now, IntakeRules rules)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(rules);
        var plan = new IntakePlan(stored, changes.Count, rules);
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var orderId = change.OrderId ?? (change.SourceId is { } sourceId ? plan.OrderFromSource(sourceId) : null);
            if (orderId is null)
            {
                // A deleted document the kitchen never had: there is nothing to cancel.
                plan.Results[i] = new IntakeResult(now, Duplicate: false);
                continue;
            }

            var order = plan._current.GetValueOrDefault(orderId);
            if (order is not null && order.Ignores(change, rules))
            {
                plan.Results[i] = new IntakeResult(order.ReceivedAt, Duplicate: true);
                if (change.Revision > order.Revision)
                {
                    // Already as this newer revision says: nothing to apply, but no older revision may undo it now.
                    plan._current[orderId] = order with { Revision = change.Revision };
                }

                continue;
            }

            if (change.State is not null && change.SourceId is { } carriedBy)
            {
                plan.CancelOthersOf(carriedBy, orderId, change.Revision);
            }

            var placedAt = change.State is { } state ? rules.PlacedAt(state, now) : now;
            plan.Apply(i, change, orderId, order ?? new OrderSnapshot(0, orderId, change.SourceId, 0, now, string.Empty, OrderStatus.Open, placedAt, placedAt, []));
        }

        return plan;
    }

    /// <summary>Whether <paramref name="orderId"/> is not stored yet: the batch creates it.</summary>
    public bool IsNew(string orderId) => !_stored.ContainsKey(orderId);

    /// <summary>The revision the look saw for the stored order with id <paramref name="id"/>.</summary>
    public ulong RevisionSeen(long id) => _stored.Values.Single(s => s.Id == id).Revision;

    /// <summary>The status the look saw for the stored order with id <paramref name="id"/>.</summary>
    public OrderStatus StatusSeen(long id) => _stored.Values.Single(s => s.Id == id).Status;

    /// <summary>The revision <paramref name="orderId"/> ends at after every change of the batch, applied or not.</summary>
    public ulong FinalRevision(string orderId) => _current[orderId].Revision;

    private void Apply(int index, OrderChange change, string orderId, OrderSnapshot order)
    {
        Keys.AddRange(order.Lines.Select(l => l.Key));
        _current[orderId] = order.After(change, _rules);
        Keys.AddRange(_current[orderId].Lines.Select(l => l.Key));
        Applied.Add((index, change, orderId, _current[orderId].Lines));
    }

    /// <summary>
    /// Cancels the orders that <paramref name="sourceId"/>'s document carried before it carried <paramref name="orderId"/>:
    /// older than this change, and not cancelled yet.
    /// </summary>
    private void CancelOthersOf(string sourceId, string orderId, ulong revision)
    {
        var others = _current.Values
            .Where(o => o.SourceId == sourceId && o.OrderId != orderId && o.Status is not (OrderStatus.Cancelled or OrderStatus.Closed) && o.Revision < revision)
            .ToList();
        foreach (var other in others)
        {
            var cancellation = new OrderChange(other.OrderId, sourceId, revision, null, $"its platform document now carries order {orderId}");
            Apply(-1, cancellation, other.OrderId, other);
        }
    }

    /// <summary>The order a document (by its source id) carries now: the one not cancelled, else the newest.</summary>
    private string? OrderFromSource(string sourceId)
        => _current.Values
            .Where(o => o.SourceId == sourceId)
            .OrderBy(o => o.Status == OrderStatus.Cancelled)
            .ThenByDescending(o => o.Id == 0 ? long.MaxValue : o.Id)
            .FirstOrDefault()?.OrderId;
}
