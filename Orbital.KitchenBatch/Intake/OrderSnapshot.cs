using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// An order as intake last knew it, read without locks: whether a change would do anything at all, and which batch
/// items its lines hold. Within one batch of changes it is advanced change by change.
/// </summary>
internal sealed record OrderSnapshot(long Id, string OrderId, string? SourceId, ulong Revision, DateTimeOffset ReceivedAt, string Brand, OrderStatus Status, IReadOnlyList<LineSnapshot> Lines)
{
    public static OrderSnapshot Of(KitchenOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new(order.Id, order.OrderId, order.SourceId, order.Revision, order.ReceivedAt, order.Brand, order.Status, [.. order.Lines.Select(LineSnapshot.Of)]);
    }

    /// <summary>Whether <paramref name="change"/> would leave the order as it is: an old revision, or the same content.</summary>
    public bool Ignores(OrderChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return !change.Supersedes(Revision) || Matches(change);
    }

    /// <summary>The order as it is after <paramref name="change"/>, as far as a later change of the same batch needs to know.</summary>
    public OrderSnapshot After(OrderChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.State is { } state
            ? this with { Revision = change.Revision, Brand = state.Brand, Status = Status == OrderStatus.Cancelled ? OrderStatus.Open : Status, Lines = LineSnapshot.Of(state) }
            : this with { Revision = change.Revision, Status = OrderStatus.Cancelled, Lines = [] };
    }

    /// <summary>Whether the order already is what <paramref name="change"/> says it is.</summary>
    private bool Matches(OrderChange change)
    {
        if (change.State is not { } state)
        {
            return Status == OrderStatus.Cancelled;
        }

        var wanted = LineSnapshot.Of(state);
        return Status != OrderStatus.Cancelled
            && Brand == state.Brand
            && wanted.Count == Lines.Count
            && wanted.All(w => Lines.Any(l => l.SameAs(w)));
    }
}

/// <summary>One line of an <see cref="OrderSnapshot"/>.</summary>
internal sealed record LineSnapshot(string LineId, string Station, string ItemName, string[] Modifiers, string? Note, int Quantity)
{
    public BatchKey Key => BatchKey.For(Station, ItemName, Modifiers);

    public static LineSnapshot Of(OrderLine line) => new(line.LineId, line.Station, line.ItemName, line.Modifiers, line.Note, line.Quantity);

    /// <summary>The lines an order's state asks for.</summary>
    public static List<LineSnapshot> Of(OrderRequest state)
        => [.. state.Stations.SelectMany(s => s.Items.Select(i => new LineSnapshot(i.LineKey(), s.Station, i.Name, [.. i.Modifiers], string.IsNullOrEmpty(i.Note) ? null : i.Note, i.Quantity)))];

    public bool SameAs(LineSnapshot other)
        => LineId == other.LineId && Station == other.Station && ItemName == other.ItemName && Note == other.Note
           && Quantity == other.Quantity && Modifiers.SequenceEqual(other.Modifiers);
}
