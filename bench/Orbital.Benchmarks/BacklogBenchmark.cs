using System.Diagnostics;
using System.Globalization;
using Orbital.AppHost.Simulation;
using Orbital.Testing;

namespace Orbital.Benchmarks;

/// <summary>
/// A backlog caught up: the order service is stopped, thousands of orders are written to MongoDB, and the order
/// service is started again; measured is how fast the whole path (change stream, gRPC, PostgreSQL) moves them into
/// the kitchen, and how much memory each service takes meanwhile.
/// </summary>
internal static class BacklogBenchmark
{
    public static async Task<BenchmarkSection> RunAsync(int orders)
    {
        await using var app = new OrbitalAppFixture { ShortRetries = false, ResourceLogsOnConsole = false };
        await app.InitializeAsync();
        var generator = new PlatformOrderGenerator(seed: 13);
        var run = Guid.NewGuid().ToString("N")[..6];

        // Warm both services up (JIT, connection pools) before the measured run.
        var warmUp = Enumerable.Range(0, 200).Select(i => generator.Next($"warm-{run}-{i:D4}")).ToList();
        await app.Platform.Orders.InsertManyAsync(warmUp);
        await WaitForAsync(app, [.. warmUp.Select(d => d["OtterOrderId"].AsString)], TimeSpan.FromMinutes(5));

        await app.StopResourceAsync("order-management");
        var documents = Enumerable.Range(0, orders).Select(i => generator.Next($"backlog-{run}-{i:D6}")).ToList();
        foreach (var chunk in documents.Chunk(1_000))
        {
            await app.Platform.Orders.InsertManyAsync(chunk);
        }

        await using var memory = new ProcessMemory("Orbital.OrderManagement", "Orbital.KitchenBatch");
        memory.Start();
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        await app.StartResourceAsync("order-management");
        var received = await WaitForAsync(app, [.. documents.Select(d => d["OtterOrderId"].AsString)], TimeSpan.FromMinutes(30));
        var first = received.Values.Min();
        var last = received.Values.Max();
        var throughput = orders / Math.Max(0.001, (last - first).TotalSeconds);
        var markdown = string.Create(CultureInfo.InvariantCulture, $"""
            ## Backlog: {orders:N0} orders already in MongoDB, the whole path

            The order service was stopped, {orders:N0} orders written to MongoDB ({app.Mongo.Description}), and the order
            service started again by the AppHost; PostgreSQL from the local binaries; everything on this one machine.

            | | |
            |---|---:|
            | from the order service's start to the last order in the kitchen | {(last - started).TotalSeconds:0.0} s |
            | from the first order in the kitchen to the last | {(last - first).TotalSeconds:0.0} s |
            | **throughput** (first to last) | **{throughput:N0} orders/s** |
            | throughput including the service's start | {orders / (last - started).TotalSeconds:N0} orders/s |
            | peak working set, order service | {memory.PeakMiB("Orbital.OrderManagement"):N0} MB |
            | peak working set, kitchen | {memory.PeakMiB("Orbital.KitchenBatch"):N0} MB |

            Measured in {clock.Elapsed.TotalSeconds:0} s.
            """);
        return new BenchmarkSection(markdown, new Dictionary<string, double>
        {
            ["ordersPerSecond"] = throughput,
            ["orderServiceMb"] = memory.PeakMiB("Orbital.OrderManagement"),
            ["kitchenMb"] = memory.PeakMiB("Orbital.KitchenBatch"),
        });
    }

    private static async Task<Dictionary<string, DateTime>> WaitForAsync(OrbitalAppFixture app, List<string> ids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var received = await app.Kitchen.ReceivedAtAsync(ids);
            if (received.Count == ids.Count)
            {
                return received;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {received.Count} of {ids.Count} orders arrived.");
            }

            await Task.Delay(250);
        }
    }
}
