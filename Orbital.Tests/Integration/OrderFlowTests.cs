using MongoDB.Bson;
using Orbital.Testing;

namespace Orbital.Tests.Integration;

/// <summary>
/// The delivery guarantees end to end, through the AppHost: an order written to MongoDB with the real driver
/// reaches the kitchen's PostgreSQL exactly once, whichever part of the path stops or loses its memory.
/// </summary>
[Collection(OrbitalAppCollection.Name)]
public sealed class OrderFlowTests(OrbitalAppFixture app)
{
    private static readonly TimeSpan s_arrival = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_order_inserted_into_MongoDB_is_stored_by_the_kitchen_with_its_lines()
    {
        var document = Orders.Document("flow-single", quantity: 3);
        document["StationOrders"].AsBsonArray.Add(new BsonDocument
        {
            { "OwnStationName", "Fry Station" },
            { "OrderItems", new BsonArray { new BsonDocument { { "Name", "Fries" }, { "Quantity", 2 }, { "Modifiers", new BsonArray { "salted" } } } } },
        });

        await app.Platform.InsertAsync(document);
        await ArrivedExactlyOnceAsync(["flow-single"], TimeSpan.FromSeconds(30));
        var lines = await app.Kitchen.LinesOfAsync("flow-single");

        Assert.Equal(
            [("Grill Station", "Burger", 3, Array.Empty<string>()), ("Fry Station", "Fries", 2, new[] { "salted" })],
            lines.Select(l => (l.Station, l.Item, l.Quantity, l.Modifiers)));
    }

    [Fact]
    public async Task A_burst_of_500_orders_arrives_each_exactly_once()
    {
        var ids = OrderIds("flow-burst", 500);

        await app.Platform.InsertAsync([.. ids.Select(id => Orders.Document(id))]);

        await ArrivedExactlyOnceAsync(ids, s_arrival);
        Assert.Equal(500L, await app.Kitchen.ScalarAsync<long>(
            "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.kitchen_order_id WHERE o.order_id LIKE 'flow-burst-%'"));
    }

    [Fact]
    public async Task Orders_inserted_while_the_order_service_is_stopped_arrive_exactly_once_after_it_starts()
    {
        var before = OrderIds("flow-om-before", 20);
        var whileDown = OrderIds("flow-om-down", 200);
        await app.Platform.InsertAsync([.. before.Select(id => Orders.Document(id))]);
        await ArrivedExactlyOnceAsync(before, s_arrival);

        await app.StopResourceAsync("order-management");
        await app.Platform.InsertAsync([.. whileDown.Select(id => Orders.Document(id))]);
        await app.StartResourceAsync("order-management");

        await ArrivedExactlyOnceAsync([.. before, .. whileDown], s_arrival);
    }

    [Fact]
    public async Task Orders_inserted_while_the_kitchen_is_stopped_arrive_exactly_once_after_it_starts()
    {
        var ids = OrderIds("flow-kitchen-down", 200);

        await app.StopResourceAsync("kitchen-batch");
        await app.Platform.InsertAsync([.. ids.Select(id => Orders.Document(id))]);
        await Eventually.HoldsAsync(
            async () => (await HealthOfOrderServiceAsync()).Contains("Holding order flow-kitchen-down-", StringComparison.Ordinal),
            "the order service says it holds an order for the kitchen");
        await app.StartResourceAsync("kitchen-batch");

        await ArrivedExactlyOnceAsync(ids, s_arrival);
    }

    [Fact]
    public async Task After_PostgreSQL_is_stopped_and_started_the_kitchen_can_be_restarted_and_orders_flow()
    {
        await app.StopResourceAsync("postgres");
        await app.StartResourceAsync("postgres");
        await app.StopResourceAsync("kitchen-batch");
        await app.StartResourceAsync("kitchen-batch");

        await app.Platform.InsertAsync(Orders.Document("flow-after-postgres-restart"));

        await ArrivedExactlyOnceAsync(["flow-after-postgres-restart"], s_arrival);
    }

    [Fact]
    public async Task Orders_survive_MongoDB_becoming_unreachable_for_a_while()
    {
        if (!app.Mongo.CanSimulateOutage)
        {
            Assert.Skip($"{app.Mongo.Description} cannot be stopped by the tests.");
        }

        var before = OrderIds("flow-mongo-before", 100);
        var after = OrderIds("flow-mongo-after", 100);
        await app.Platform.InsertAsync([.. before.Select(id => Orders.Document(id))]);

        await app.Mongo.BeginOutageAsync();
        try
        {
            await Eventually.HoldsAsync(
                async () => (await HealthOfOrderServiceAsync()).Contains("Waiting for MongoDB", StringComparison.Ordinal),
                "the order service says it waits for MongoDB");
        }
        finally
        {
            await app.Mongo.EndOutageAsync();
        }

        await app.Platform.InsertAsync([.. after.Select(id => Orders.Document(id))]);
        await ArrivedExactlyOnceAsync([.. before, .. after], s_arrival);
    }

    [Fact]
    public async Task Orders_written_while_history_was_lost_are_caught_up()
    {
        if (!app.Mongo.CanTruncateHistory)
        {
            Assert.Skip($"{app.Mongo.Description} cannot lose history on demand.");
        }

        var gap = OrderIds("flow-gap", 50);
        await app.StopResourceAsync("order-management");
        await app.Platform.InsertAsync([.. gap.Select(id => Orders.Document(id))]);
        await app.Mongo.TruncateHistoryAsync();
        await app.StartResourceAsync("order-management");

        await ArrivedExactlyOnceAsync(gap, s_arrival);
        await Eventually.HoldsAsync(
            async () => (await HealthOfOrderServiceAsync()).Contains("lastRecoveryAt", StringComparison.Ordinal),
            "the order service's health reports the history loss it recovered from");
    }

    [Fact]
    public async Task Malformed_and_poison_documents_are_rejected_and_recorded_while_valid_orders_around_them_arrive_within_seconds()
    {
        var malformed = new Dictionary<string, BsonDocument>
        {
            ["no order id"] = Without(Orders.Document("-"), "OtterOrderId"),
            ["no stations"] = Without(Orders.Document("flow-bad-stations"), "StationOrders"),
            ["no items"] = With(Orders.Document("flow-bad-items"), d => d["StationOrders"][0]["OrderItems"] = new BsonArray()),
            ["quantity zero"] = Orders.Document("flow-bad-zero", quantity: 0),
            ["absurd quantity"] = Orders.Document("flow-bad-absurd", quantity: 50_000),
            ["empty name"] = Orders.Document("flow-bad-empty-name", item: ""),
            ["name too long"] = Orders.Document("flow-bad-long-name", item: new string('x', 300)),
            ["wrong type"] = With(Orders.Document("flow-bad-type"), d => d["StationOrders"][0]["OrderItems"][0]["Quantity"] = "two"),
            ["date beyond .NET's range"] = With(Orders.Document("flow-bad-date"), d => d["CreatedAt"] = new BsonDateTime(8_640_000_000_000_000)),
            ["NUL in an item name"] = Orders.Document("flow-bad-nul", item: "Bur\0ger"),
            ["oversize modifier set"] = With(Orders.Document("flow-bad-modifiers"), d => d["StationOrders"][0]["OrderItems"][0]["Modifiers"] = new BsonArray(Enumerable.Range(0, 11).Select(i => $"{i}{new string('m', 99)}"))),
            ["order over the size cap"] = With(Orders.Document("flow-bad-size"), d => d["StationOrders"] = new BsonArray(Enumerable.Range(0, 6).Select(s => new BsonDocument
            {
                { "OwnStationName", $"Station {s}" },
                { "OrderItems", new BsonArray(Enumerable.Range(0, 100).Select(i => new BsonDocument { { "Name", "Burger" }, { "Quantity", 1 }, { "Note", new string('n', 450) } })) },
            }))),
        };

        await app.Platform.InsertAsync([Orders.Document("flow-good-before"), .. malformed.Values, Orders.Document("flow-good-after")]);

        // Within seconds: no document holds the flow, not even for a retry.
        await ArrivedExactlyOnceAsync(["flow-good-before", "flow-good-after"], TimeSpan.FromSeconds(20));
        var rejections = await Eventually.ReturnsAsync(
            async () => (await app.Platform.RejectionsAsync()).Where(r => malformed.Values.Any(m => m["_id"] == r["_id"])).ToList(),
            r => r.Count == malformed.Count,
            "every malformed document is recorded as rejected");
        Assert.All(rejections, r => Assert.NotEmpty(r["reasons"].AsBsonArray));
        Assert.Empty(await app.Kitchen.OrderRowCountsAsync([.. malformed.Values.Select(m => m.GetValue("OtterOrderId", "-").AsString)]));
    }

    private async Task ArrivedExactlyOnceAsync(IReadOnlyCollection<string> ids, TimeSpan timeout)
    {
        var counts = await Eventually.ReturnsAsync(
            () => app.Kitchen.OrderRowCountsAsync(ids),
            c => c.Count == ids.Count,
            $"all {ids.Count} orders are in the kitchen database",
            timeout);
        Assert.All(counts, c => Assert.Equal(1, c.Value));
    }

    private async Task<string> HealthOfOrderServiceAsync()
    {
        using var client = app.CreateHttpClient("order-management");
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private static List<string> OrderIds(string prefix, int count) => [.. Enumerable.Range(1, count).Select(i => $"{prefix}-{i:D4}")];

    private static BsonDocument Without(BsonDocument document, string field)
    {
        document.Remove(field);
        return document;
    }

    private static BsonDocument With(BsonDocument document, Action<BsonDocument> change)
    {
        change(document);
        return document;
    }
}
