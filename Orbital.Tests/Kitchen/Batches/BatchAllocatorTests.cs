using Orbital.KitchenBatch.Model;

namespace Orbital.Tests.Kitchen.Batches;

/// <summary>The cooking rules of a batch item, without a database.</summary>
public sealed class BatchAllocatorTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Completion_goes_to_the_oldest_lines_first_across_orders_and_brands()
    {
        var newest = Line(orderId: 1, placedMinutesAgo: 2, quantity: 3);
        var oldest = Line(orderId: 2, placedMinutesAgo: 9, quantity: 2);
        var middle = Line(orderId: 3, placedMinutesAgo: 5, quantity: 2);
        var item = Item(open: 7);

        var completion = BatchAllocator.Complete(item, Fifo(newest, oldest, middle), 3, s_now);

        Assert.Null(completion.Refusal);
        Assert.Equal([(2L, 2), (3L, 1)], completion.Allocations.Select(a => (a.Line.KitchenOrderId, a.Quantity)));
        Assert.Equal((2, 1, 0), (oldest.CompletedQuantity, middle.CompletedQuantity, newest.CompletedQuantity));
        Assert.Equal(4, item.OpenQuantity);
        Assert.Equal(middle.PlacedAt, item.OldestOpenPlacedAt);
    }

    [Fact]
    public void A_partial_completion_leaves_the_rest_of_a_line_open()
    {
        var line = Line(orderId: 1, placedMinutesAgo: 3, quantity: 5);
        var item = Item(open: 5);

        BatchAllocator.Complete(item, [line], 2, s_now);

        Assert.Equal((2, 3), (line.CompletedQuantity, line.OpenQuantity));
        Assert.Equal(3, item.OpenQuantity);
        Assert.False(BatchAllocator.IsReady([line]));
    }

    [Fact]
    public void Lines_placed_at_the_same_time_are_taken_in_order_then_line_order()
    {
        var second = Line(orderId: 2, placedMinutesAgo: 4, quantity: 1, lineId: "0-0");
        var firstB = Line(orderId: 1, placedMinutesAgo: 4, quantity: 1, lineId: "0-1");
        var firstA = Line(orderId: 1, placedMinutesAgo: 4, quantity: 1, lineId: "0-0");

        var completion = BatchAllocator.Complete(Item(open: 3), Fifo(second, firstB, firstA), 2, s_now);

        Assert.Equal([firstA, firstB], completion.Allocations.Select(a => a.Line));
    }

    [Fact]
    public void Completing_more_than_is_open_is_refused_and_changes_nothing()
    {
        var line = Line(orderId: 1, placedMinutesAgo: 3, quantity: 2);
        var item = Item(open: 2, name: "Burger", modifiers: ["no onions"]);

        var completion = BatchAllocator.Complete(item, [line], 3, s_now);

        Assert.Equal("Only 2 'Burger (no onions)' are open at Grill Station; 3 cannot be completed.", completion.Refusal?.Reason);
        Assert.Empty(completion.Allocations);
        Assert.Equal((2, 0), (item.OpenQuantity, line.CompletedQuantity));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public void A_quantity_below_one_is_refused(int quantity)
    {
        var item = Item(open: 5);

        Assert.NotNull(BatchAllocator.Complete(item, [Line(1, 1, 5)], quantity, s_now).Refusal);
        Assert.NotNull(BatchAllocator.Start(item, quantity, s_now));
        Assert.Equal((5, 0), (item.OpenQuantity, item.InProgressQuantity));
    }

    [Fact]
    public void Starting_takes_from_what_nobody_has_started_and_completing_releases_it()
    {
        var item = Item(open: 5);

        var first = BatchAllocator.Start(item, 3, s_now);
        var tooMany = BatchAllocator.Start(item, 3, s_now);
        BatchAllocator.Complete(item, [Line(1, 1, 5)], 4, s_now);

        Assert.Null(first);
        Assert.Equal("Only 2 of the 5 open 'Burger' at Grill Station are not started yet; 3 cannot be started.", tooMany?.Reason);
        Assert.Equal((1, 0, 1), (item.OpenQuantity, item.InProgressQuantity, item.WaitingQuantity));
    }

    [Fact]
    public void An_order_is_ready_only_when_every_line_is_cooked()
    {
        var burger = Line(orderId: 1, placedMinutesAgo: 3, quantity: 1);
        var fries = Line(orderId: 1, placedMinutesAgo: 3, quantity: 2, lineId: "1-0");

        BatchAllocator.Complete(Item(open: 1), [burger], 1, s_now);
        var afterBurger = BatchAllocator.IsReady([burger, fries]);
        BatchAllocator.Complete(Item(open: 2, name: "Fries"), [fries], 2, s_now);

        Assert.False(afterBurger);
        Assert.True(BatchAllocator.IsReady([burger, fries]));
    }

    [Fact]
    public void Modifiers_make_different_batch_items_whatever_their_order_or_case()
    {
        var plain = BatchKey.For("Grill Station", "Burger", []);
        var noOnionsExtraCheese = BatchKey.For("Grill Station", "Burger", ["no onions", "extra cheese"]);
        var sameTypedOtherwise = BatchKey.For(" Grill Station", "Burger ", ["Extra Cheese ", "NO ONIONS"]);
        var noOnions = BatchKey.For("Grill Station", "Burger", ["no onions"]);

        Assert.NotEqual(plain.ModifiersKey, noOnions.ModifiersKey);
        Assert.NotEqual(noOnions.ModifiersKey, noOnionsExtraCheese.ModifiersKey);
        Assert.Equal(noOnionsExtraCheese.ModifiersKey, sameTypedOtherwise.ModifiersKey);
        Assert.Equal(("Grill Station", "Burger"), (sameTypedOtherwise.Station, sameTypedOtherwise.ItemName));
        Assert.Equal(["extra cheese", "no onions"], noOnionsExtraCheese.Modifiers);
    }

    [Fact]
    public void Lowering_a_line_takes_waiting_demand_first_and_in_progress_only_when_nothing_waits()
    {
        var line = Line(orderId: 1, placedMinutesAgo: 3, quantity: 5);
        var item = Item(open: 5);
        item.InProgressQuantity = 2;

        var freed = BatchAllocator.ChangeQuantity(item, line, 3, keepsFood: true, s_now);
        Assert.Equal((0, 3, 2, 1), (freed, item.OpenQuantity, item.InProgressQuantity, item.WaitingQuantity));

        BatchAllocator.ChangeQuantity(item, line, 1, keepsFood: true, s_now);
        Assert.Equal((1, 1, 0), (item.OpenQuantity, item.InProgressQuantity, item.WaitingQuantity));
    }

    [Fact]
    public void What_was_cooked_beyond_a_lowered_quantity_becomes_surplus()
    {
        var line = Line(orderId: 1, placedMinutesAgo: 3, quantity: 4);
        var item = Item(open: 4);
        BatchAllocator.Complete(item, [line], 3, s_now);

        var freed = BatchAllocator.ChangeQuantity(item, line, 1, keepsFood: true, s_now);

        Assert.Equal(2, freed);
        Assert.Equal((1, 1, 0), (line.Quantity, line.CompletedQuantity, line.OpenQuantity));
        Assert.Equal((0, 2), (item.OpenQuantity, item.SurplusQuantity));
        Assert.Equal(s_now, item.SurplusSince);
    }

    [Fact]
    public void A_cancelled_line_gives_up_its_open_demand_and_its_cooked_food_becomes_surplus()
    {
        var line = Line(orderId: 1, placedMinutesAgo: 3, quantity: 5);
        var item = Item(open: 5);
        item.InProgressQuantity = 1;
        BatchAllocator.Complete(item, [line], 2, s_now);

        var freed = BatchAllocator.ChangeQuantity(item, line, 0, keepsFood: true, s_now);

        Assert.Equal(2, freed);
        Assert.Equal((0, 0, 2), (item.OpenQuantity, item.InProgressQuantity, item.SurplusQuantity));
    }

    [Fact]
    public void Food_handed_over_long_ago_is_not_surplus_when_its_line_is_cancelled()
    {
        var line = Line(orderId: 1, placedMinutesAgo: 90, quantity: 2);
        var item = Item(open: 2);
        BatchAllocator.Complete(item, [line], 2, s_now);

        var freed = BatchAllocator.ChangeQuantity(item, line, 0, keepsFood: false, s_now);

        Assert.Equal((0, 0, 0), (freed, item.SurplusQuantity, item.OpenQuantity));
    }

    [Fact]
    public void Raising_a_line_adds_open_demand()
    {
        var line = Line(orderId: 1, placedMinutesAgo: 3, quantity: 2);
        var item = Item(open: 2);

        var freed = BatchAllocator.ChangeQuantity(item, line, 5, keepsFood: true, s_now);

        Assert.Equal((0, 5, 5), (freed, line.OpenQuantity, item.OpenQuantity));
    }

    [Fact]
    public void Surplus_goes_to_the_oldest_open_lines_before_anything_is_cooked()
    {
        var newest = Line(orderId: 1, placedMinutesAgo: 1, quantity: 2);
        var oldest = Line(orderId: 2, placedMinutesAgo: 6, quantity: 1);
        var item = Item(open: 3);
        item.SurplusQuantity = 2;
        item.SurplusSince = s_now.AddMinutes(-4);

        var assigned = BatchAllocator.AllocateSurplus(item, Fifo(newest, oldest), s_now);

        Assert.Equal([(2L, 1), (1L, 1)], assigned.Select(a => (a.Line.KitchenOrderId, a.Quantity)));
        Assert.Equal((0, 1, 1), (item.SurplusQuantity, item.OpenQuantity, item.WaitingQuantity));
        Assert.Null(item.SurplusSince);
        Assert.True(BatchAllocator.IsReady([oldest]));
        Assert.Equal(newest.PlacedAt, item.OldestOpenPlacedAt);
    }

    [Fact]
    public void Surplus_larger_than_the_demand_covers_all_of_it_and_the_rest_stays_surplus()
    {
        var line = Line(orderId: 1, placedMinutesAgo: 1, quantity: 2);
        var item = Item(open: 2);
        item.InProgressQuantity = 2;
        item.SurplusQuantity = 5;

        var assigned = BatchAllocator.AllocateSurplus(item, [line], s_now);

        Assert.Equal(2, Assert.Single(assigned).Quantity);
        Assert.Equal((0, 0, 3), (item.OpenQuantity, item.InProgressQuantity, item.SurplusQuantity));
        Assert.Null(item.OldestOpenPlacedAt);
    }

    [Fact]
    public void Without_surplus_or_without_demand_nothing_is_allocated()
    {
        var line = Line(orderId: 1, placedMinutesAgo: 1, quantity: 2);

        Assert.Empty(BatchAllocator.AllocateSurplus(Item(open: 2), [line], s_now));
        var idle = Item(open: 0);
        idle.SurplusQuantity = 3;
        Assert.Empty(BatchAllocator.AllocateSurplus(idle, [], s_now));
        Assert.Equal(3, idle.SurplusQuantity);
    }

    [Fact]
    public void Discarding_takes_surplus_away_and_never_more_than_there_is()
    {
        var item = Item(open: 0);
        item.SurplusQuantity = 3;
        item.SurplusSince = s_now;

        Assert.Null(BatchAllocator.Discard(item, 2, s_now));
        Assert.Equal(1, item.SurplusQuantity);
        Assert.Contains("Only 1 'Burger' at Grill Station are surplus", BatchAllocator.Discard(item, 2, s_now)!.Reason, StringComparison.Ordinal);
        Assert.NotNull(BatchAllocator.Discard(item, 0, s_now));
        Assert.Null(BatchAllocator.Discard(item, 1, s_now));
        Assert.Equal((0, (DateTimeOffset?)null), (item.SurplusQuantity, item.SurplusSince));
    }

    private static List<OrderLine> Fifo(params OrderLine[] lines) => [.. BatchAllocator.DueFirst(lines)];

    private static BatchItem Item(int open, string name = "Burger", string[]? modifiers = null) => new()
    {
        Id = 1,
        Station = "Grill Station",
        ItemName = name,
        Modifiers = modifiers ?? [],
        ModifiersKey = string.Empty,
        OpenQuantity = open,
    };

    private static OrderLine Line(long orderId, int placedMinutesAgo, int quantity, string lineId = "0-0") => new()
    {
        KitchenOrderId = orderId,
        LineId = lineId,
        Station = "Grill Station",
        ItemName = "Burger",
        Quantity = quantity,
        PlacedAt = s_now.AddMinutes(-placedMinutesAgo),
    };
}
