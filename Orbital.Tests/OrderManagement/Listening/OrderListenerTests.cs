using System.Diagnostics;
using Grpc.Core;
using MongoDB.Bson;
using Orbital.OrderManagement.Diagnostics;
using Orbital.Testing;
using Orbital.Testing.MongoDB;

namespace Orbital.Tests.OrderManagement.Listening;

/// <summary>
/// The order listener and forwarder in the real service host, through the real MongoDB driver, against a
/// scripted kitchen: when orders are sent, when checkpoints move, and what survives restarts and failures.
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class OrderListenerTests : IDisposable
{
    private readonly ListenerHarness _harness;
    private readonly IMongoTestServer _mongo;
    private readonly PlatformDatabase _platform;
    private readonly FakeKitchen _kitchen;

    public OrderListenerTests(MongoDBFixture mongo)
    {
        _harness = new ListenerHarness(mongo, "listener");
        _mongo = _harness.Mongo;
        _platform = _harness.Platform;
        _kitchen = _harness.Kitchen;
    }

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task An_inserted_order_is_forwarded_with_its_lines_modifiers_and_note()
    {
        await using var service = await StartAsync();
        var document = Orders.Document("listener-one");
        var item = document["StationOrders"][0]["OrderItems"][0].AsBsonDocument;
        item["Modifiers"] = new BsonArray { "no onions", new BsonDocument("Name", "extra cheese") };
        item["Note"] = "well done";
        document["Customer"] = new BsonDocument("Name", "Ada");

        await _platform.InsertAsync(document);
        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Contains("listener-one")), "the kitchen has the order");

        var request = Assert.Single(_kitchen.Calls);
        Assert.Equal("Test Restaurant", request.Brand);
        Assert.Equal(document["_id"].ToString(), request.SourceId);
        var line = Assert.Single(Assert.Single(request.Stations).Items);
        Assert.Equal(("Burger", 2, "well done"), (line.Name, line.Quantity, line.Note));
        Assert.Equal(["no onions", "extra cheese"], line.Modifiers);
    }

    [Fact]
    public async Task The_checkpoint_passes_an_order_only_after_the_kitchen_acknowledges_it()
    {
        var release = new TaskCompletionSource();
        _kitchen.Before = _ => release.Task;
        await using var service = await StartAsync();

        await _platform.InsertAsync(Orders.Document("listener-held"));
        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.CallsFor("listener-held") == 1), "the order reached the kitchen");
        var whileHeld = (await _platform.CheckpointAsync())!["resumeToken"].AsBsonDocument;
        release.SetResult();
        await WaitForCheckpointAfterAsync("listener-held");
        var afterAck = (await _platform.CheckpointAsync())!["resumeToken"].AsBsonDocument;

        // Resuming from the checkpoint saved while the kitchen held the order delivers it again; from the one
        // saved after the acknowledgement, it does not.
        Assert.Contains("listener-held", await OrdersAfterAsync(whileHeld));
        Assert.DoesNotContain("listener-held", await OrdersAfterAsync(afterAck));
    }

    [Fact]
    public async Task An_unavailable_kitchen_holds_the_order_and_retries_it_until_it_is_acknowledged()
    {
        var failures = 3;
        _kitchen.Before = request => request.OrderId == "listener-first" && Interlocked.Decrement(ref failures) >= 0
            ? Task.FromException(FakeKitchen.Failure(StatusCode.Unavailable, "kitchen restarting"))
            : Task.CompletedTask;
        await using var service = await StartAsync();

        await _platform.InsertAsync(Orders.Document("listener-first"), Orders.Document("listener-second"));
        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Count == 2), "both orders are stored");

        Assert.Equal(4, _kitchen.CallsFor("listener-first"));
        Assert.Equal(1, _kitchen.CallsFor("listener-second"));
        Assert.Equal(new[] { "listener-first", "listener-second" }.Order(), _kitchen.Stored.Order());
        Assert.Null(service.Status.Held);
    }

    [Fact]
    public async Task While_the_kitchen_is_unavailable_health_says_which_order_waits()
    {
        _kitchen.Before = _ => Task.FromException(FakeKitchen.Failure(StatusCode.DeadlineExceeded));
        await using var service = await StartAsync();

        await _platform.InsertAsync(Orders.Document("listener-waiting"));
        var health = await Eventually.ReturnsAsync(
            () => HealthAsync(service),
            body => body.Contains("Holding order listener-waiting", StringComparison.Ordinal),
            "health names the held order");

        Assert.Contains("DeadlineExceeded", health, StringComparison.Ordinal);
        Assert.Contains("Degraded", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_the_kitchen_refuses_as_invalid_is_recorded_and_the_next_one_flows()
    {
        _kitchen.Before = request => request.OrderId == "listener-refused"
            ? Task.FromException(Orbital.Contracts.Validation.OrderIntakeErrors.InvalidArgument([new("brand", "is unknown to this kitchen")]))
            : Task.CompletedTask;
        await using var service = await StartAsync();

        await _platform.InsertAsync(Orders.Document("listener-refused"), Orders.Document("listener-after-refused"));
        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Contains("listener-after-refused")), "the next order is stored");
        var rejection = Assert.Single(await _platform.RejectionsAsync());

        Assert.Equal("listener-refused", rejection["orderId"].AsString);
        Assert.Equal("kitchen", rejection["stage"].AsString);
        Assert.Equal(["brand is unknown to this kitchen"], rejection["reasons"].AsBsonArray.Select(r => r.AsString));
        Assert.Equal(1, _kitchen.CallsFor("listener-refused"));
    }

    [Fact]
    public async Task Malformed_documents_are_recorded_with_their_reasons_and_valid_orders_around_them_flow()
    {
        await using var service = await StartAsync();
        var noId = Orders.Document("x");
        noId.Remove("OtterOrderId");
        var zero = Orders.Document("listener-zero", quantity: 0);
        var text = Orders.Document("listener-text");
        text["StationOrders"][0]["OrderItems"][0]["Quantity"] = "two";

        await _platform.InsertAsync(Orders.Document("listener-before"), noId, zero, text, Orders.Document("listener-after"));
        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Contains("listener-after")), "the last valid order is stored");
        var rejections = await Eventually.ReturnsAsync(_platform.RejectionsAsync, r => r.Count == 3, "three rejections are recorded");

        Assert.Equal(["listener-before", "listener-after"], _kitchen.Stored);
        Assert.Equal(
            [(noId["_id"], "OtterOrderId is missing"), (zero["_id"], "stations[0].items[0].quantity must be between 1 and 999, was 0"), (text["_id"], "StationOrders[0].OrderItems[0].Quantity must be a number, was String")],
            rejections.OrderBy(r => r["_id"]).Select(r => (r["_id"], r["reasons"][0].AsString)));
    }

    [Fact]
    public async Task Orders_written_while_the_service_is_down_are_delivered_after_a_restart_and_none_twice()
    {
        await using (var first = await StartAsync())
        {
            await _platform.InsertAsync(Orders.Document("listener-before-restart"));
            await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Contains("listener-before-restart")), "the first order is stored");
            await WaitForCheckpointAfterAsync("listener-before-restart");
        }

        await _platform.InsertAsync(Orders.Document("listener-while-down-1"), Orders.Document("listener-while-down-2"));
        await using var second = await StartAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Count == 3), "the orders written while down are stored");

        Assert.Equal(new[] { "listener-before-restart", "listener-while-down-1", "listener-while-down-2" }.Order(), _kitchen.Stored.Order());
        Assert.Equal(1, _kitchen.CallsFor("listener-before-restart"));
    }

    [Fact]
    public async Task A_first_start_checkpoints_where_it_began_so_orders_written_before_the_next_start_are_read()
    {
        await using (var first = await StartAsync())
        {
        }

        await _platform.InsertAsync(Orders.Document("listener-between-starts"));
        await using var second = await StartAsync();

        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Contains("listener-between-starts")), "the order written between starts is stored");
    }

    [Fact]
    public async Task Starting_from_the_beginning_reads_the_orders_already_there()
    {
        await _platform.InsertAsync(Orders.Document("listener-old-1"), Orders.Document("listener-old-2"));

        await using var service = await StartAsync(("OrderListener:StartFrom", "Beginning"));
        await _platform.InsertAsync(Orders.Document("listener-new"));

        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Count == 3), "old and new orders are stored");
        Assert.Equal(new[] { "listener-old-1", "listener-old-2", "listener-new" }.Order(), _kitchen.Stored.Order());
    }

    [Fact]
    public async Task Lost_history_is_reported_and_the_orders_written_in_the_gap_are_caught_up()
    {
        if (!_mongo.CanTruncateHistory)
        {
            Assert.Skip($"{_mongo.Description} cannot lose history on demand.");
        }

        await using (var first = await StartAsync())
        {
            await _platform.InsertAsync(Orders.Document("listener-before-gap"));
            await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Contains("listener-before-gap")), "the first order is stored");
            await WaitForCheckpointAfterAsync("listener-before-gap");
        }

        await _platform.InsertAsync(Orders.Document("listener-gap-1"), Orders.Document("listener-gap-2"));
        await _mongo.TruncateHistoryAsync();
        await using var second = await StartAsync();
        await _platform.InsertAsync(Orders.Document("listener-after-gap"));

        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Count == 4), "the gap's orders and the next one are stored");
        var health = await HealthAsync(second);
        Assert.Equal(new[] { "listener-before-gap", "listener-gap-1", "listener-gap-2", "listener-after-gap" }.Order(), _kitchen.Stored.Order());
        Assert.NotNull(second.Status.LastRecovery);
        Assert.Contains("lastRecoveryAt", health, StringComparison.Ordinal);
        Assert.Contains("ChangeStreamHistoryLost", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quiet_stream_still_advances_its_checkpoint()
    {
        await using var service = await StartAsync();
        var before = (await _platform.CheckpointAsync())!["resumeToken"];

        // The platform writes elsewhere: the oplog moves on while no order arrives.
        await _platform.Database.GetCollection<BsonDocument>("couriers").InsertOneAsync(new BsonDocument("name", "Bo"), cancellationToken: TestContext.Current.CancellationToken);

        await Eventually.HoldsAsync(async () => (await _platform.CheckpointAsync())!["resumeToken"] != before, "the checkpoint advances without orders");
    }

    [Fact]
    public async Task A_MongoDB_outage_is_reported_in_health_and_the_listener_recovers_without_losing_orders()
    {
        if (!_mongo.CanSimulateOutage)
        {
            Assert.Skip($"{_mongo.Description} cannot be stopped by the tests.");
        }

        await using var service = await StartAsync();
        await _platform.InsertAsync(Orders.Document("listener-before-outage"));
        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Contains("listener-before-outage")), "the first order is stored");

        await _mongo.BeginOutageAsync();
        try
        {
            var health = await Eventually.ReturnsAsync(
                () => HealthAsync(service),
                body => body.Contains("Waiting for MongoDB", StringComparison.Ordinal),
                "health says the listener waits for MongoDB");
            Assert.Contains("Unhealthy", health, StringComparison.Ordinal);
        }
        finally
        {
            await _mongo.EndOutageAsync();
        }

        await _platform.InsertAsync(Orders.Document("listener-after-outage"));
        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Contains("listener-after-outage")), "the order after the outage is stored");
        Assert.Equal(ListenerState.Listening, service.Status.Listener.State);
    }

    [Fact]
    public async Task Shutdown_takes_under_five_seconds_while_an_order_is_held_and_the_order_is_sent_after_restart()
    {
        _kitchen.Before = _ => Task.FromException(FakeKitchen.Failure(StatusCode.Unavailable));
        var service = await StartAsync(("Backoff:Initial", "00:00:30"), ("Backoff:Maximum", "00:01:00"));
        await _platform.InsertAsync(Orders.Document("listener-held-at-shutdown"));
        await Eventually.HoldsAsync(() => Task.FromResult(service.Status.Held is not null), "the order is held for the kitchen");

        var clock = Stopwatch.StartNew();
        await service.DisposeAsync();
        var shutdown = clock.Elapsed;

        _kitchen.Before = null;
        await using var restarted = await StartAsync();
        await Eventually.HoldsAsync(() => Task.FromResult(_kitchen.Stored.Contains("listener-held-at-shutdown")), "the held order is stored after the restart");
        Assert.True(shutdown < TimeSpan.FromSeconds(5), $"shutdown took {shutdown.TotalSeconds:0.0} s");
    }

    private Task<OrderServiceFactory> StartAsync(params (string Key, string? Value)[] settings) => _harness.StartAsync(settings);

    private Task<List<string>> OrdersAfterAsync(BsonDocument token) => _harness.OrdersAfterAsync(token);

    private static Task<string> HealthAsync(OrderServiceFactory service) => ListenerHarness.HealthAsync(service);

    private Task WaitForCheckpointAfterAsync(string orderId) => _harness.WaitForCheckpointAfterAsync(orderId);
}
