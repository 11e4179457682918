using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Services;

/// <summary>
/// What a batch of changes will do, decided from the orders as stored, before any lock: which changes are old,
/// repeated or change nothing (answered at once), and which are applied, to which order. Changes of one order are
/// judged in the order they come, each against the order as the ones before it left it.
/// </summary>
internal sealed class IntakePlan
{
    private readonly Dictionary<string, OrderSnapshot> _stored;

    private IntakePlan(IReadOnlyList<OrderSnapshot> stored, int count)
    {
        _stored = stored.GroupBy(s => s.OrderId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Single(), StringComparer.Ordinal);
        Results = new IntakeResult[count];
    }

    /// <summary>One result per change; those of applied changes are filled in once they are committed.</summary>
    public IntakeResult[] Results { get; }

    /// <summary>The changes to apply, in order, with the order id each applies to.</summary>
    public List<(int Index, OrderChange Change, string OrderId)> Applied { get; } = [];

    /// <summary>The batch items the applied changes touch: the stored lines' and the wanted ones'.</summary>
    public List<BatchKey> Keys { get; } = [];

    /// <summary>The stored orders the applied changes change, by id.</summary>
    public long[] StoredOrderIds => [.. Applied.Select(a => a.OrderId).Distinct().Where(_stored.ContainsKey).Select(id => _stored[id].Id)];

    public static IntakePlan Make(IReadOnlyList<OrderChange> changes, IReadOnlyList<OrderSnapshot> stored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(stored);
        var plan = new IntakePlan(stored, changes.Count);
        var current = new Dictionary<string, OrderSnapshot>(plan._stored, StringComparer.Ordinal);
        var bySource = stored.Where(s => s.SourceId is not null).GroupBy(s => s.SourceId!).ToDictionary(g => g.Key, g => g.MaxBy(s => s.Id)!.OrderId, StringComparer.Ordinal);
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var orderId = change.OrderId ?? (change.SourceId is { } sourceId ? bySource.GetValueOrDefault(sourceId) : null);
            if (orderId is null)
            {
                // A deleted document the kitchen never had: there is nothing to cancel.
                plan.Results[i] = new IntakeResult(now, Duplicate: false);
                continue;
            }

            var order = current.GetValueOrDefault(orderId);
            if (order is not null && order.Ignores(change))
            {
                plan.Results[i] = new IntakeResult(order.ReceivedAt, Duplicate: true);
                continue;
            }

            if (order is null && change.SourceId is { } createdFrom)
            {
                bySource[createdFrom] = orderId;
            }

            order ??= new OrderSnapshot(0, orderId, change.SourceId, 0, now, string.Empty, OrderStatus.Open, []);
            plan.Keys.AddRange(order.Lines.Select(l => l.Key));
            current[orderId] = order.After(change);
            plan.Keys.AddRange(current[orderId].Lines.Select(l => l.Key));
            plan.Applied.Add((i, change, orderId));
        }

        return plan;
    }

    /// <summary>Whether <paramref name="orderId"/> is not stored yet: the batch creates it.</summary>
    public bool IsNew(string orderId) => !_stored.ContainsKey(orderId);

    /// <summary>The revision the look saw for the stored order with id <paramref name="id"/>.</summary>
    public ulong RevisionSeen(long id) => _stored.Values.Single(s => s.Id == id).Revision;
}
