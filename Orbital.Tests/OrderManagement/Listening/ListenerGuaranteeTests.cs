using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.Testing;
using Orbital.Testing.MongoDB;

namespace Orbital.Tests.OrderManagement.Listening;

/// <summary>
/// Inputs and situations that once lost, doubled or stalled an order at the order service: a document mended after a
/// rejection, two documents whose ids read alike, a lost checkpoint while the kitchen drained a backlog, a document
/// whose order id is an array, a rejection MongoDB will not record, and a kitchen too old to answer every question.
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class ListenerGuaranteeTests(MongoDBFixture mongo) : IDisposable
{
    private static readonly (string, string?)[] s_noMargin = [("OrderListener:CatchUpMargin", "00:00:00"), ("OrderListener:CatchUpMarginLimit", "00:00:00")];

    private readonly ListenerHarness _harness = new(mongo, "guarantees");

    private PlatformDatabase Platform => _harness.Platform;

    private FakeKitchen Kitchen => _harness.Kitchen;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_document_mended_after_a_rejection_reaches_the_kitchen_as_it_is_now()
    {
        await using var service = await _harness.StartAsync();
        var document = Orders.Document("guarantee-mended", quantity: 2);
        await Platform.InsertAsync(document);
        await _harness.StoredAsync("guarantee-mended");
        var id = new BsonDocument("_id", document["_id"]);

        await Platform.Orders.UpdateOneAsync(id, new BsonDocument("$set", new BsonDocument { { "PlacedAt", "soon" }, { "StationOrders.0.OrderItems.0.Quantity", 3 } }), cancellationToken: Cancellation);
        await Eventually.HoldsAsync(async () => (await Platform.RejectionsAsync()).Any(r => r["orderId"] == "guarantee-mended"), "the broken change is recorded as rejected");
        await Platform.Orders.UpdateOneAsync(id, new BsonDocument("$set", new BsonDocument("PlacedAt", DateTime.UtcNow)), cancellationToken: Cancellation);

        await Eventually.HoldsAsync(() => Task.FromResult(Kitchen.CallsFor("guarantee-mended") == 2), "the mended document reached the kitchen");
        Assert.Equal(3, Kitchen.Calls.Last(c => c.OrderId == "guarantee-mended").Stations[0].Items[0].Quantity);
    }

    [Fact]
    public async Task Deleting_one_of_two_documents_whose_ids_read_alike_cancels_only_its_own_order()
    {
        await using var service = await _harness.StartAsync();
        await Platform.InsertAsync(WithId(Orders.Document("guarantee-number-42"), 42), WithId(Orders.Document("guarantee-string-42"), "42"));
        await _harness.StoredAsync("guarantee-number-42", "guarantee-string-42");

        await Platform.Orders.DeleteOneAsync(new BsonDocument("_id", 42), Cancellation);

        await Eventually.HoldsAsync(() => Task.FromResult(Kitchen.Cancellations.Count == 1), "the deletion reached the kitchen");
        var number = Kitchen.Calls.Single(c => c.OrderId == "guarantee-number-42").SourceId;
        var text = Kitchen.Calls.Single(c => c.OrderId == "guarantee-string-42").SourceId;
        Assert.NotEqual(number, text);
        Assert.Equal(number, Kitchen.Cancellations[0].SourceId);
    }

    [Fact]
    public async Task A_lost_checkpoint_is_caught_up_from_where_the_kitchens_orders_reach_not_from_its_newest_receipt()
    {
        // The kitchen received its newest order just now, but that order was written an hour ago: it is draining a
        // backlog. A document inserted half an hour ago is not in the kitchen.
        await Kitchen.SubmitOrderAsync(Orders.Request("guarantee-draining"), cancellationToken: Cancellation);
        Kitchen.LatestRevision = (ulong)DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds() << 32;
        await Platform.InsertAsync(WithId(Orders.Document("guarantee-between"), ObjectId.GenerateNewId(DateTime.UtcNow.AddMinutes(-30))));

        await using var service = await _harness.StartAsync(s_noMargin);

        await _harness.StoredAsync("guarantee-between");
        Assert.Contains("the newest change it applied was written at", await ListenerHarness.HealthSaysAsync(service, "Lost checkpoint"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_whose_order_id_is_an_array_is_recorded_as_rejected_and_the_catch_up_goes_on()
    {
        // The kitchen works on A1, written two hours ago: the catch-up re-reads it by its id, and finds an array.
        await Kitchen.SubmitOrderAsync(Orders.Request("guarantee-array-held"), cancellationToken: Cancellation);
        Kitchen.LatestRevision = (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds() << 32;
        Kitchen.ActiveOrders = ["guarantee-A1"];
        var arrayId = Orders.Document("unused");
        arrayId["OtterOrderId"] = new BsonArray { "guarantee-A1" };
        await Platform.InsertAsync(WithId(arrayId, ObjectId.GenerateNewId(DateTime.UtcNow.AddHours(-2))));

        await using var service = await _harness.StartAsync(s_noMargin);
        await Platform.InsertAsync(Orders.Document("guarantee-after-array"));

        await _harness.StoredAsync("guarantee-after-array");
        var rejection = Assert.Single(await Platform.RejectionsAsync(), r => r["_id"] == arrayId["_id"]);
        Assert.Contains("OtterOrderId must be a string, was Array", rejection["reasons"].AsBsonArray.Select(r => r.AsString));
    }

    [Fact]
    public async Task A_rejection_MongoDB_refuses_to_record_is_logged_and_skipped_and_the_orders_behind_it_flow()
    {
        // An operator's unique index on the rejections' order id: the second rejection of one order id cannot be written.
        await Platform.Database.GetCollection<BsonDocument>("orbital_rejected_orders").Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(new BsonDocument("orderId", 1), new CreateIndexOptions { Unique = true }),
            cancellationToken: Cancellation);
        await using var service = await _harness.StartAsync();

        await Platform.InsertAsync(Orders.Document("guarantee-twice-bad", quantity: 0), Orders.Document("guarantee-twice-bad", quantity: -1), Orders.Document("guarantee-behind"));

        await _harness.StoredAsync("guarantee-behind");
        var health = await ListenerHarness.HealthSaysAsync(service, "unrecordedRejections");
        Assert.Contains("\"status\": \"Healthy\"", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kitchen_without_GetIntakeState_does_not_stall_the_first_start_and_health_says_how_it_started()
    {
        Kitchen.Lacks.Add("GetIntakeState");
        await Platform.InsertAsync(Orders.Document("guarantee-recent"));

        await using var service = await _harness.StartAsync();
        await Platform.InsertAsync(Orders.Document("guarantee-after-start"));

        await _harness.StoredAsync("guarantee-recent", "guarantee-after-start");
        var health = await ListenerHarness.HealthSaysAsync(service, "does not answer GetIntakeState");
        Assert.Contains("\"status\": \"Degraded\"", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kitchen_without_GetActiveOrders_does_not_stall_a_catch_up_and_health_says_what_was_not_re_read()
    {
        Kitchen.Lacks.Add("GetActiveOrders");
        await Kitchen.SubmitOrderAsync(Orders.Request("guarantee-old-held"), cancellationToken: Cancellation);
        Kitchen.LatestRevision = (ulong)DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds() << 32;

        await using var service = await _harness.StartAsync(s_noMargin);
        await Platform.InsertAsync(Orders.Document("guarantee-after-catch-up"));

        await _harness.StoredAsync("guarantee-after-catch-up");
        await ListenerHarness.HealthSaysAsync(service, "does not answer GetActiveOrders");
    }

    private static BsonDocument WithId(BsonDocument document, BsonValue id)
    {
        document["_id"] = id;
        return document;
    }
}
