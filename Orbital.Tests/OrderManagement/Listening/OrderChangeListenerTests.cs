using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.Testing;
using Orbital.Testing.MongoDB;

namespace Orbital.Tests.OrderManagement.Listening;

/// <summary>
/// Changes to orders after they were placed, through the real MongoDB driver and the listener in its host, against a
/// scripted kitchen: every update, replacement, cancellation and deletion is sent in the order it happened, with a
/// revision that grows with it; updates that do not touch what the kitchen cooks are not sent; bad changes are
/// rejections, never a stall.
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class OrderChangeListenerTests(MongoDBFixture mongo) : IDisposable
{
    private readonly ListenerHarness _harness = new(mongo, "changes");

    private PlatformDatabase Platform => _harness.Platform;

    private FakeKitchen Kitchen => _harness.Kitchen;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Updates_replacements_cancellations_and_deletions_reach_the_kitchen_in_order_with_growing_revisions()
    {
        await using var service = await _harness.StartAsync();
        var document = Orders.Document("changes-all", quantity: 3);

        // One step at a time: an update's event carries the document as it is when the listener reads it.
        await Platform.InsertAsync(document);
        var id = Filter(document);
        await SentAsync(1);
        await Platform.Orders.UpdateOneAsync(id, Builders<BsonDocument>.Update.Set("StationOrders.0.OrderItems.0.Quantity", 1), cancellationToken: Cancellation);
        await SentAsync(2);
        var replacement = Orders.Document("changes-all", quantity: 5);
        replacement["_id"] = document["_id"];
        await Platform.Orders.ReplaceOneAsync(id, replacement, cancellationToken: Cancellation);
        await SentAsync(3);
        await Platform.Orders.UpdateOneAsync(id, Builders<BsonDocument>.Update.Set("Status", "Cancelled"), cancellationToken: Cancellation);
        await Eventually.HoldsAsync(() => Task.FromResult(Kitchen.Cancellations.Count == 1), "the cancellation reached the kitchen");
        await Platform.Orders.DeleteOneAsync(id, Cancellation);

        await Eventually.HoldsAsync(() => Task.FromResult(Kitchen.Cancellations.Count == 2), "the deletion reached the kitchen");
        var states = Kitchen.Calls.Where(c => c.OrderId == "changes-all").ToList();
        Assert.Equal([3, 1, 5], states.Select(s => s.Stations[0].Items[0].Quantity));
        var cancelled = Kitchen.Cancellations[0];
        var deleted = Kitchen.Cancellations[1];
        Assert.Equal(("changes-all", "cancelled by the platform"), (cancelled.OrderId, cancelled.Reason));
        Assert.Equal(("", document["_id"].ToString(), "order deleted by the platform"), (deleted.OrderId, deleted.SourceId, deleted.Reason));
        ulong[] revisions = [.. states.Select(s => s.Revision), cancelled.Revision, deleted.Revision];
        Assert.Equal(revisions.Order(), revisions);
        Assert.Equal(revisions.Length, revisions.Distinct().Count());
        Assert.All(revisions, r => Assert.True(r > 0));
    }

    [Fact]
    public async Task An_item_pulled_from_an_order_and_one_pushed_onto_it_reach_the_kitchen()
    {
        await using var service = await _harness.StartAsync();
        var document = Orders.Document("changes-pull");
        document["StationOrders"][0]["OrderItems"].AsBsonArray.Add(new BsonDocument { { "Id", "fries" }, { "Name", "Fries" }, { "Quantity", 1 } });
        await Platform.InsertAsync(document);
        await _harness.StoredAsync("changes-pull");

        await Platform.Orders.UpdateOneAsync(
            Filter(document),
            Builders<BsonDocument>.Update.PullFilter("StationOrders.0.OrderItems", Builders<BsonDocument>.Filter.Eq("Id", "fries")),
            cancellationToken: Cancellation);
        await Eventually.HoldsAsync(() => Task.FromResult(Kitchen.CallsFor("changes-pull") == 2), "the order without its fries reached the kitchen");
        await Platform.Orders.UpdateOneAsync(
            Filter(document),
            Builders<BsonDocument>.Update.Push("StationOrders.0.OrderItems", new BsonDocument { { "Id", "shake" }, { "Name", "Shake" }, { "Quantity", 2 } }),
            cancellationToken: Cancellation);
        await Eventually.HoldsAsync(() => Task.FromResult(Kitchen.CallsFor("changes-pull") == 3), "the order with a shake reached the kitchen");

        var states = Kitchen.Calls.Where(c => c.OrderId == "changes-pull").Select(c => string.Join(",", c.Stations[0].Items.Select(i => i.Name))).ToList();
        Assert.Equal(["Burger,Fries", "Burger", "Burger,Shake"], states);
    }

    [Fact]
    public async Task An_update_of_fields_the_kitchen_does_not_cook_by_is_not_sent_and_the_flow_goes_on()
    {
        await using var service = await _harness.StartAsync();
        var document = Orders.Document("changes-courier");
        await Platform.InsertAsync(document);
        await _harness.StoredAsync("changes-courier");

        await Platform.Orders.UpdateOneAsync(Filter(document), Builders<BsonDocument>.Update.Set("Courier", new BsonDocument("Position", "52.1,4.3")), cancellationToken: Cancellation);
        await Platform.InsertAsync(Orders.Document("changes-after-courier"));
        await _harness.StoredAsync("changes-after-courier");

        Assert.Equal(1, Kitchen.CallsFor("changes-courier"));
    }

    [Fact]
    public async Task A_cancelled_order_whose_items_were_stripped_is_cancelled_by_its_order_id()
    {
        await using var service = await _harness.StartAsync();
        var document = Orders.Document("changes-stripped");
        await Platform.InsertAsync(document);

        await Platform.Orders.UpdateOneAsync(
            Filter(document),
            Builders<BsonDocument>.Update.Set("Status", "CANCELLED").Unset("StationOrders"),
            cancellationToken: Cancellation);

        await Eventually.HoldsAsync(() => Task.FromResult(Kitchen.Cancellations.Count == 1), "the cancellation reached the kitchen");
        Assert.Equal("changes-stripped", Kitchen.Cancellations[0].OrderId);
        Assert.Empty(await Platform.RejectionsAsync());
    }

    [Fact]
    public async Task An_update_that_makes_the_order_invalid_is_recorded_as_rejected_and_later_orders_flow()
    {
        await using var service = await _harness.StartAsync();
        var document = Orders.Document("changes-broken");
        await Platform.InsertAsync(document);

        await Platform.Orders.UpdateOneAsync(Filter(document), Builders<BsonDocument>.Update.Set("StationOrders.0.OrderItems.0.Quantity", 0), cancellationToken: Cancellation);
        await Platform.InsertAsync(Orders.Document("changes-after-broken"));
        await _harness.StoredAsync("changes-after-broken");

        var rejection = Assert.Single(await Platform.RejectionsAsync());
        Assert.Equal(document["_id"], rejection["_id"]);
        Assert.Contains("quantity must be between 1 and", rejection["reasons"][0].AsString, StringComparison.Ordinal);
        Assert.Equal(1, Kitchen.CallsFor("changes-broken"));
    }

    private Task SentAsync(int states) => Eventually.HoldsAsync(
        () => Task.FromResult(Kitchen.CallsFor("changes-all") == states),
        $"{states} states of the order reached the kitchen");

    private static BsonDocument Filter(BsonDocument document) => new("_id", document["_id"]);
}
