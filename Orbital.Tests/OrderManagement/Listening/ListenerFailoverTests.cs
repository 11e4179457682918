using Orbital.OrderManagement.Diagnostics;
using Orbital.Testing;
using Orbital.Testing.MongoDB;

namespace Orbital.Tests.OrderManagement.Listening;

/// <summary>
/// Two order-service instances on one MongoDB, as the cloud runs them: one reads and forwards, the other stands by
/// (healthy, naming the leader) and forwards nothing; when the leader stops, the standby takes over and nothing is
/// lost or forwarded twice.
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class ListenerFailoverTests(MongoDBFixture mongo) : IDisposable
{
    private static readonly (string, string?)[] s_quickStandby = [("OrderListener:Lease:StandbyInterval", "00:00:00.200")];
    private readonly ListenerHarness _harness = new(mongo, "failover");

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Of_two_instances_one_forwards_and_the_standby_takes_over_when_it_stops()
    {
        var first = await _harness.StartAsync(s_quickStandby);
        await using var second = _harness.Start(s_quickStandby);
        await Eventually.HoldsAsync(() => Task.FromResult(second.Status.Listener.State == ListenerState.Standby), "the second instance stands by");
        var health = await ListenerHarness.HealthSaysAsync(second, "Standing by");
        Assert.Contains("\"status\": \"Healthy\"", health, StringComparison.Ordinal);

        await _harness.Platform.InsertAsync(Orders.Document("failover-1"));
        await _harness.StoredAsync("failover-1");
        await _harness.WaitForCheckpointAfterAsync("failover-1");
        Assert.Equal(ListenerState.Standby, second.Status.Listener.State);

        // The leader stops (a rolling deploy): it gives the lease up, and the standby leads within a look or two.
        await first.DisposeAsync();
        await second.ListeningAsync();
        await _harness.Platform.InsertAsync(Orders.Document("failover-2"));
        await _harness.StoredAsync("failover-2");

        Assert.Equal(1, _harness.Kitchen.CallsFor("failover-1"));
        Assert.Equal(1, _harness.Kitchen.CallsFor("failover-2"));
        await ListenerHarness.HealthSaysAsync(second, "\"leads\": true");
    }
}
