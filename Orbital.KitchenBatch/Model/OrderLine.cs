using System.Linq.Expressions;

namespace Orbital.KitchenBatch.Model;

/// <summary>One item of an order at one station, with how much of it is cooked.</summary>
public sealed class OrderLine
{
    public long Id { get; set; }

    public long KitchenOrderId { get; set; }

    public KitchenOrder? Order { get; set; }

    /// <summary>The line's id within its order; (order, line id) is how a later update finds it.</summary>
    public required string LineId { get; set; }

    public required string Station { get; set; }

    public required string ItemName { get; set; }

    /// <summary>Modifiers in the order the platform gave them.</summary>
    public string[] Modifiers { get; set; } = [];

    public string? Note { get; set; }

    public int Quantity { get; set; }

    public int CompletedQuantity { get; set; }

    /// <summary>The order's placed-at time, kept on the line so the oldest open lines are found by index.</summary>
    public DateTimeOffset PlacedAt { get; set; }

    /// <summary>The batch item this line's demand is part of.</summary>
    public long BatchItemId { get; set; }

    public BatchItem? BatchItem { get; set; }

    /// <summary>What is still to cook on this line.</summary>
    public int OpenQuantity => Quantity - CompletedQuantity;

    /// <summary>
    /// Whether a line still has something to cook, as a query can use it: the one definition of an open line (the
    /// partial index on order_lines and the oldest-open refresh say the same in SQL).
    /// </summary>
    public static Expression<Func<OrderLine, bool>> IsOpen { get; } = l => l.CompletedQuantity < l.Quantity;
}

/// <summary>Queries over order lines.</summary>
public static class OrderLineQueries
{
    /// <summary>The lines with something left to cook (<see cref="OrderLine.IsOpen"/>).</summary>
    public static IQueryable<OrderLine> Open(this IQueryable<OrderLine> lines) => lines.Where(OrderLine.IsOpen);
}
