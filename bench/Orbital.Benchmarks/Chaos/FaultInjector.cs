using System.Diagnostics;
using System.Globalization;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.Testing;

namespace Orbital.Benchmarks.Chaos;

/// <summary>
/// Does to the running app what production does to it: crashes, rolling restarts, database outages, lost history.
/// With replicas, a crash hits the order service that leads the listener (found by the process id in its lease) or
/// one kitchen replica in turn, and the time until another order service leads is measured from the lease itself.
/// </summary>
internal sealed class FaultInjector(OrbitalAppFixture app, ServiceInstances instances, TimeSpan outage)
{
    private const string OrderService = "order-management";
    private const string Kitchen = "kitchen-batch";
    private int _kitchenKills;

    public async Task<Fault> InjectAsync(int number, FaultKind kind)
    {
        var started = DateTime.UtcNow;
        TimeSpan? failover = null;
        string? detail = null;
        switch (kind)
        {
            case FaultKind.KillOrderService:
                (failover, detail) = await KillLeaderAsync();
                break;
            case FaultKind.KillKitchen:
                detail = await KillKitchenAsync();
                break;
            case FaultKind.RollingRestart:
                (failover, detail) = await RollingRestartAsync();
                break;
            case FaultKind.StopPostgres:
                await app.StopResourceAsync("postgres");
                await Task.Delay(outage);
                await app.StartResourceAsync("postgres");
                break;
            case FaultKind.MongoOutage:
                await app.Mongo.BeginOutageAsync();
                await Task.Delay(outage);
                await app.Mongo.EndOutageAsync();
                break;
            case FaultKind.TruncateHistory:
                await app.Mongo.TruncateHistoryAsync();
                break;
        }

        return new Fault(number, kind, started, DateTime.UtcNow) { Failover = failover, Detail = detail };
    }

    /// <summary>kill -9 of the order service that holds the listener's lease, then a restart of it.</summary>
    private async Task<(TimeSpan? Failover, string Detail)> KillLeaderAsync()
    {
        var lease = await LeaseAsync();
        var leader = lease is null ? null : instances.WithProcess(OrderService, lease.ProcessId);
        var victim = leader ?? instances.Of(OrderService).First(i => i.Running);
        var killedAt = Stopwatch.StartNew();
        await instances.KillAsync(victim);
        var failover = lease is null ? null : await NextLeaderAsync(lease, killedAt);
        await instances.StartAsync(victim);
        var who = leader is null ? $"{victim.Id} (no lease seen)" : $"{victim.Id}, the leader (lease token {lease!.Token})";
        return (failover?.After, failover is null ? $"killed {who}" : $"killed {who}; {failover.Value.Lease.Describe(instances)} led after {Seconds(failover.Value.After)}");
    }

    /// <summary>kill -9 of one kitchen replica (the next one each time), then a restart of it.</summary>
    private async Task<string> KillKitchenAsync()
    {
        var kitchens = instances.Of(Kitchen).Where(i => i.Running).ToList();
        var victim = kitchens[_kitchenKills++ % kitchens.Count];
        await instances.KillAsync(victim);
        await instances.StartAsync(victim);
        return $"killed {victim.Id}";
    }

    /// <summary>Each replica of the kitchen, then of the order service, stopped gracefully and started again.</summary>
    private async Task<(TimeSpan? Handover, string Detail)> RollingRestartAsync()
    {
        TimeSpan? handover = null;
        var steps = new List<string>();
        foreach (var service in new[] { Kitchen, OrderService })
        {
            foreach (var replica in instances.Of(service).Where(i => i.Running).ToList())
            {
                var lease = service == OrderService ? await LeaseAsync() : null;
                var leads = lease is not null && instances.WithProcess(OrderService, lease.ProcessId)?.Id == replica.Id;
                var stoppedAt = Stopwatch.StartNew();
                await instances.StopAsync(replica);
                if (leads && await NextLeaderAsync(lease!, stoppedAt) is { } next)
                {
                    handover = next.After;
                    steps.Add($"{replica.Id} (the leader; {next.Lease.Describe(instances)} led {Seconds(next.After)} after the stop began)");
                }
                else
                {
                    steps.Add(replica.Id);
                }

                await instances.StartAsync(replica);
            }
        }

        return (handover, "stopped and started in turn: " + string.Join(", ", steps));
    }

    /// <summary>Waits until the lease has a newer token than the given one (another instance, or the same one restarted, leads).</summary>
    private async Task<(TimeSpan After, ListenerLeaseDocument Lease)?> NextLeaderAsync(ListenerLeaseDocument old, Stopwatch since)
    {
        while (since.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (await LeaseAsync() is { } current && current.Token > old.Token)
            {
                return (since.Elapsed, current);
            }

            await Task.Delay(100);
        }

        return null;
    }

    private async Task<ListenerLeaseDocument?> LeaseAsync()
    {
        while (true)
        {
            try
            {
                var document = await app.Platform.Database.GetCollection<BsonDocument>("orbital_checkpoints")
                    .Find(new BsonDocument("_id", "lease:order-listener")).FirstOrDefaultAsync();
                return document is null ? null : ListenerLeaseDocument.From(document);
            }
            catch (Exception ex) when (ex is MongoException or TimeoutException)
            {
                await Task.Delay(250);
            }
        }
    }

    private static string Seconds(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.0} s");
}

/// <summary>The order listener's lease as MongoDB holds it: the holder (<c>host/pid/nonce</c>) and the fencing token.</summary>
internal sealed record ListenerLeaseDocument(string Holder, long Token, DateTime ExpiresAt)
{
    /// <summary>The holder's process id (0 when the holder is not of that form).</summary>
    public int ProcessId => Holder.Split('/') is [_, var pid, ..] && int.TryParse(pid, CultureInfo.InvariantCulture, out var id) ? id : 0;

    public static ListenerLeaseDocument From(BsonDocument document) => new(
        document["holder"].AsString,
        document["token"].ToInt64(),
        document["expiresAt"].ToUniversalTime());

    public string Describe(ServiceInstances instances)
        => instances.WithProcess("order-management", ProcessId) is { } replica ? $"{replica.Id} (token {Token})" : $"{Holder} (token {Token})";
}
