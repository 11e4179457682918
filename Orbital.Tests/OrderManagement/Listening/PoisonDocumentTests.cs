using Grpc.Core;
using MongoDB.Bson;
using Orbital.OrderManagement.Diagnostics;
using Orbital.Testing;
using Orbital.Testing.MongoDB;

namespace Orbital.Tests.OrderManagement.Listening;

/// <summary>
/// One document never stops the flow: whatever cannot become an order is recorded as rejected and the orders
/// behind it arrive; whatever fails for an unplanned reason is held, visibly, and flows once the cause is gone.
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class PoisonDocumentTests(MongoDBFixture mongo) : IDisposable
{
    private readonly ListenerHarness _harness = new(mongo, "poison");

    public void Dispose() => _harness.Dispose();

    public static TheoryData<string, Action<BsonDocument>, string> PoisonDocuments => new()
    {
        { "a date beyond .NET's range", d => d["CreatedAt"] = new BsonDateTime(8_640_000_000_000_000), "CreatedAt is out of range: 8640000000000000 ms after 1970 is not a date between the years 1 and 9999" },
        { "a NUL in an item name", d => Item(d)["Name"] = "Bur\0ger", "stations[0].items[0].name must not contain control characters (U+0000 at position 3)" },
        { "a line break in a modifier", d => Item(d)["Modifiers"] = new BsonArray { "no\nonions" }, "stations[0].items[0].modifiers[0] must not contain control characters (U+000A at position 2)" },
        { "an oversize modifier set", d => Item(d)["Modifiers"] = new BsonArray(Enumerable.Range(0, 11).Select(i => $"{i}{new string('m', 99)}")), "stations[0].items[0].modifiers must be at most 1000 characters together, were 1101" },
        { "an order over the size cap", d => d["StationOrders"] = HugeStations(), "order is 283,316 bytes, over the limit of 262,144 bytes" },
    };

    [Theory]
    [MemberData(nameof(PoisonDocuments))]
    public async Task A_poison_document_is_rejected_with_a_readable_reason_and_the_next_order_flows(string why, Action<BsonDocument> poison, string reason)
    {
        var poisoned = Orders.Document($"poison-{why}");
        poison(poisoned);
        await using var service = await _harness.StartAsync();

        await _harness.Platform.InsertAsync(poisoned, Orders.Document("poison-next"));
        await _harness.StoredAsync("poison-next");
        var rejection = Assert.Single(await Eventually.ReturnsAsync(_harness.Platform.RejectionsAsync, r => r.Count == 1, "the rejection is recorded"));

        Assert.Equal(poisoned["_id"], rejection["_id"]);
        Assert.Equal([reason], rejection["reasons"].AsBsonArray.Select(r => r.AsString));
        Assert.DoesNotContain($"poison-{why}", _harness.Kitchen.Stored);
        Assert.Null(service.Status.Held);
    }

    [Fact]
    public async Task A_document_with_thousands_of_broken_items_is_recorded_with_a_bounded_list_of_reasons()
    {
        var broken = Orders.Document("poison-thousands");
        broken["StationOrders"][0]["OrderItems"] = new BsonArray(Enumerable.Range(0, 5_000).Select(_ => new BsonDocument()));
        await using var service = await _harness.StartAsync();

        await _harness.Platform.InsertAsync(broken, Orders.Document("poison-after-thousands"));
        await _harness.StoredAsync("poison-after-thousands");
        var rejection = Assert.Single(await Eventually.ReturnsAsync(_harness.Platform.RejectionsAsync, r => r.Count == 1, "the rejection is recorded"));

        Assert.Equal(51, rejection["reasons"].AsBsonArray.Count);
        Assert.Equal("and 9950 more", rejection["reasons"][50].AsString);
    }

    [Fact]
    public async Task An_order_whose_id_is_too_long_to_keep_is_cooked_with_its_source_id_shortened()
    {
        var order = Orders.Document("poison-long-id");
        order["_id"] = new string('k', 300);
        await using var service = await _harness.StartAsync();

        await _harness.Platform.InsertAsync(order);
        await _harness.StoredAsync("poison-long-id");

        // Quoted (a string _id), cut to what the kitchen keeps, and exact: the end is a hash of the whole id.
        var sourceId = Assert.Single(_harness.Kitchen.Calls, c => c.OrderId == "poison-long-id").SourceId;
        Assert.Equal(128, sourceId.Length);
        Assert.StartsWith("\"kkkk", sourceId, StringComparison.Ordinal);
        Assert.Matches("…#[0-9a-f]{32}$", sourceId);
    }

    [Fact]
    public async Task An_order_the_kitchen_fails_for_an_unknown_reason_is_held_visibly_with_a_growing_delay_then_flows()
    {
        var failing = true;
        _harness.Kitchen.Before = request => request.OrderId == "poison-unknown" && Volatile.Read(ref failing)
            ? Task.FromException(FakeKitchen.Failure(StatusCode.Unknown, "Exception was thrown by handler."))
            : Task.CompletedTask;
        await using var service = await _harness.StartAsync();

        await _harness.Platform.InsertAsync(Orders.Document("poison-unknown"), Orders.Document("poison-behind"));
        var health = await ListenerHarness.HealthSaysAsync(service, "Holding order poison-unknown");
        var grown = await Eventually.ReturnsAsync(
            () => Task.FromResult(service.Status.Held),
            held => held is { Attempts: >= 6 },
            "the order has been retried six times");
        Volatile.Write(ref failing, false);
        await _harness.StoredAsync("poison-unknown", "poison-behind");

        Assert.Contains("Unhealthy", health, StringComparison.Ordinal);
        Assert.Contains("the kitchen answered Unknown", health, StringComparison.Ordinal);
        Assert.Equal(HoldReason.KitchenFailed, grown!.Reason);
        Assert.Equal(new[] { "poison-unknown", "poison-behind" }.Order(), _harness.Kitchen.Stored.Order());
        Assert.Null(service.Status.Held);
    }

    [Fact]
    public async Task A_document_that_fails_to_relay_for_an_unplanned_reason_is_held_visibly_then_flows()
    {
        var failing = true;
        _harness.Kitchen.Before = request => request.OrderId == "poison-relay" && Volatile.Read(ref failing)
            ? Task.FromException(new InvalidOperationException("the channel is broken"))
            : Task.CompletedTask;
        await using var service = await _harness.StartAsync();

        await _harness.Platform.InsertAsync(Orders.Document("poison-relay"), Orders.Document("poison-relay-behind"));
        var health = await ListenerHarness.HealthSaysAsync(service, "Holding order poison-relay");
        Volatile.Write(ref failing, false);
        await _harness.StoredAsync("poison-relay", "poison-relay-behind");

        Assert.Contains("Unhealthy", health, StringComparison.Ordinal);
        Assert.Contains("the channel is broken", health, StringComparison.Ordinal);
        Assert.Null(service.Status.Held);
    }

    private static BsonDocument Item(BsonDocument document) => document["StationOrders"][0]["OrderItems"][0].AsBsonDocument;

    /// <summary>Six stations of 100 items with 450-character notes: valid line by line, too big as one order.</summary>
    private static BsonArray HugeStations() => new(Enumerable.Range(0, 6).Select(s => new BsonDocument
    {
        { "OwnStationName", $"Station {s}" },
        { "OrderItems", new BsonArray(Enumerable.Range(0, 100).Select(i => new BsonDocument { { "Name", "Burger" }, { "Quantity", 1 }, { "Note", new string('n', 450) } })) },
    }));
}
