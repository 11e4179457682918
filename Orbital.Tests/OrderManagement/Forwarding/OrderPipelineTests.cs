using Grpc.Core;
using Orbital.Contracts.Validation;
using Orbital.Testing;
using Orbital.Testing.MongoDB;

namespace Orbital.Tests.OrderManagement.Forwarding;

/// <summary>
/// Many changes on their way to the kitchen at once, against a scripted kitchen: batches form while calls are under
/// way, acknowledgements may come out of order, and still the checkpoint only ever passes a change the kitchen dealt
/// with, together with every change before it; a crash re-sends only what was not checkpointed.
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class OrderPipelineTests(MongoDBFixture mongo) : IDisposable
{
    private readonly ListenerHarness _harness = new(mongo, "pipeline");

    private PlatformDatabase Platform => _harness.Platform;

    private FakeKitchen Kitchen => _harness.Kitchen;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Before_its_first_order_the_service_rehearses_a_made_up_order_with_the_kitchen_and_sends_it_nothing_else()
    {
        await using var service = await _harness.StartAsync();
        await _harness.Platform.InsertAsync(Orders.Document("pipeline-after-rehearsal"));
        await _harness.StoredAsync("pipeline-after-rehearsal");
        await _harness.WaitForCheckpointAfterAsync("pipeline-after-rehearsal", TimeSpan.FromSeconds(20));

        // One made-up order, mapped from a change event as a document is, in a rehearsal the kitchen rolls back; it is
        // never submitted, held or rejected, and the checkpoint is the real order's.
        var rehearsal = Assert.Single(Assert.Single(Kitchen.Rehearsals).Items).Order;
        Assert.StartsWith("orbital-rehearsal-", rehearsal.OrderId, StringComparison.Ordinal);
        Assert.NotEmpty(Assert.Single(rehearsal.Stations).Items);
        Assert.Equal(["pipeline-after-rehearsal"], Kitchen.Stored);
        Assert.Equal(["pipeline-after-rehearsal"], Kitchen.Calls.Select(c => c.OrderId));
        Assert.Empty(await _harness.OrdersAfterCheckpointAsync());
    }

    [Theory]
    [InlineData(StatusCode.Unimplemented)]
    [InlineData(StatusCode.Unavailable)]
    public async Task A_kitchen_that_does_not_rehearse_still_gets_the_first_order_once(StatusCode failure)
    {
        // An older kitchen does not have the call; an unavailable one is not waited for: a rehearsal is never retried.
        Kitchen.RehearsalFails = failure;
        await using var service = await _harness.StartAsync();
        await _harness.Platform.InsertAsync(Orders.Document("pipeline-unrehearsed"));
        await _harness.StoredAsync("pipeline-unrehearsed");

        Assert.Single(Kitchen.Rehearsals);
        Assert.Equal(["pipeline-unrehearsed"], Kitchen.Calls.Select(c => c.OrderId));
    }

    [Fact]
    public async Task A_change_is_checkpointed_once_the_kitchen_acknowledged_it_while_the_stream_waits_for_more()
    {
        // The stream's next read waits up to a minute for changes; the checkpoint must not wait with it.
        await using var service = await _harness.StartAsync(("OrderListener:MaxAwaitTime", "00:01:00"));

        await Platform.InsertAsync(Orders.Document("pipeline-prompt"));
        await _harness.StoredAsync("pipeline-prompt");

        await _harness.WaitForCheckpointAfterAsync("pipeline-prompt", TimeSpan.FromSeconds(20));
        Assert.Empty(await _harness.OrdersAfterCheckpointAsync());
    }

    [Fact]
    public async Task A_backlog_travels_in_batches_and_every_order_arrives_once()
    {
        var ids = Enumerable.Range(0, 600).Select(i => $"pipeline-many-{i:D3}").ToArray();
        await Platform.InsertAsync([.. ids.Select(id => Orders.Document(id))]);

        // A kitchen call takes a while (a transaction); meanwhile the next changes gather into one batch.
        Kitchen.Latency = TimeSpan.FromMilliseconds(20);

        await using var service = await _harness.StartAsync(("OrderListener:StartFrom", "Beginning"));

        await _harness.StoredAsync(ids);
        Assert.All(ids, id => Assert.Equal(1, Kitchen.CallsFor(id)));
        Assert.True(Kitchen.Batches.LargestBatch > 1, "orders travelled in batches");
        Assert.True(Kitchen.Batches.Calls < ids.Length / 2, $"{Kitchen.Batches.Calls} calls for {ids.Length} orders");
    }

    [Fact]
    public async Task Acknowledgements_out_of_order_never_move_the_checkpoint_past_a_change_still_on_its_way()
    {
        var release = new TaskCompletionSource();
        Kitchen.Before = request => request.OrderId == "pipeline-slow" ? release.Task : Task.CompletedTask;
        await using var service = await _harness.StartAsync(("OrderListener:BatchesInFlight", "4"));

        await Platform.InsertAsync(Orders.Document("pipeline-slow"));
        await Eventually.HoldsAsync(() => Task.FromResult(Kitchen.CallsFor("pipeline-slow") == 1), "the slow order is on its way");
        await Platform.InsertAsync(Orders.Document("pipeline-fast-1"), Orders.Document("pipeline-fast-2"));
        await _harness.StoredAsync("pipeline-fast-1", "pipeline-fast-2");
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        var whileSlow = await _harness.OrdersAfterCheckpointAsync();
        release.SetResult();

        await _harness.StoredAsync("pipeline-slow");
        Assert.Equal(["pipeline-slow", "pipeline-fast-1", "pipeline-fast-2"], whileSlow);
        await Eventually.HoldsAsync(async () => (await _harness.OrdersAfterCheckpointAsync()).Count == 0, "the checkpoint passes all three once the slow one is acknowledged");
    }

    [Fact]
    public async Task A_change_the_kitchen_refuses_inside_a_batch_is_recorded_and_the_rest_of_the_batch_flows()
    {
        Kitchen.Before = request => request.OrderId == "pipeline-refused"
            ? Task.FromException(OrderIntakeErrors.InvalidArgument([new("brand", "is unknown to this kitchen")]))
            : Task.CompletedTask;
        var ids = new[] { "pipeline-before-refused", "pipeline-refused", "pipeline-after-refused" };
        await Platform.InsertAsync([.. ids.Select(id => Orders.Document(id))]);

        await using var service = await _harness.StartAsync(("OrderListener:StartFrom", "Beginning"));

        await _harness.StoredAsync("pipeline-before-refused", "pipeline-after-refused");
        var rejection = Assert.Single(await Eventually.ReturnsAsync(() => Platform.RejectionsAsync(), r => r.Count == 1, "the refused order is recorded"));
        Assert.Equal(("pipeline-refused", "kitchen"), (rejection["orderId"].AsString, rejection["stage"].AsString));
        Assert.All(ids, id => Assert.Equal(1, Kitchen.CallsFor(id)));
        Assert.DoesNotContain("pipeline-refused", Kitchen.Stored);
    }

    [Fact]
    public async Task A_crash_mid_window_sends_again_only_what_was_not_checkpointed()
    {
        var release = new TaskCompletionSource();
        Kitchen.Before = request => request.OrderId.StartsWith("pipeline-stuck", StringComparison.Ordinal) ? release.Task : Task.CompletedTask;
        await using (var first = await _harness.StartAsync())
        {
            await Platform.InsertAsync(Orders.Document("pipeline-done"));
            await _harness.StoredAsync("pipeline-done");
            await _harness.WaitForCheckpointAfterAsync("pipeline-done");
            await Platform.InsertAsync(Orders.Document("pipeline-stuck-1"), Orders.Document("pipeline-stuck-2"));
            await Eventually.HoldsAsync(() => Task.FromResult(Kitchen.CallsFor("pipeline-stuck-1") >= 1), "the stuck orders are on their way");
        }

        Kitchen.Before = null;
        release.SetResult();
        await using var service = await _harness.StartAsync();

        await _harness.StoredAsync("pipeline-stuck-1", "pipeline-stuck-2");
        Assert.Equal(1, Kitchen.CallsFor("pipeline-done"));
        Assert.True(Kitchen.CallsFor("pipeline-stuck-1") >= 2, "the order on its way at the crash was sent again");
    }

    [Fact]
    public async Task A_kitchen_that_fails_a_batch_for_its_own_reason_gets_the_changes_one_at_a_time_and_only_the_bad_one_waits()
    {
        var failing = true;
        Kitchen.Before = request => request.OrderId == "pipeline-bug" && Volatile.Read(ref failing)
            ? Task.FromException(FakeKitchen.Failure(StatusCode.Internal, "a kitchen bug"))
            : Task.CompletedTask;
        await using var service = await _harness.StartAsync();

        await Platform.InsertAsync(Orders.Document("pipeline-bug"), Orders.Document("pipeline-next"));
        await ListenerHarness.HealthSaysAsync(service, "Holding order pipeline-bug");
        Volatile.Write(ref failing, false);

        await _harness.StoredAsync("pipeline-bug", "pipeline-next");
        Assert.Equal(1, Kitchen.Stored.Count(id => id == "pipeline-next"));
    }
}
