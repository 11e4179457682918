using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orbital.AppHost.Simulation;
using Orbital.Testing;

namespace Orbital.Benchmarks;

/// <summary>
/// The whole order path as it runs: the AppHost starts both services and PostgreSQL, orders are written to
/// MongoDB with the driver, and each order's latency is from just before its insert to the kitchen's
/// <c>received_at</c> (set in the intake transaction that commits it). Paced runs show latency below capacity;
/// a burst shows the sustained throughput.
/// </summary>
internal static class PipelineBenchmark
{
    private static readonly int[] s_rates = [10, 25, 50];
    private static readonly TimeSpan s_pacedDuration = TimeSpan.FromSeconds(20);

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static async Task<string> RunAsync(int burst)
    {
        await using var app = new OrbitalAppFixture();
        await app.InitializeAsync();
        var generator = new PlatformOrderGenerator(seed: 7);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"""
            ## Pipeline: MongoDB insert to kitchen commit

            MongoDB: {app.Mongo.Description}. PostgreSQL (local binaries) and both services ({Configuration} build) started
            by the AppHost, everything on this one machine.

            | load | orders | achieved | p50 | p90 | p99 | max |
            |---|---:|---:|---:|---:|---:|---:|
            """);

        await MeasureAsync(app, generator, "warm-up", 50, TimeSpan.FromMilliseconds(20));
        foreach (var rate in s_rates)
        {
            var count = (int)(rate * s_pacedDuration.TotalSeconds);
            report.AppendLine(await MeasureAsync(app, generator, $"paced {rate}/s", count, TimeSpan.FromSeconds(1.0 / rate)));
        }

        report.AppendLine(await MeasureAsync(app, generator, "burst", burst, TimeSpan.Zero));
        return report.ToString();
    }

    private static async Task<string> MeasureAsync(OrbitalAppFixture app, PlatformOrderGenerator generator, string load, int count, TimeSpan interval)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var documents = Enumerable.Range(0, count).Select(i => generator.Next($"bench-{run}-{i:D6}")).ToList();
        var insertedAt = new Dictionary<string, DateTime>(count);
        var clock = Stopwatch.StartNew();

        if (interval == TimeSpan.Zero)
        {
            foreach (var chunk in documents.Chunk(100))
            {
                var at = DateTime.UtcNow;
                await app.Platform.Orders.InsertManyAsync(chunk);
                foreach (var document in chunk)
                {
                    insertedAt[document["OtterOrderId"].AsString] = at;
                }
            }
        }
        else
        {
            for (var i = 0; i < documents.Count; i++)
            {
                var due = interval * i;
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }

                insertedAt[documents[i]["OtterOrderId"].AsString] = DateTime.UtcNow;
                await app.Platform.Orders.InsertOneAsync(documents[i]);
            }
        }

        var ids = insertedAt.Keys.ToList();
        var deadline = DateTime.UtcNow.AddMinutes(10);
        Dictionary<string, DateTime> received;
        while ((received = await app.Kitchen.ReceivedAtAsync(ids)).Count < ids.Count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{load}: only {received.Count} of {ids.Count} orders arrived.");
            }

            await Task.Delay(250);
        }

        var latencies = ids.Select(id => (received[id] - insertedAt[id]).TotalMilliseconds).Order().ToList();
        var span = (received.Values.Max() - insertedAt.Values.Min()).TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {load} | {count:N0} | {count / span:N0}/s | {Percentile(latencies, 0.5):N0} ms | {Percentile(latencies, 0.9):N0} ms | {Percentile(latencies, 0.99):N0} ms | {latencies[^1]:N0} ms |");
    }

    private static double Percentile(List<double> sorted, double percentile)
        => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(percentile * sorted.Count) - 1)];
}
