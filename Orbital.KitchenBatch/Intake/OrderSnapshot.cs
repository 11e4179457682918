using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// An order as intake last knew it, read without locks: whether a change would do anything at all, and which batch
/// items its lines hold. Within one batch of changes it is advanced change by change.
/// </summary>
internal sealed record OrderSnapshot(long Id, string OrderId, string? SourceId, ulong Revision, DateTimeOffset ReceivedAt, string Brand, OrderStatus Status, DateTimeOffset PlacedAt, DateTimeOffset DueAt, IReadOnlyList<LineSnapshot> Lines)
{
    public static OrderSnapshot Of(KitchenOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new(order.Id, order.OrderId, order.SourceId, order.Revision, order.ReceivedAt, order.Brand, order.Status, order.PlacedAt, order.DueAt, [.. order.Lines.Select(LineSnapshot.Of)]);
    }

    /// <summary>
    /// Whether <paramref name="change"/> would leave the order as it is: an old revision, the same content, or an order
    /// that is closed. A closed order stays closed: the platform moves on through statuses after a pickup (refunded,
    /// archived) that must not bring its demand back, and one the kitchen closed as stale is on the record as such.
    /// </summary>
    public bool Ignores(OrderChange change, IntakeRules rules)
    {
        ArgumentNullException.ThrowIfNull(change);
        return !change.Supersedes(Revision) || Status == OrderStatus.Closed || Matches(change, rules);
    }

    /// <summary>The order as it is after <paramref name="change"/>, as far as a later change of the same batch needs to know.</summary>
    public OrderSnapshot After(OrderChange change, IntakeRules rules)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(rules);
        if (change.State is not { } state)
        {
            return this with { Revision = change.Revision, Status = OrderStatus.Cancelled, Lines = [] };
        }

        var status = change.Finishes ? OrderStatus.Closed : Status == OrderStatus.Cancelled ? OrderStatus.Open : Status;
        return this with { Revision = change.Revision, Brand = state.Brand, Status = status, DueAt = rules.DueAt(state, PlacedAt), Lines = rules.LinesOf(state) };
    }

    /// <summary>Whether the order already is what <paramref name="change"/> says it is.</summary>
    private bool Matches(OrderChange change, IntakeRules rules)
    {
        if (change.State is not { } state)
        {
            return Status == OrderStatus.Cancelled;
        }

        var wanted = rules.LinesOf(state);
        return Status != OrderStatus.Cancelled
            && !change.Finishes
            && Brand == state.Brand
            && DueAt == rules.DueAt(state, PlacedAt)
            && wanted.Count == Lines.Count
            && wanted.All(w => Lines.Any(l => l.SameAs(w)));
    }
}

/// <summary>
/// One line of an <see cref="OrderSnapshot"/>: the menu item as the platform sent it (station, item, quantity), and
/// what the kitchen cooks for it (<see cref="Multiplier"/> × <see cref="ProductionItem"/> at <see cref="ProductionStation"/>).
/// </summary>
internal sealed record LineSnapshot(
    string LineId,
    string Station,
    string ItemName,
    string[] Modifiers,
    string? Note,
    int Quantity,
    string ProductionStation,
    string ProductionItem,
    int Multiplier,
    int PrepSeconds)
{
    /// <summary>The batch item the line's demand is part of.</summary>
    public BatchKey Key => BatchKey.For(ProductionStation, ProductionItem, Modifiers);

    /// <summary>What the line needs cooked, in production items.</summary>
    public int ProductionQuantity => Quantity * Multiplier;

    public static LineSnapshot Of(OrderLine line)
        => new(line.LineId, line.MenuStation, line.ItemName, line.Modifiers, line.Note, line.MenuQuantity, line.Station, line.ProductionItem, line.Multiplier, 0);

    /// <summary>Whether the platform says the same of both lines (how the kitchen cooks them aside).</summary>
    public bool SameAs(LineSnapshot other)
        => LineId == other.LineId && Station == other.Station && ItemName == other.ItemName && Note == other.Note
           && Quantity == other.Quantity && Modifiers.SequenceEqual(other.Modifiers);
}
