using Grpc.Core;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.OrderManagement.Diagnostics;
using Orbital.Testing;
using Orbital.Testing.MongoDB;
using static Orbital.Tests.MongoDB.ChangeStreams;
using Eventually = Orbital.Testing.Eventually;

namespace Orbital.Tests.OrderManagement.Listening;

/// <summary>
/// Nothing is skipped silently: lost history, a lost checkpoint, an invalidated stream and the errors a real
/// server answers each lead to a catch-up that finds every order written meanwhile, whatever its <c>_id</c>, or to
/// a loud unhealthy state; and every retry waits longer until progress is made.
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class ListenerRecoveryTests(MongoDBFixture mongo) : IDisposable
{
    private readonly ListenerHarness _harness = new(mongo, "recovery");

    private PlatformDatabase Platform => _harness.Platform;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Orders_whose_id_is_a_string_a_number_or_a_UUID_written_while_history_was_lost_are_caught_up()
    {
        SkipUnless(_harness.Mongo.CanTruncateHistory, "lose history on demand");
        await StopAfterDeliveringAsync("recovery-before");

        await Platform.InsertAsync(
            WithId(Orders.Document("recovery-string-id"), "platform-order-7"),
            WithId(Orders.Document("recovery-number-id"), 42),
            WithId(Orders.Document("recovery-uuid-id"), new BsonBinaryData(Guid.NewGuid(), GuidRepresentation.Standard)));
        await _harness.Mongo.TruncateHistoryAsync();
        await using var service = await _harness.StartAsync();

        await _harness.StoredAsync("recovery-string-id", "recovery-number-id", "recovery-uuid-id");
        var health = await ListenerHarness.HealthSaysAsync(service, "lastRecoveryAt");
        Assert.Contains("have an _id that is not an ObjectId", health, StringComparison.Ordinal);
        Assert.Equal(1, _harness.Kitchen.CallsFor("recovery-string-id"));
    }

    [Fact]
    public async Task An_older_order_cancelled_while_history_was_lost_is_re_read_because_the_kitchen_is_still_working_on_it()
    {
        SkipUnless(_harness.Mongo.CanTruncateHistory, "lose history on demand");
        (string, string?)[] narrow = [("OrderListener:CatchUpMargin", "00:00:00"), ("OrderListener:CatchUpMarginLimit", "00:00:00")];
        var older = WithId(Orders.Document("recovery-active-older"), ObjectId.GenerateNewId(DateTime.UtcNow.AddHours(-1)));
        await using (var first = await _harness.StartAsync(narrow))
        {
            await Platform.InsertAsync(older);
            await _harness.StoredAsync("recovery-active-older");
            await _harness.WaitForCheckpointAfterAsync("recovery-active-older");
        }

        await Platform.Orders.UpdateOneAsync(new BsonDocument("_id", older["_id"]), Builders<BsonDocument>.Update.Set("Status", "Cancelled"), cancellationToken: Cancellation);
        await _harness.Mongo.TruncateHistoryAsync();
        _harness.Kitchen.ActiveOrders = ["recovery-active-older", "recovery-active-gone"];
        await using var service = await _harness.StartAsync(narrow);

        await Eventually.HoldsAsync(
            () => Task.FromResult(_harness.Kitchen.Cancellations.Any(c => c.OrderId == "recovery-active-older")),
            "the cancellation of the older order reached the kitchen");
        var health = await ListenerHarness.HealthSaysAsync(service, "lastRecoveryAt");
        Assert.Contains("re-read 1 older orders the kitchen is working on", health, StringComparison.Ordinal);
        Assert.Contains("1 orders the kitchen is working on have no document in 'orders' any more (recovery-active-gone)", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ObjectId_created_hours_before_its_insert_is_caught_up_once_the_listener_has_seen_such_delays()
    {
        SkipUnless(_harness.Mongo.CanTruncateHistory, "lose history on demand");
        await using (var first = await _harness.StartAsync())
        {
            await Platform.InsertAsync(WithId(Orders.Document("recovery-late-id-seen"), ObjectId.GenerateNewId(DateTime.UtcNow.AddHours(-2))));
            await _harness.StoredAsync("recovery-late-id-seen");
            await _harness.WaitForCheckpointAfterAsync("recovery-late-id-seen");
        }

        await Platform.InsertAsync(WithId(Orders.Document("recovery-late-id-missed"), ObjectId.GenerateNewId(DateTime.UtcNow.AddHours(-3))));
        await _harness.Mongo.TruncateHistoryAsync();
        await using var service = await _harness.StartAsync();

        await _harness.StoredAsync("recovery-late-id-missed");
        Assert.Contains("largestObjectIdLag", await ListenerHarness.HealthAsync(service), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("renamed listener")]
    public async Task A_lost_checkpoint_is_caught_up_from_the_kitchens_newest_order_and_reported(string how)
    {
        await StopAfterDeliveringAsync("recovery-before-loss");
        (string, string?)[] settings = [];
        if (how == "deleted")
        {
            await Platform.Database.GetCollection<BsonDocument>("orbital_checkpoints").DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, Cancellation);
        }
        else
        {
            settings = [("OrderListener:ListenerName", "order-listener-renamed")];
        }

        await Platform.InsertAsync(Orders.Document("recovery-while-lost"));
        await using var service = await _harness.StartAsync(settings);

        await _harness.StoredAsync("recovery-while-lost");
        var health = await ListenerHarness.HealthSaysAsync(service, "Lost checkpoint");
        Assert.Contains("the kitchen already holds 1 orders (the newest, recovery-before-loss", health, StringComparison.Ordinal);
        Assert.Equal(new[] { "recovery-before-loss", "recovery-while-lost" }.Order(), _harness.Kitchen.Stored.Order());
    }

    [Fact]
    public async Task A_catch_up_cut_short_starts_again_from_the_same_time_though_the_kitchen_has_newer_orders_by_then()
    {
        (string, string?)[] noMargin = [("OrderListener:CatchUpMargin", "00:00:00")];
        await StopAfterDeliveringAsync("recovery-cut-first", noMargin);
        await Platform.Database.GetCollection<BsonDocument>("orbital_checkpoints").DeleteManyAsync(FilterDefinition<BsonDocument>.Empty, Cancellation);
        await Platform.InsertAsync(Orders.Document("recovery-cut-a"), Orders.Document("recovery-cut-b"), Orders.Document("recovery-cut-c"));

        // The kitchen receives A in a later second than B's and C's ids were created, then holds B (and what travels with it).
        await Task.Delay(TimeSpan.FromSeconds(1.1), Cancellation);
        var holdB = true;
        _harness.Kitchen.Before = request => request.OrderId == "recovery-cut-b" && Volatile.Read(ref holdB)
            ? Task.FromException(FakeKitchen.Failure(StatusCode.Unavailable, "kitchen restarting"))
            : Task.CompletedTask;
        var cut = _harness.Start(noMargin);
        // B is held, and the batch it travels in with it.
        await Eventually.HoldsAsync(() => Task.FromResult(cut.Status.Held is not null), "the catch-up holds B");
        await cut.DisposeAsync();

        Volatile.Write(ref holdB, false);
        await using var service = await _harness.StartAsync(noMargin);

        await _harness.StoredAsync("recovery-cut-a", "recovery-cut-b", "recovery-cut-c");
    }

    [Fact]
    public async Task Documents_renamed_onto_the_orders_collection_are_caught_up_after_its_invalidation()
    {
        await using var service = await _harness.StartAsync();
        await Platform.InsertAsync(Orders.Document("recovery-replaced-before"));
        await _harness.StoredAsync("recovery-replaced-before");
        var staging = Platform.Database.GetCollection<BsonDocument>("orders_staging");
        await staging.InsertManyAsync([Orders.Document("recovery-restored-1"), Orders.Document("recovery-restored-2")], cancellationToken: Cancellation);

        var database = Platform.Database.DatabaseNamespace.DatabaseName;
        await Platform.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
            new BsonDocument { { "renameCollection", $"{database}.orders_staging" }, { "to", $"{database}.orders" }, { "dropTarget", true } },
            cancellationToken: Cancellation);

        await _harness.StoredAsync("recovery-restored-1", "recovery-restored-2");
        Assert.Contains("the orders collection was dropped, renamed or replaced", await ListenerHarness.HealthSaysAsync(service, "lastRecoveryAt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_start_against_an_empty_kitchen_reads_from_now_and_says_so()
    {
        await Platform.InsertAsync(Orders.Document("recovery-before-first-start"));

        await using var service = await _harness.StartAsync();
        await Platform.InsertAsync(Orders.Document("recovery-after-first-start"));
        await _harness.StoredAsync("recovery-after-first-start");

        Assert.Contains("First start (no checkpoint, and the kitchen holds no orders)", await ListenerHarness.HealthAsync(service), StringComparison.Ordinal);
        Assert.DoesNotContain("recovery-before-first-start", _harness.Kitchen.Stored);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("rename")]
    [InlineData("dropDatabase")]
    public async Task Orders_written_into_a_dropped_renamed_or_restored_orders_collection_arrive_without_a_reopening_loop(string operation)
    {
        await using var service = await _harness.StartAsync();
        await Platform.InsertAsync(Orders.Document($"recovery-{operation}-before"));
        await _harness.StoredAsync($"recovery-{operation}-before");

        var database = Platform.Database.DatabaseNamespace.DatabaseName;
        await (operation switch
        {
            "drop" => Platform.Database.DropCollectionAsync("orders", Cancellation),
            "rename" => Platform.Client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
                new BsonDocument { { "renameCollection", $"{database}.orders" }, { "to", $"{database}.orders_restored_from" } }, cancellationToken: Cancellation),
            _ => Platform.Client.DropDatabaseAsync(database, Cancellation),
        });
        await Platform.InsertAsync(Orders.Document($"recovery-{operation}-after"));
        await _harness.StoredAsync($"recovery-{operation}-after");

        // A listener that reopened its stream in a loop would keep moving the time it started listening.
        var listening = service.Status.Listener;
        await Task.Delay(TimeSpan.FromSeconds(1.5), Cancellation);
        Assert.Equal(listening, service.Status.Listener);
        Assert.Equal(ListenerState.Listening, listening.State);
        Assert.Equal(new[] { $"recovery-{operation}-before", $"recovery-{operation}-after" }.Order(), _harness.Kitchen.Stored.Order());
    }

    [Fact]
    public async Task A_second_loss_of_history_after_a_long_catch_up_loses_none_of_the_orders_written_during_it()
    {
        SkipUnless(_harness.Mongo.CanTruncateHistory, "lose history on demand");
        (string, string?)[] noMargin = [("OrderListener:CatchUpMargin", "00:00:00")];
        await StopAfterDeliveringAsync("recovery-first", noMargin);
        await Platform.InsertAsync(Orders.Document("recovery-gap"));
        await _harness.Mongo.TruncateHistoryAsync();

        var scanHeld = new TaskCompletionSource();
        var holdLate = true;
        _harness.Kitchen.Before = request => request.OrderId switch
        {
            "recovery-gap" => scanHeld.Task,
            "recovery-during-scan" when Volatile.Read(ref holdLate) => Task.FromException(FakeKitchen.Failure(StatusCode.Unavailable, "kitchen restarting")),
            _ => Task.CompletedTask,
        };
        var second = _harness.Start(noMargin);
        await Eventually.HoldsAsync(() => Task.FromResult(_harness.Kitchen.CallsFor("recovery-gap") == 1), "the catch-up scan reached the gap's order");

        // Written while the scan runs; the scan then ends in a later second than this order's id was created.
        await Platform.InsertAsync(Orders.Document("recovery-during-scan"));
        await Task.Delay(TimeSpan.FromSeconds(1.1), Cancellation);
        scanHeld.SetResult();
        await Eventually.HoldsAsync(() => Task.FromResult(second.Status.Held?.OrderId == "recovery-during-scan"), "the stream delivered the order written during the scan");
        await second.DisposeAsync();

        await _harness.Mongo.TruncateHistoryAsync();
        Volatile.Write(ref holdLate, false);
        await using var third = await _harness.StartAsync(noMargin);

        await _harness.StoredAsync("recovery-during-scan");
    }

    [Theory]
    [InlineData("{ _data: 42 }", "code 40647")]
    [InlineData("{ _data: 'this is not hex' }", "code 9")]
    [InlineData("{ _data: '8200' }", "code 50811")]
    public async Task A_checkpoint_whose_token_the_server_cannot_read_leads_to_a_catch_up(string token, string code)
    {
        await StopAfterDeliveringAsync("recovery-before-bad-token");
        await Platform.Database.GetCollection<BsonDocument>("orbital_checkpoints").UpdateOneAsync(
            new BsonDocument("_id", "order-listener"),
            new BsonDocument("$set", new BsonDocument("resumeToken", BsonDocument.Parse(token))),
            cancellationToken: Cancellation);
        await Platform.InsertAsync(Orders.Document("recovery-after-bad-token"));

        await using var service = await _harness.StartAsync();

        await _harness.StoredAsync("recovery-after-bad-token");
        Assert.Contains(code, await ListenerHarness.HealthSaysAsync(service, "lastRecoveryAt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_open_stream_that_falls_off_the_oplog_catches_up_what_it_had_not_read()
    {
        SkipUnless(_harness.Mongo.CanTruncateHistory, "lose history on demand");
        var release = new TaskCompletionSource();
        _harness.Kitchen.Before = request => request.OrderId == "recovery-slow" ? release.Task : Task.CompletedTask;
        await using var service = await _harness.StartAsync();

        await Platform.InsertAsync(Orders.Document("recovery-slow"));
        await Eventually.HoldsAsync(() => Task.FromResult(_harness.Kitchen.CallsFor("recovery-slow") == 1), "the first order reached the kitchen");
        await Platform.InsertAsync(Orders.Document("recovery-unread-1"), Orders.Document("recovery-unread-2"));
        await _harness.Mongo.TruncateHistoryAsync();
        release.SetResult();

        await _harness.StoredAsync("recovery-slow", "recovery-unread-1", "recovery-unread-2");
        Assert.Contains("CappedPositionLost", await ListenerHarness.HealthSaysAsync(service, "lastRecoveryAt"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_labelled_NonResumableChangeStreamError_leads_to_a_catch_up()
    {
        SkipUnless(_harness.Mongo.CanFailCommands, "fail commands on demand");
        await using var service = await _harness.StartAsync();

        await FailCommandsAsync(Platform.Client, times: 1, ["getMore"], errorCode: 2, "NonResumableChangeStreamError");
        await Platform.InsertAsync(Orders.Document("recovery-non-resumable"));

        await _harness.StoredAsync("recovery-non-resumable");
        Assert.Contains("code 2", await ListenerHarness.HealthSaysAsync(service, "lastRecoveryAt"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(13, "may not watch the orders collection")]
    [InlineData(40573, "not a replica set member")]
    public async Task A_deployment_that_cannot_serve_a_change_stream_is_reported_as_misconfigured_until_fixed(int code, string reason)
    {
        SkipUnless(_harness.Mongo.CanFailCommands, "fail commands on demand");
        await FailCommandsAsync(Platform.Client, times: -1, ["aggregate"], code);
        OrderServiceFactory service;
        string health;
        try
        {
            service = _harness.Start();
            health = await ListenerHarness.HealthSaysAsync(service, reason);
        }
        finally
        {
            await FailCommandsAsync(Platform.Client, times: 0, ["aggregate"], code);
        }

        await using (service)
        {
            await service.ListeningAsync();
            await Platform.InsertAsync(Orders.Document($"recovery-after-{code}"));
            await _harness.StoredAsync($"recovery-after-{code}");
        }

        Assert.Contains("Unhealthy", health, StringComparison.Ordinal);
        Assert.Contains("Misconfigured", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_that_opens_and_fails_again_backs_off_to_the_maximum_delay()
    {
        SkipUnless(_harness.Mongo.CanFailCommands, "fail commands on demand");
        await using var service = await _harness.StartAsync();
        await FailCommandsAsync(Platform.Client, times: -1, ["getMore"], errorCode: 2);
        ListenerSnapshot waiting;
        try
        {
            // The test host's backoff runs from 50 ms to 500 ms: from the fifth failure on, a delay is 250-500 ms.
            waiting = await Eventually.ReturnsAsync(
                () => Task.FromResult(service.Status.Listener),
                listener => listener is { State: ListenerState.WaitingForMongoDB, NextAttemptAt: { } next } && next - listener.Since >= TimeSpan.FromMilliseconds(250),
                "the listener waits the maximum delay between attempts");
        }
        finally
        {
            await FailCommandsAsync(Platform.Client, times: 0, ["getMore"], errorCode: 2);
        }

        await Platform.InsertAsync(Orders.Document("recovery-after-backoff"));
        await _harness.StoredAsync("recovery-after-backoff");
        Assert.Contains("code 2", waiting.Detail, StringComparison.Ordinal);
    }

    /// <summary>Runs the service until <paramref name="orderId"/> is delivered and checkpointed, then stops it.</summary>
    private async Task StopAfterDeliveringAsync(string orderId, params (string Key, string? Value)[] settings)
    {
        await using var service = await _harness.StartAsync(settings);
        await Platform.InsertAsync(Orders.Document(orderId));
        await _harness.StoredAsync(orderId);
        await _harness.WaitForCheckpointAfterAsync(orderId);
    }

    private void SkipUnless(bool capable, string what)
    {
        if (!capable)
        {
            Assert.Skip($"{_harness.Mongo.Description} cannot {what}.");
        }
    }

    private static BsonDocument WithId(BsonDocument document, BsonValue id)
    {
        document["_id"] = id;
        return document;
    }
}
