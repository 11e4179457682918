using Microsoft.Extensions.Options;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Production;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// How intake reads an order's state: its lines as the kitchen cooks them (each menu item resolved against the
/// production catalog), its placed-at time and its due time.
/// </summary>
public sealed class IntakeRules(ProductionCatalog catalog, IOptions<KitchenIntakeOptions> intake, IOptions<KitchenScheduleOptions> schedule)
{
    /// <summary>The lines an order's state asks for, resolved to production items.</summary>
    internal List<LineSnapshot> LinesOf(OrderRequest state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return
        [
            .. state.Stations.SelectMany(s => s.Items.Select(i =>
            {
                var resolved = catalog.Resolve(state.Brand, s.Station, i.Name);
                return new LineSnapshot(
                    i.LineKey(), s.Station, i.Name, [.. i.Modifiers], string.IsNullOrEmpty(i.Note) ? null : i.Note, i.Quantity,
                    resolved.Station, resolved.ProductionItem, resolved.Multiplier, resolved.PrepSeconds);
            })),
        ];
    }

    /// <summary>The prep time, in seconds, a new batch item of <paramref name="key"/> starts with.</summary>
    public int PrepSecondsOf(BatchKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return catalog.PrepSecondsOf(key.Station, key.ItemName);
    }

    /// <summary>The placed-at time an order arriving at <paramref name="now"/> is filed with.</summary>
    public DateTimeOffset PlacedAt(OrderRequest state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return intake.Value.PlacedAt(state.PlacedAt.ToDateTimeOffset(), now);
    }

    /// <summary>When an order with this state, filed as placed at <paramref name="placedAt"/>, is due.</summary>
    public DateTimeOffset DueAt(OrderRequest state, DateTimeOffset placedAt)
    {
        ArgumentNullException.ThrowIfNull(state);
        var due = schedule.Value.DueAt(state.DueAt?.ToDateTimeOffset(), placedAt);

        // PostgreSQL keeps microseconds: a due time compared with the stored one must be what is stored.
        return due.AddTicks(-(due.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
