using System.Net.Http.Headers;
using System.Net.Http.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Stations;
using Orbital.Testing;

namespace Orbital.Tests.Integration;

/// <summary>
/// Changed, cancelled and deleted orders end to end, through the AppHost: the platform changes its documents with
/// the real driver, and the kitchen follows line by line, once, whatever is redelivered; food cooked for a cancelled
/// order goes to the next matching order without being cooked again.
/// </summary>
[Collection(OrbitalAppCollection.Name)]
public sealed class OrderChangeFlowTests(OrbitalAppFixture app)
{
    private static readonly TimeSpan s_arrival = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_order_changed_line_by_line_and_then_cancelled_is_followed_by_the_kitchen_once_through_a_redelivery()
    {
        var station = $"Change Grill {Guid.NewGuid():N}"[..20];
        var document = Document("flow-change", (station, "a", "Burger", 3), (station, "b", "Fries", 2));
        await app.Platform.InsertAsync(document);
        await LinesAsync("flow-change", [("Burger", 3), ("Fries", 2)]);

        // Quantity down, a line removed, a line added: one update of the items.
        await UpdateAsync(document, Builders<BsonDocument>.Update.Set("StationOrders", Stations((station, "a", "Burger", 1), (station, "c", "Hot Dog", 2))));
        await LinesAsync("flow-change", [("Burger", 1), ("Hot Dog", 2)]);
        using var kitchen = await KitchenAsync();
        Assert.Equal([("Burger", 1), ("Hot Dog", 2)], await OpenAsync(kitchen, station));

        await UpdateAsync(document, Builders<BsonDocument>.Update.Set("Status", "Cancelled"));
        await StatusAsync(kitchen, "flow-change", "Cancelled");
        Assert.Empty(await OpenAsync(kitchen, station));

        // The whole history again, as after a lost checkpoint: nothing comes back to life, nothing is doubled.
        await app.StopResourceAsync("order-management");
        await app.Platform.Database.GetCollection<BsonDocument>("orbital_checkpoints").DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, Cancellation);
        await app.StartResourceAsync("order-management");
        await app.Platform.InsertAsync(Document("flow-change-after-replay", (station, "a", "Burger", 1)));
        await LinesAsync("flow-change-after-replay", [("Burger", 1)]);

        Assert.Equal("Cancelled", (await OrderAsync(kitchen, "flow-change")).Status);
        Assert.Equal([("Burger", 1)], await OpenAsync(kitchen, station));
        Assert.Equal(1, (await app.Kitchen.OrderRowCountsAsync(["flow-change"]))["flow-change"]);
    }

    [Fact]
    public async Task A_burger_cooked_for_a_cancelled_order_is_served_to_the_next_burger_order_without_cooking_again()
    {
        var station = $"Surplus Grill {Guid.NewGuid():N}"[..20];
        var cancelled = Document("flow-surplus-cancelled", (station, "a", "Burger", 2));
        await app.Platform.InsertAsync(cancelled);
        using var kitchen = await KitchenAsync();
        var burger = await Eventually.ReturnsAsync(
            async () => (await BoardAsync(kitchen, station))?.Items.SingleOrDefault(),
            b => b is not null,
            "the burgers are on the grill's board",
            s_arrival);
        (await kitchen.PostAsJsonAsync($"/api/batch-items/{burger!.Id}/complete", new { quantity = 2 }, Cancellation)).EnsureSuccessStatusCode();

        await UpdateAsync(cancelled, Builders<BsonDocument>.Update.Set("Status", "cancelled"));
        await StatusAsync(kitchen, "flow-surplus-cancelled", "Cancelled");
        Assert.Equal(2, Assert.Single((await BoardAsync(kitchen, station))!.Surplus).Quantity);

        await app.Platform.InsertAsync(Document("flow-surplus-next", (station, "x", "Burger", 1)));

        await StatusAsync(kitchen, "flow-surplus-next", "Ready");
        var board = await BoardAsync(kitchen, station);
        Assert.Empty(board!.Items);
        Assert.Equal(1, Assert.Single(board.Surplus).Quantity);
        Assert.Contains(board.ReadyOrders, r => r.OrderId == "flow-surplus-next");
    }

    [Fact]
    public async Task A_deleted_order_document_cancels_the_order_in_the_kitchen()
    {
        var station = $"Delete Grill {Guid.NewGuid():N}"[..20];
        var document = Document("flow-deleted", (station, "a", "Burger", 2));
        await app.Platform.InsertAsync(document);
        await LinesAsync("flow-deleted", [("Burger", 2)]);
        using var kitchen = await KitchenAsync();

        await app.Platform.Orders.DeleteOneAsync(new BsonDocument("_id", document["_id"]), Cancellation);

        await StatusAsync(kitchen, "flow-deleted", "Cancelled");
        Assert.Equal("order deleted by the platform", (await OrderAsync(kitchen, "flow-deleted")).CancelReason);
        Assert.Empty(await OpenAsync(kitchen, station));
    }

    private async Task<HttpClient> KitchenAsync()
    {
        var client = app.CreateHttpClient("kitchen-batch", "http");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.ParameterValueAsync("kitchen-manager-key"));
        return client;
    }

    private Task UpdateAsync(BsonDocument document, UpdateDefinition<BsonDocument> update)
        => app.Platform.Orders.UpdateOneAsync(new BsonDocument("_id", document["_id"]), update, cancellationToken: Cancellation);

    private Task LinesAsync(string orderId, (string Item, int Quantity)[] expected) => Eventually.HoldsAsync(
        async () => (await app.Kitchen.LinesOfAsync(orderId)).Select(l => (l.Item, l.Quantity)).Order().SequenceEqual(expected.Order()),
        $"{orderId} has the lines {string.Join(", ", expected)}",
        s_arrival);

    private static Task StatusAsync(HttpClient kitchen, string orderId, string status) => Eventually.HoldsAsync(
        async () => (await kitchen.GetAsync($"/api/orders/{orderId}", Cancellation)) is { IsSuccessStatusCode: true } response
            && (await response.Content.ReadFromJsonAsync<OrderProgressView>(KitchenJson.Options, Cancellation))!.Status == status,
        $"{orderId} is {status}",
        s_arrival);

    private static async Task<OrderProgressView> OrderAsync(HttpClient kitchen, string orderId)
        => (await kitchen.GetFromJsonAsync<OrderProgressView>($"/api/orders/{orderId}", KitchenJson.Options, Cancellation))!;

    private static async Task<StationBoardView?> BoardAsync(HttpClient kitchen, string station)
    {
        using var response = await kitchen.GetAsync($"/api/stations/{Uri.EscapeDataString(station)}/board", Cancellation);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<StationBoardView>(KitchenJson.Options, Cancellation) : null;
    }

    private static async Task<List<(string Item, int Open)>> OpenAsync(HttpClient kitchen, string station)
        => [.. ((await BoardAsync(kitchen, station))?.Items ?? []).Select(i => (i.ItemName, i.OpenQuantity)).Order()];

    private static BsonDocument Document(string orderId, params (string Station, string LineId, string Item, int Quantity)[] lines)
        => new()
        {
            { "OtterOrderId", orderId },
            { "BrandName", "Test Restaurant" },
            { "Status", "Confirmed" },
            { "StationOrders", Stations(lines) },
        };

    private static BsonArray Stations(params (string Station, string LineId, string Item, int Quantity)[] lines)
        => new(lines.GroupBy(l => l.Station).Select(station => new BsonDocument
        {
            { "OwnStationName", station.Key },
            { "OrderItems", new BsonArray(station.Select(l => new BsonDocument { { "Id", l.LineId }, { "Name", l.Item }, { "Quantity", l.Quantity } })) },
        }));
}
