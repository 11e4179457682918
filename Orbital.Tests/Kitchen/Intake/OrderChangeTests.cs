using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Stations;
using Orbital.KitchenBatch.Surplus;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Intake;

/// <summary>
/// Changed and cancelled orders at the kitchen, through the real gRPC stack and PostgreSQL: each revision applies
/// once and in order, demand follows the order line by line, and food cooked for a cancelled line is surplus that
/// the next matching order takes before anything is cooked for it. Each test has its own stations.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderChangeTests : IClassFixture<KitchenFixture>
{
    private readonly KitchenFixture _kitchen;
    private readonly KitchenApiClient _api;
    private readonly string _grill = Unique("Grill");
    private readonly string _fry = Unique("Fry");

    public OrderChangeTests(KitchenFixture kitchen)
    {
        _kitchen = kitchen;
        _api = new KitchenApiClient(kitchen.CreateClient(), kitchen.Intake);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_update_lowers_removes_and_adds_lines_and_the_batch_items_follow()
    {
        var orderId = Unique("update");
        await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 3), ("b", _fry, "Fries", 2));

        var ack = await SubmitAsync(orderId, 20, ("a", _grill, "Burger", 1), ("c", _grill, "Hot Dog", 2));

        Assert.True(ack.Changed);
        Assert.False(ack.Duplicate);
        Assert.Equal([("Burger", 1), ("Hot Dog", 2)], (await _api.StationAsync(_grill)).Items.Select(i => (i.ItemName, i.OpenQuantity)).OrderBy(i => i.ItemName));
        Assert.Empty((await _api.StationAsync(_fry)).Items);
        var order = await OrderAsync(orderId);
        Assert.Equal("Open", order.Status);
        Assert.Equal([("a", "Burger", 1), ("c", "Hot Dog", 2)], order.Lines.Select(l => (l.LineId, l.ItemName, l.Quantity)));
    }

    [Fact]
    public async Task Repeated_and_older_revisions_are_acknowledged_without_effect()
    {
        var orderId = Unique("stale");
        await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 3));
        await SubmitAsync(orderId, 30, ("a", _grill, "Burger", 1));
        var eventsBefore = await _kitchen.Database.LastEventIdAsync();

        var late = await SubmitAsync(orderId, 20, ("a", _grill, "Burger", 5));
        var repeat = await SubmitAsync(orderId, 30, ("a", _grill, "Burger", 1));
        var original = await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 3));

        Assert.All([late, repeat, original], ack => Assert.True(ack.Duplicate));
        Assert.Equal(1, (await _api.BatchItemAsync(_grill, "Burger")).OpenQuantity);
        Assert.Equal(eventsBefore, await _kitchen.Database.LastEventIdAsync());
    }

    [Fact]
    public async Task Racing_revisions_of_one_order_end_at_the_newest()
    {
        var orderId = Unique("race");

        await Task.WhenAll(Enumerable.Range(1, 12).Select(revision => SubmitAsync(orderId, (ulong)revision, ("a", _grill, "Burger", revision))));

        Assert.Equal(12, (await _api.BatchItemAsync(_grill, "Burger")).OpenQuantity);
        Assert.Equal(12, Assert.Single((await OrderAsync(orderId)).Lines).Quantity);
    }

    [Fact]
    public async Task A_change_for_an_order_the_kitchen_does_not_have_yet_is_stored_as_its_current_state()
    {
        var orderId = Unique("missed");

        var change = await SubmitAsync(orderId, 20, ("a", _grill, "Burger", 4));
        var insert = await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 1));

        Assert.False(change.Duplicate);
        Assert.True(insert.Duplicate);
        Assert.Equal(4, (await _api.BatchItemAsync(_grill, "Burger")).OpenQuantity);
    }

    [Fact]
    public async Task A_cancellation_while_cooking_removes_the_demand_at_once_and_the_order_shows_as_cancelled()
    {
        var orderId = Unique("cancel");
        await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 3));
        var burger = await _api.BatchItemAsync(_grill, "Burger");
        (await _api.PostAsync(burger.Id, "start", new { quantity = 2 })).EnsureSuccessStatusCode();

        var ack = await CancelAsync(orderId, 20);

        Assert.True(ack.Changed);
        Assert.Empty((await _api.StationAsync(_grill)).Items);
        var detail = await _api.Http.GetFromJsonAsync<BatchItemDetailView>($"/api/batch-items/{burger.Id}", KitchenJson.Options, Cancellation);
        Assert.Equal((0, 0, 0), (detail!.BatchItem.OpenQuantity, detail.BatchItem.InProgressQuantity, detail.BatchItem.SurplusQuantity));
        var order = await OrderAsync(orderId);
        Assert.Equal("Cancelled", order.Status);
        Assert.Equal("cancelled by the platform", order.CancelReason);
        Assert.NotNull(order.CancelledAt);
        Assert.True((await CancelAsync(orderId, 20)).Duplicate);
    }

    [Fact]
    public async Task Food_completed_for_a_cancelled_order_is_surplus_that_the_next_matching_order_takes_without_cooking()
    {
        var first = Unique("cooked");
        var next = Unique("next");
        await SubmitAsync(first, 10, ("a", _grill, "Burger", 2));
        var burger = await _api.BatchItemAsync(_grill, "Burger");
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 2 })).EnsureSuccessStatusCode();
        Assert.Equal("Ready", (await OrderAsync(first)).Status);

        await CancelAsync(first, 20);
        var surplus = Assert.Single(await SurplusAsync());
        Assert.Equal((burger.Id, "Burger", 2), (surplus.Id, surplus.ItemName, surplus.Quantity));
        var eventsBefore = await _kitchen.Database.LastEventIdAsync();

        await SubmitAsync(next, 30, ("x", _grill, "Burger", 1));

        var order = await OrderAsync(next);
        Assert.Equal("Ready", order.Status);
        Assert.Equal(1, Assert.Single(order.Lines).CompletedQuantity);
        Assert.Equal(1, Assert.Single(await SurplusAsync()).Quantity);
        Assert.Empty((await _api.StationAsync(_grill)).Items);
        var events = await _kitchen.Database.EventsAfterAsync(eventsBefore);
        Assert.Equal(["order.received", "batch.updated", "surplus.updated", "order.ready"], events.Select(e => e.Type));
        var assigned = JsonDocument.Parse(events[2].Payload).RootElement.GetProperty("assigned")[0];
        Assert.Equal((next, "x", 1), (assigned.GetProperty("orderId").GetString(), assigned.GetProperty("lineId").GetString(), assigned.GetProperty("quantity").GetInt32()));
    }

    [Fact]
    public async Task A_ready_order_cancelled_after_its_holding_time_has_been_handed_over_and_frees_no_surplus()
    {
        var orderId = Unique("handed-over");
        await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 2));
        var burger = await _api.BatchItemAsync(_grill, "Burger");
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 2 })).EnsureSuccessStatusCode();
        await _kitchen.Database.ExecuteAsync($"UPDATE orders SET ready_at = now() - interval '1 hour' WHERE order_id = '{orderId}'");
        var waiting = Unique("waiting");
        await SubmitAsync(waiting, 15, ("a", _grill, "Burger", 1));

        await CancelAsync(orderId, 20);

        Assert.Equal("Cancelled", (await OrderAsync(orderId)).Status);
        Assert.Empty(await SurplusAsync());
        Assert.Equal("Open", (await OrderAsync(waiting)).Status);
        Assert.Equal(1, (await _api.BatchItemAsync(_grill, "Burger")).OpenQuantity);
    }

    [Fact]
    public async Task Surplus_freed_while_other_orders_wait_goes_to_the_oldest_of_them_at_once()
    {
        var cancelled = Unique("first");
        var older = Unique("older");
        var newer = Unique("newer");
        await SubmitAsync(cancelled, 10, DateTime.UtcNow.AddMinutes(-9), ("a", _grill, "Burger", 2));
        await SubmitAsync(older, 10, DateTime.UtcNow.AddMinutes(-6), ("a", _grill, "Burger", 1));
        await SubmitAsync(newer, 10, DateTime.UtcNow.AddMinutes(-3), ("a", _grill, "Burger", 2));
        var burger = await _api.BatchItemAsync(_grill, "Burger");
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 2 })).EnsureSuccessStatusCode();

        await CancelAsync(cancelled, 20);

        Assert.Equal("Ready", (await OrderAsync(older)).Status);
        Assert.Equal(1, Assert.Single((await OrderAsync(newer)).Lines).CompletedQuantity);
        var after = await _api.BatchItemAsync(_grill, "Burger");
        Assert.Equal((1, 0), (after.OpenQuantity, after.SurplusQuantity));
        Assert.Empty(await SurplusAsync());
    }

    [Fact]
    public async Task A_ready_order_that_gets_a_new_line_is_open_again()
    {
        var orderId = Unique("reopen");
        await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 1));
        var burger = await _api.BatchItemAsync(_grill, "Burger");
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 1 })).EnsureSuccessStatusCode();
        var eventsBefore = await _kitchen.Database.LastEventIdAsync();

        await SubmitAsync(orderId, 20, ("a", _grill, "Burger", 1), ("b", _fry, "Fries", 1));

        var order = await OrderAsync(orderId);
        Assert.Equal(("Open", (DateTimeOffset?)null), (order.Status, order.ReadyAt));
        var updated = Assert.Single(await _kitchen.Database.EventsAfterAsync(eventsBefore), e => e.Type == "order.updated");
        Assert.Equal("Open", JsonDocument.Parse(updated.Payload).RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain(await _api.Http.GetFromJsonAsync<List<ReadyOrderView>>("/api/orders/ready", KitchenJson.Options, Cancellation) ?? [], r => r.OrderId == orderId);
    }

    [Fact]
    public async Task A_line_changed_to_other_modifiers_leaves_its_batch_item_for_the_new_one_and_keeps_its_line_id()
    {
        var orderId = Unique("modifiers");
        await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 2));
        var plain = await _api.BatchItemAsync(_grill, "Burger");
        (await _api.PostAsync(plain.Id, "complete", new { quantity = 1 })).EnsureSuccessStatusCode();

        var change = Orders.Request(orderId, (_grill, "Burger", 2));
        change.Stations[0].Items[0].LineId = "a";
        change.Stations[0].Items[0].Modifiers.Add("no onions");
        change.Revision = 20;
        await _kitchen.Intake.SubmitOrderAsync(change, cancellationToken: Cancellation);

        var items = (await _api.StationAsync(_grill)).Items;
        var noOnions = Assert.Single(items);
        Assert.Equal(("no onions", 2), (string.Join(",", noOnions.Modifiers), noOnions.OpenQuantity));
        Assert.Equal(1, Assert.Single(await SurplusAsync()).Quantity);
        Assert.Equal(("a", 0), (Assert.Single((await OrderAsync(orderId)).Lines).LineId, Assert.Single((await OrderAsync(orderId)).Lines).CompletedQuantity));
    }

    [Fact]
    public async Task A_cancellation_that_arrives_before_its_order_keeps_the_order_from_being_cooked()
    {
        var orderId = Unique("early-cancel");

        await CancelAsync(orderId, 20);
        var insert = await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 2));

        Assert.True(insert.Duplicate);
        Assert.Equal("Cancelled", (await OrderAsync(orderId)).Status);
        Assert.Equal(0, await _kitchen.Database.ScalarAsync<long>("SELECT count(*) FROM batch_items WHERE station = $1 AND open_quantity > 0", _grill));
    }

    [Fact]
    public async Task A_deleted_document_cancels_its_order_by_the_source_id()
    {
        var orderId = Unique("deleted");
        var request = Request(orderId, 10, ("a", _grill, "Burger", 2));
        await _kitchen.Intake.SubmitOrderAsync(request, cancellationToken: Cancellation);

        var ack = await _kitchen.Intake.CancelOrderAsync(
            new OrderCancellation { SourceId = request.SourceId, Revision = 20, Reason = "order deleted by the platform" },
            cancellationToken: Cancellation);
        var unknown = await _kitchen.Intake.CancelOrderAsync(
            new OrderCancellation { SourceId = "never-seen", Revision = 20 },
            cancellationToken: Cancellation);

        Assert.True(ack.Changed);
        Assert.False(unknown.Changed);
        var order = await OrderAsync(orderId);
        Assert.Equal(("Cancelled", "order deleted by the platform"), (order.Status, order.CancelReason));
        Assert.Equal(0, await _kitchen.Database.ScalarAsync<long>("SELECT count(*) FROM orders WHERE order_id = ''"));
    }

    [Fact]
    public async Task The_active_orders_are_the_open_ones_and_those_ready_within_the_holding_time()
    {
        var open = Unique("active-open");
        var ready = Unique("active-ready");
        var handedOver = Unique("active-old");
        var cancelled = Unique("active-cancel");
        await SubmitAsync(handedOver, 10, DateTime.UtcNow.AddMinutes(-9), ("a", _grill, "Burger", 1));
        await SubmitAsync(ready, 10, DateTime.UtcNow.AddMinutes(-8), ("a", _grill, "Burger", 1));
        var burger = await _api.BatchItemAsync(_grill, "Burger");
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 2 })).EnsureSuccessStatusCode();
        await _kitchen.Database.ExecuteAsync($"UPDATE orders SET ready_at = now() - interval '1 hour' WHERE order_id = '{handedOver}'");
        await SubmitAsync(open, 10, ("a", _grill, "Burger", 1));
        await SubmitAsync(cancelled, 10, ("a", _fry, "Fries", 1));
        await CancelAsync(cancelled, 20);

        var active = (await _kitchen.Intake.GetActiveOrdersAsync(new ActiveOrdersRequest(), cancellationToken: Cancellation)).Orders.Select(o => o.OrderId).ToList();

        Assert.Contains(open, active);
        Assert.Contains(ready, active);
        Assert.DoesNotContain(handedOver, active);
        Assert.DoesNotContain(cancelled, active);
    }

    [Fact]
    public async Task A_cancellation_naming_no_order_is_invalid()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await _kitchen.Intake.CancelOrderAsync(new OrderCancellation { Revision = 5 }, cancellationToken: Cancellation));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("order_id", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discarding_surplus_records_the_waste_and_refuses_what_is_not_there()
    {
        var orderId = Unique("waste");
        await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 3));
        var burger = await _api.BatchItemAsync(_grill, "Burger");
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 3 })).EnsureSuccessStatusCode();
        await CancelAsync(orderId, 20);

        var tooMany = await DiscardAsync(burger.Id, new { quantity = 4, reason = "cold" });
        var noReason = await DiscardAsync(burger.Id, new { quantity = 1 });
        var unknown = await DiscardAsync(long.MaxValue, new { quantity = 1, reason = "cold" });
        var done = await DiscardAsync(burger.Id, new { quantity = 2, reason = "cold" });

        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        Assert.Contains("Only 3 'Burger'", (await KitchenApiClient.JsonAsync(tooMany)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.True((await KitchenApiClient.JsonAsync(noReason)).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(1, (await done.Content.ReadFromJsonAsync<SurplusView>(KitchenJson.Options, Cancellation))!.Quantity);
        Assert.Equal(2L, await _kitchen.Database.ScalarAsync<long>("SELECT coalesce(sum(quantity), 0)::bigint FROM waste_records WHERE station = $1 AND reason = 'cold'", _grill));
    }

    [Fact]
    public async Task The_board_snapshot_holds_the_stations_surplus()
    {
        var orderId = Unique("board");
        await SubmitAsync(orderId, 10, ("a", _grill, "Burger", 1));
        var burger = await _api.BatchItemAsync(_grill, "Burger");
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 1 })).EnsureSuccessStatusCode();
        await CancelAsync(orderId, 20);

        var board = await _api.Http.GetFromJsonAsync<StationBoardView>($"/api/stations/{Uri.EscapeDataString(_grill)}/board", KitchenJson.Options, Cancellation);

        Assert.Equal((burger.Id, 1), (Assert.Single(board!.Surplus).Id, board.Surplus[0].Quantity));
        Assert.DoesNotContain(board.ReadyOrders, r => r.OrderId == orderId);
    }

    private Task<OrderAck> SubmitAsync(string orderId, ulong revision, params (string LineId, string Station, string Item, int Quantity)[] lines)
        => SubmitAsync(orderId, revision, DateTime.UtcNow, lines);

    private async Task<OrderAck> SubmitAsync(string orderId, ulong revision, DateTime placedAt, params (string LineId, string Station, string Item, int Quantity)[] lines)
    {
        var request = Request(orderId, revision, lines);
        request.PlacedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(placedAt);
        return await _kitchen.Intake.SubmitOrderAsync(request, cancellationToken: Cancellation);
    }

    private static OrderRequest Request(string orderId, ulong revision, params (string LineId, string Station, string Item, int Quantity)[] lines)
    {
        var request = Orders.Request(orderId, [.. lines.Select(l => (l.Station, l.Item, l.Quantity))]);
        var items = request.Stations.SelectMany(s => s.Items).ToList();
        // Orders.Request groups the lines by station, in the order the stations first appear.
        foreach (var (item, line) in items.Zip(lines.GroupBy(l => l.Station).SelectMany(g => g)))
        {
            item.LineId = line.LineId;
        }

        request.Revision = revision;
        return request;
    }

    private async Task<OrderAck> CancelAsync(string orderId, ulong revision)
        => await _kitchen.Intake.CancelOrderAsync(new OrderCancellation { OrderId = orderId, Revision = revision }, cancellationToken: Cancellation);

    private async Task<OrderProgressView> OrderAsync(string orderId)
        => (await _api.Http.GetFromJsonAsync<OrderProgressView>($"/api/orders/{Uri.EscapeDataString(orderId)}", KitchenJson.Options, Cancellation))!;

    private async Task<List<SurplusView>> SurplusAsync()
        => (await _api.Http.GetFromJsonAsync<List<SurplusView>>($"/api/surplus?station={Uri.EscapeDataString(_grill)}", KitchenJson.Options, Cancellation))!;

    private Task<HttpResponseMessage> DiscardAsync(long id, object body)
        => _api.Http.PostAsJsonAsync($"/api/surplus/{id}/discard", body, Cancellation);

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..20];
}
