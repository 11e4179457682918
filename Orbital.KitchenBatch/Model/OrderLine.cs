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

    /// <summary>The station that cooks it: the production item's (the platform's own station for an unmapped item).</summary>
    public required string Station { get; set; }

    /// <summary>The menu item as the brand names it ("Double Smash").</summary>
    public required string ItemName { get; set; }

    /// <summary>The station the platform named for the line; where the item cooks when no mapping says otherwise.</summary>
    public string MenuStation { get; set; } = string.Empty;

    /// <summary>What the kitchen cooks for it ("Smash patty"): the batch item's item name.</summary>
    public string ProductionItem { get; set; } = string.Empty;

    /// <summary>How many production items one menu item takes (a double takes 2 patties).</summary>
    public int Multiplier { get; set; } = 1;

    /// <summary>How many the customer ordered, in menu items; <see cref="Quantity"/> is that times <see cref="Multiplier"/>.</summary>
    public int MenuQuantity { get; set; }

    /// <summary>Modifiers in the order the platform gave them.</summary>
    public string[] Modifiers { get; set; } = [];

    public string? Note { get; set; }

    /// <summary>What the line needs cooked, in production items.</summary>
    public int Quantity { get; set; }

    /// <summary>How many production items were cooked for it.</summary>
    public int CompletedQuantity { get; set; }

    /// <summary>Its order's due time, kept on the line so completions find the earliest due by index.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>When its last item was completed (or given from surplus); null while anything is open.</summary>
    public DateTimeOffset? ReadyAt { get; set; }

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
