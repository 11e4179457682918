using System.Net;
using System.Net.Http.Json;
using Google.Protobuf.WellKnownTypes;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Production;

/// <summary>
/// Production items across brands, through gRPC intake and the REST API on PostgreSQL: menu mappings merge brands'
/// items into one batch item (with multipliers), removing a mapping splits them again, completions go to the
/// earliest due first, and changes, cancellations and surplus keep working on mapped items. Each test has its own
/// brands, items and stations: the catalog is kitchen-wide.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProductionItemTests : IClassFixture<KitchenFixture>
{
    private readonly KitchenFixture _kitchen;
    private readonly KitchenApiClient _api;
    private readonly string _grill = Unique("Grill");
    private readonly string _smashCo = Unique("Smash Co");
    private readonly string _burgerBros = Unique("Burger Bros");
    private readonly string _patty = Unique("Smash patty");

    public ProductionItemTests(KitchenFixture kitchen)
    {
        _kitchen = kitchen;
        _api = new KitchenApiClient(kitchen.CreateClient(), kitchen.Intake);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_brands_items_merge_into_one_batch_item_through_a_mapping_and_split_again_when_it_goes()
    {
        await MapAsync(_smashCo, "Double Smash", _patty, 2);
        await MapAsync(_burgerBros, "Classic Burger", _patty, 1);
        await SubmitAsync(Unique("a"), _smashCo, 10, DateTime.UtcNow, ("a", "Double Smash", 2));
        await SubmitAsync(Unique("b"), _burgerBros, 10, DateTime.UtcNow, ("a", "Classic Burger", 3));

        var patty = Assert.Single((await _api.StationAsync(_grill)).Items);
        Assert.Equal((_patty, 7), (patty.ItemName, patty.OpenQuantity));
        Assert.Equal(
            [(_burgerBros, "Classic Burger", 3), (_smashCo, "Double Smash", 2)],
            patty.Serves.Select(s => (s.Brand, s.Item, s.Quantity)).OrderBy(s => s.Brand, StringComparer.Ordinal));

        var removed = await _api.Http.DeleteAsync($"/api/menu-mappings?brand={Uri.EscapeDataString(_smashCo)}&item=Double%20Smash", Cancellation);

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(1, (await KitchenApiClient.JsonAsync(removed)).GetProperty("movedLines").GetInt32());
        var split = (await _api.StationAsync(_grill)).Items.Select(i => (i.ItemName, i.OpenQuantity)).OrderBy(i => i.ItemName, StringComparer.Ordinal).ToList();
        Assert.Equal([("Double Smash", 2), (_patty, 3)], split);
    }

    [Fact]
    public async Task A_mapping_made_while_orders_are_open_moves_their_demand_and_tells_the_screens()
    {
        await SubmitAsync(Unique("early"), _smashCo, 10, DateTime.UtcNow, ("a", "Single Smash", 2));
        var eventsBefore = await _kitchen.Database.LastEventIdAsync();

        var put = await _api.Http.PutAsJsonAsync("/api/menu-mappings", new { brand = _smashCo.ToUpperInvariant(), item = "single smash", productionItem = _patty, multiplier = 1 }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(1, (await KitchenApiClient.JsonAsync(put)).GetProperty("movedLines").GetInt32());
        Assert.Equal([(_patty, 2)], (await _api.StationAsync(_grill)).Items.Select(i => (i.ItemName, i.OpenQuantity)));
        var types = (await _kitchen.Database.EventsAfterAsync(eventsBefore)).Select(e => e.Type).ToList();
        Assert.Contains("production.updated", types);
        Assert.Equal(2, types.Count(t => t == "batch.updated"));
    }

    [Fact]
    public async Task Completions_go_to_the_earliest_due_first_across_brands()
    {
        await MapAsync(_smashCo, "Double Smash", _patty, 2);
        await MapAsync(_burgerBros, "Classic Burger", _patty, 1);
        var now = DateTime.UtcNow;
        var late = Unique("due-late");
        var soon = Unique("due-soon");
        var middle = Unique("due-mid");
        await SubmitAsync(late, _burgerBros, 10, now.AddMinutes(-3), ("a", "Classic Burger", 1), dueAt: now.AddMinutes(40));
        await SubmitAsync(soon, _smashCo, 10, now.AddMinutes(-1), ("a", "Double Smash", 1), dueAt: now.AddMinutes(5));
        await SubmitAsync(middle, _burgerBros, 10, now.AddMinutes(-2), ("a", "Classic Burger", 1), dueAt: now.AddMinutes(20));
        var patty = await _api.BatchItemAsync(_grill, _patty);

        var detail = await _api.Http.GetFromJsonAsync<BatchItemDetailView>($"/api/batch-items/{patty.Id}", KitchenJson.Options, Cancellation);
        Assert.Equal([soon, middle, late], detail!.Orders.Select(o => o.OrderId));

        (await _api.PostAsync(patty.Id, "complete", new { quantity = 2 })).EnsureSuccessStatusCode();
        Assert.Equal(("Ready", "Open", "Open"), ((await OrderAsync(soon)).Status, (await OrderAsync(middle)).Status, (await OrderAsync(late)).Status));

        (await _api.PostAsync(patty.Id, "complete", new { quantity = 1 })).EnsureSuccessStatusCode();
        Assert.Equal(("Ready", "Open"), ((await OrderAsync(middle)).Status, (await OrderAsync(late)).Status));
    }

    [Fact]
    public async Task Changes_cancellations_and_surplus_work_on_mapped_items_whichever_brand_ordered_them()
    {
        await MapAsync(_smashCo, "Double Smash", _patty, 2);
        await MapAsync(_burgerBros, "Classic Burger", _patty, 1);
        var cancelled = Unique("cancelled");
        var changed = Unique("changed");
        await SubmitAsync(cancelled, _smashCo, 10, DateTime.UtcNow, ("a", "Double Smash", 1));
        await SubmitAsync(changed, _burgerBros, 10, DateTime.UtcNow, ("a", "Classic Burger", 3));
        var patty = await _api.BatchItemAsync(_grill, _patty);
        Assert.Equal(5, patty.OpenQuantity);

        // Smash Co's double is cooked first (due first, placed first) and then cancelled: two patties of surplus.
        (await _api.PostAsync(patty.Id, "complete", new { quantity = 2 })).EnsureSuccessStatusCode();
        await _kitchen.Intake.CancelOrderAsync(new OrderCancellation { OrderId = cancelled, Revision = 20 }, cancellationToken: Cancellation);

        // ... which Burger Bros' order takes before anything more is cooked; lowering it to 1 leaves a patty spare.
        Assert.Equal("Open", (await OrderAsync(changed)).Status);
        Assert.Equal(1, (await _api.BatchItemAsync(_grill, _patty)).OpenQuantity);
        await SubmitAsync(changed, _burgerBros, 30, DateTime.UtcNow, ("a", "Classic Burger", 1));

        Assert.Equal("Ready", (await OrderAsync(changed)).Status);
        Assert.Empty((await _api.StationAsync(_grill)).Items);
        var surplus = await _api.Http.GetFromJsonAsync<List<JsonSurplus>>($"/api/surplus?station={Uri.EscapeDataString(_grill)}", KitchenJson.Options, Cancellation);
        Assert.Equal((_patty, 1), (Assert.Single(surplus!).ItemName, surplus![0].Quantity));
    }

    [Fact]
    public async Task A_production_item_with_its_own_station_and_prep_time_takes_its_demand_there()
    {
        var fryer = Unique("Fryer");
        await MapAsync(_smashCo, "Loaded Fries", "Fries " + _patty, 1);
        await SubmitAsync(Unique("fries"), _smashCo, 10, DateTime.UtcNow, ("a", "Loaded Fries", 2));

        var put = await _api.Http.PutAsJsonAsync($"/api/production-items/{Uri.EscapeDataString("Fries " + _patty)}", new { station = fryer, prepSeconds = 180 }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Empty((await _api.StationAsync(_grill)).Items);
        var fries = Assert.Single((await _api.StationAsync(fryer)).Items);
        Assert.Equal((2, 180), (fries.OpenQuantity, fries.PrepSeconds));
        var listed = await _api.Http.GetFromJsonAsync<List<Orbital.KitchenBatch.Production.ProductionItemView>>("/api/production-items", KitchenJson.Options, Cancellation);
        var item = Assert.Single(listed!, p => p.Name == "Fries " + _patty);
        Assert.Equal((fryer, 180, "item", 2), (item.Station, item.PrepSeconds, item.PrepTimeSource, item.OpenQuantity));
        Assert.Equal(_smashCo, Assert.Single(item.MappedFrom).Brand);
    }

    [Fact]
    public async Task The_catalog_refuses_bad_input_with_problem_details_and_only_a_manager_may_change_it()
    {
        var noBrand = await _api.Http.PutAsJsonAsync("/api/menu-mappings", new { item = "X", productionItem = "Y", multiplier = 1 }, Cancellation);
        var badMultiplier = await _api.Http.PutAsJsonAsync("/api/menu-mappings", new { brand = "B", item = "X", productionItem = "Y", multiplier = 0 }, Cancellation);
        var badPrep = await _api.Http.PutAsJsonAsync("/api/production-items/Patty", new { station = "Grill", prepSeconds = -5 }, Cancellation);
        var noStation = await _api.Http.PutAsJsonAsync("/api/production-items/Patty", new { prepSeconds = 60 }, Cancellation);
        var unknown = await _api.Http.DeleteAsync($"/api/menu-mappings?brand={Uri.EscapeDataString(_smashCo)}&item=Nothing", Cancellation);
        using var station = _kitchen.Kitchen.CreateHttpClient(await CreateStationTokenAsync());
        var refused = await station.PutAsJsonAsync("/api/menu-mappings", new { brand = "B", item = "X", productionItem = "Y", multiplier = 1 }, Cancellation);
        var refusedRead = await station.GetAsync("/api/production-items", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, noBrand.StatusCode);
        Assert.True((await KitchenApiClient.JsonAsync(noBrand)).GetProperty("errors").TryGetProperty("brand", out _));
        Assert.True((await KitchenApiClient.JsonAsync(badMultiplier)).GetProperty("errors").TryGetProperty("multiplier", out _));
        Assert.True((await KitchenApiClient.JsonAsync(badPrep)).GetProperty("errors").TryGetProperty("prepSeconds", out _));
        Assert.True((await KitchenApiClient.JsonAsync(noStation)).GetProperty("errors").TryGetProperty("station", out _));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refusedRead.StatusCode);
    }

    private async Task<string> CreateStationTokenAsync()
    {
        var created = await _api.Http.PostAsJsonAsync("/api/devices", new { name = Unique("screen"), station = _grill }, Cancellation);
        created.EnsureSuccessStatusCode();
        return (await KitchenApiClient.JsonAsync(created)).GetProperty("token").GetString()!;
    }

    private async Task MapAsync(string brand, string item, string productionItem, int multiplier)
        => (await _api.Http.PutAsJsonAsync("/api/menu-mappings", new { brand, item, productionItem, multiplier }, Cancellation)).EnsureSuccessStatusCode();

    private async Task SubmitAsync(string orderId, string brand, ulong revision, DateTime placedAt, (string LineId, string Item, int Quantity) line, DateTime? dueAt = null)
    {
        var request = Orders.Request(orderId, (_grill, line.Item, line.Quantity));
        request.Brand = brand;
        request.Revision = revision;
        request.PlacedAt = Timestamp.FromDateTime(placedAt);
        request.Stations[0].Items[0].LineId = line.LineId;
        if (dueAt is { } due)
        {
            request.DueAt = Timestamp.FromDateTime(due);
        }

        await _kitchen.Intake.SubmitOrderAsync(request, cancellationToken: Cancellation);
    }

    private async Task<OrderProgressView> OrderAsync(string orderId)
        => (await _api.Http.GetFromJsonAsync<OrderProgressView>($"/api/orders/{Uri.EscapeDataString(orderId)}", KitchenJson.Options, Cancellation))!;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    private sealed record JsonSurplus(string ItemName, int Quantity);
}
