using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Surplus;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Intake;

/// <summary>
/// What intake promises whatever order, content or dates the changes come in: revisions only move forward; a
/// document that now carries another order cancels the one it carried; a placed-at time cannot jump the queue; and
/// surplus older than the holding time is waste, never given to an order.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IntakeGuaranteeTests : IClassFixture<KitchenFixture>
{
    private readonly KitchenFixture _kitchen;
    private readonly KitchenApiClient _api;
    private readonly string _fry = Unique("Fry");

    public IntakeGuaranteeTests(KitchenFixture kitchen)
    {
        _kitchen = kitchen;
        _api = new KitchenApiClient(kitchen.CreateClient(), kitchen.Intake);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_newer_revision_that_matches_moves_the_revision_so_an_older_one_arriving_later_changes_nothing()
    {
        var orderId = Unique("forward");
        await SubmitAsync(orderId, 100, fries: 2);

        var same = await SubmitAsync(orderId, 300, fries: 2);
        var older = await SubmitAsync(orderId, 200, fries: 1);

        Assert.True(same.Duplicate);
        Assert.True(older.Duplicate);
        Assert.Equal(2, (await _api.BatchItemAsync(_fry, "Fries")).OpenQuantity);
        Assert.Equal(300m, await _kitchen.Database.ScalarAsync<decimal>("SELECT revision FROM orders WHERE order_id = $1", orderId));
    }

    [Fact]
    public async Task Cancelled_again_at_a_newer_revision_an_order_is_not_brought_back_by_an_older_state()
    {
        var orderId = Unique("recancel");
        await SubmitAsync(orderId, 50, fries: 2);
        await CancelAsync(orderId, 100);

        var again = await CancelAsync(orderId, 300);
        var older = await SubmitAsync(orderId, 200, fries: 2);

        Assert.True(again.Duplicate);
        Assert.True(older.Duplicate);
        Assert.Equal("Cancelled", (await OrderAsync(orderId)).Status);
        Assert.Empty((await _api.StationAsync(_fry)).Items);
    }

    [Fact]
    public async Task A_document_that_now_carries_another_order_id_cancels_the_order_it_carried()
    {
        var sourceId = $"\"doc-{Guid.NewGuid():N}\"";
        var before = Unique("otter-old");
        var after = Unique("otter-new");
        await SubmitAsync(before, 10, fries: 2, sourceId: sourceId);

        await SubmitAsync(after, 20, fries: 2, sourceId: sourceId);

        var old = await OrderAsync(before);
        Assert.Equal("Cancelled", old.Status);
        Assert.Contains(after, old.CancelReason, StringComparison.Ordinal);
        Assert.Equal("Open", (await OrderAsync(after)).Status);
        Assert.Equal(2, (await _api.BatchItemAsync(_fry, "Fries")).OpenQuantity);

        // A deletion of the document cancels the order it carries now.
        await _kitchen.Intake.CancelOrderAsync(new OrderCancellation { SourceId = sourceId, Revision = 30, Reason = "order deleted by the platform" }, cancellationToken: Cancellation);
        Assert.Equal("Cancelled", (await OrderAsync(after)).Status);
    }

    [Fact]
    public async Task A_placed_at_of_the_year_1_or_9999_is_filed_within_the_window_and_cannot_jump_the_queue()
    {
        var ancient = Unique("year-1");
        var real = Unique("real");
        var future = Unique("year-9999");
        await SubmitAsync(real, 10, fries: 1, placedAt: DateTime.UtcNow.AddMinutes(-5));
        await SubmitAsync(ancient, 10, fries: 1, placedAt: new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await SubmitAsync(future, 10, fries: 1, placedAt: new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc));

        var ancientOrder = await OrderAsync(ancient);
        var futureOrder = await OrderAsync(future);

        // Not believable: filed as placed when they arrived, after the real order.
        Assert.Equal(ancientOrder.ReceivedAt, ancientOrder.PlacedAt);
        Assert.Equal(futureOrder.ReceivedAt, futureOrder.PlacedAt);
        var fries = await _api.BatchItemAsync(_fry, "Fries");
        (await _api.PostAsync(fries.Id, "complete", new { quantity = 1 })).EnsureSuccessStatusCode();
        Assert.Equal("Ready", (await OrderAsync(real)).Status);
        Assert.Equal("Open", (await OrderAsync(ancient)).Status);
        Assert.Equal("Open", (await OrderAsync(future)).Status);
    }

    [Fact]
    public async Task Surplus_older_than_the_holding_time_is_waste_and_never_makes_an_order_ready()
    {
        var cooked = Unique("binned");
        await SubmitAsync(cooked, 10, fries: 2);
        var fries = await _api.BatchItemAsync(_fry, "Fries");
        (await _api.PostAsync(fries.Id, "complete", new { quantity = 2 })).EnsureSuccessStatusCode();
        await CancelAsync(cooked, 20);

        // The surplus has waited an hour, three times the holding time (the kitchen may expire it by itself first).
        var eventsBefore = await _kitchen.Database.LastEventIdAsync();
        await _kitchen.Database.ExecuteAsync(
            $"UPDATE batch_items SET surplus_since = now() - interval '1 hour', surplus_lots = jsonb_build_array(jsonb_build_object('quantity', 2, 'since', now() - interval '1 hour')) WHERE id = {fries.Id}");
        var hungry = Unique("hungry");

        await SubmitAsync(hungry, 30, fries: 1);

        Assert.Equal("Open", (await OrderAsync(hungry)).Status);
        Assert.Equal(1, (await _api.BatchItemAsync(_fry, "Fries")).OpenQuantity);
        Assert.Equal(2L, await _kitchen.Database.ScalarAsync<long>("SELECT coalesce(sum(quantity), 0)::bigint FROM waste_records WHERE batch_item_id = $1 AND discarded_by = 'kitchen'", fries.Id));
        var expired = (await _kitchen.Database.EventsAfterAsync(eventsBefore)).Single(e => e.Type == "surplus.updated");
        Assert.Equal(2, JsonDocument.Parse(expired.Payload).RootElement.GetProperty("discarded").GetInt32());
    }

    [Fact]
    public async Task Surplus_that_waits_on_while_fresher_surplus_joins_it_expires_lot_by_lot()
    {
        var first = Unique("lot-old");
        var second = Unique("lot-new");
        await SubmitAsync(first, 10, fries: 2);
        await SubmitAsync(second, 10, fries: 1);
        var fries = await _api.BatchItemAsync(_fry, "Fries");
        (await _api.PostAsync(fries.Id, "complete", new { quantity = 3 })).EnsureSuccessStatusCode();
        await CancelAsync(first, 20);
        await _kitchen.Database.ExecuteAsync(
            $"UPDATE batch_items SET surplus_since = now() - interval '1 hour', surplus_lots = jsonb_build_array(jsonb_build_object('quantity', 2, 'since', now() - interval '1 hour')) WHERE id = {fries.Id}");

        await CancelAsync(second, 20);
        var taker = Unique("taker");
        await SubmitAsync(taker, 30, fries: 2);

        // The hour-old two went in the bin; the fresh one went to the new order, which waits for one more.
        var order = await OrderAsync(taker);
        Assert.Equal(1, Assert.Single(order.Lines).CompletedQuantity);
        Assert.Equal(2L, await _kitchen.Database.ScalarAsync<long>("SELECT coalesce(sum(quantity), 0)::bigint FROM waste_records WHERE batch_item_id = $1 AND discarded_by = 'kitchen'", fries.Id));
    }

    [Fact]
    public async Task Surplus_nobody_asks_for_expires_by_itself_and_leaves_the_board()
    {
        var cooked = Unique("idle");
        await SubmitAsync(cooked, 10, fries: 1);
        var fries = await _api.BatchItemAsync(_fry, "Fries");
        (await _api.PostAsync(fries.Id, "complete", new { quantity = 1 })).EnsureSuccessStatusCode();
        await CancelAsync(cooked, 20);
        await _kitchen.Database.ExecuteAsync(
            $"UPDATE batch_items SET surplus_since = now() - interval '1 hour', surplus_lots = jsonb_build_array(jsonb_build_object('quantity', 1, 'since', now() - interval '1 hour')) WHERE id = {fries.Id}");

        await Eventually.HoldsAsync(
            async () => (await _api.Http.GetFromJsonAsync<List<SurplusView>>($"/api/surplus?station={Uri.EscapeDataString(_fry)}", KitchenJson.Options, Cancellation))!.Count == 0,
            "the expired surplus left the list");
        Assert.Equal(1L, await _kitchen.Database.ScalarAsync<long>("SELECT coalesce(sum(quantity), 0)::bigint FROM waste_records WHERE batch_item_id = $1 AND discarded_by = 'kitchen'", fries.Id));
    }

    private async Task<OrderAck> SubmitAsync(string orderId, ulong revision, int fries, DateTime? placedAt = null, string? sourceId = null)
    {
        var request = Orders.Request(orderId, (_fry, "Fries", fries));
        request.Revision = revision;
        request.PlacedAt = Timestamp.FromDateTime(placedAt ?? DateTime.UtcNow);
        request.SourceId = sourceId ?? request.SourceId;
        return await _kitchen.Intake.SubmitOrderAsync(request, cancellationToken: Cancellation);
    }

    private async Task<OrderAck> CancelAsync(string orderId, ulong revision)
        => await _kitchen.Intake.CancelOrderAsync(new OrderCancellation { OrderId = orderId, Revision = revision }, cancellationToken: Cancellation);

    private async Task<OrderProgressView> OrderAsync(string orderId)
        => (await _api.Http.GetFromJsonAsync<OrderProgressView>($"/api/orders/{Uri.EscapeDataString(orderId)}", KitchenJson.Options, Cancellation))!;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..20];
}
