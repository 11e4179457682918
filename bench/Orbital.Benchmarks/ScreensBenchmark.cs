using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbital.AppHost.Simulation;
using Orbital.Testing;

namespace Orbital.Benchmarks;

/// <summary>
/// Screens keeping up: hundreds of screens follow <c>/api/events</c> (each for one station, as boards do, over its
/// own connection, five per paired device) while the platform writes orders to MongoDB at a steady rate; measured is
/// how long after its insert each order's <c>order.received</c> reaches each screen.
/// </summary>
internal static class ScreensBenchmark
{
    private static readonly string[] s_stations = ["Grill Station", "Fry Station", "Bowl Station", "Pizza Station"];
    private static readonly Stopwatch s_clock = Stopwatch.StartNew();
    private static readonly ConcurrentDictionary<string, DateTime> s_insertedAt = new();
    private static readonly ConcurrentDictionary<string, double> s_acknowledged = new();

    public static async Task<BenchmarkSection> RunAsync(int screens, int ordersPerSecond, TimeSpan duration)
    {
        // MongoDB in a process of its own, as deployed: the load generator below is then the only thing in this one.
        await using var mongo = await MongoProcess.StartAsync();
        await using var app = new OrbitalAppFixture { ShortRetries = false, ResourceLogsOnConsole = false, KitchenHttpUnproxied = true };
        await app.InitializeAsync();
        var kitchen = app.GetEndpoint("kitchen-batch", "http");
        var tokens = await PairAsync(kitchen, await app.ParameterValueAsync("kitchen-manager-key"), (screens + 4) / 5);

        var clock = s_clock;
        var inserted = new ConcurrentDictionary<string, (int Phase, TimeSpan At)>();
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = kitchen, Timeout = Timeout.InfiniteTimeSpan };
        // Every screen counts the orders it receives; one group of four (a screen per station) in ten also times each
        // (50 of 500), as the from-outside measurement did: decoding every event on 500 streams would make the load
        // generator, on the same two cores, the largest user of them.
        var followers = Enumerable.Range(0, screens).Select(i => new Screen(s_stations[i % s_stations.Length], tokens[i / 5], timed: i / s_stations.Length % 10 == 0)).ToList();

        // First a kitchen with one screen per station: the first orders after the start, and the latency at a low rate.
        var few = followers.Take(s_stations.Length).ToList();
        var reading = few.Select(s => Task.Run(() => s.FollowAsync(http, inserted, clock, stop.Token))).ToList();
        await WaitForAsync(() => few.All(s => s.Connected), TimeSpan.FromMinutes(1));

        await using var memory = new ProcessMemory("Orbital.KitchenBatch");
        memory.Start();
        var generator = new PlatformOrderGenerator(seed: 17);
        var run = Guid.NewGuid().ToString("N")[..6];

        // The first orders after the start, before anything else went through the services: one a second. The load
        // generator's own MongoDB connection is opened first (its first insert is no part of the services' start).
        await app.Platform.Orders.Database.GetCollection<MongoDB.Bson.BsonDocument>("bench_connection").InsertOneAsync(new MongoDB.Bson.BsonDocument("at", DateTime.UtcNow));
        for (var i = 0; i < FirstOrders; i++)
        {
            await WriteAsync(app, generator, inserted, Phase.First, $"first-{run}-{i}", ordersPerSecond: 1, TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        await WaitForAsync(() => few.All(s => s.Received(Phase.First) >= FirstOrders), TimeSpan.FromSeconds(30));

        var slowCount = (int)(SlowRate * duration.TotalSeconds);
        await WriteAsync(app, generator, inserted: null, Phase.Slow, $"slow-warm-{run}", SlowRate, TimeSpan.FromSeconds(5));
        var slowCpu = ProcessCpu.ForApp(mongo.ProcessId);
        slowCpu.Start();
        await WriteAsync(app, generator, inserted, Phase.Slow, $"slow-{run}", SlowRate, duration);
        await WaitForAsync(() => few.All(s => s.Received(Phase.Slow) >= slowCount), TimeSpan.FromMinutes(1));
        var slowUsage = slowCpu.Stop();

        // Then every screen.
        reading.AddRange(followers.Skip(few.Count).Select(s => Task.Run(() => s.FollowAsync(http, inserted, clock, stop.Token))));
        await WaitForAsync(() => followers.All(s => s.Connected), TimeSpan.FromMinutes(2));
        await WriteAsync(app, generator, inserted, Phase.SlowAll, $"slow-all-{run}", SlowRate, duration);
        await WaitForAsync(() => followers.All(s => s.Received(Phase.SlowAll) >= slowCount), TimeSpan.FromMinutes(1));

        // Warm up every part (JIT, pools, the screens' buffers) at the full rate; only the run after it is measured.
        await WriteAsync(app, generator, inserted: null, Phase.Full, $"warm-{run}", ordersPerSecond, TimeSpan.FromSeconds(30));

        var count = (int)(ordersPerSecond * duration.TotalSeconds);
        var cpu = ProcessCpu.ForApp(mongo.ProcessId);
        cpu.Start();
        var writing = Stopwatch.StartNew();
        await WriteAsync(app, generator, inserted, Phase.Full, $"screens-{run}", ordersPerSecond, duration);
        var achieved = count / writing.Elapsed.TotalSeconds;
        var usage = cpu.Stop();
        await WaitForAsync(() => followers.All(s => s.Received(Phase.Full) >= count), TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await Task.WhenAll(reading).ContinueWith(_ => { }, TaskScheduler.Default);

        var first = followers.SelectMany(s => s.Latencies(Phase.First)).Order().ToList();
        var firstOne = few.Select(s => s.FirstLatency).OfType<double>().Order().ToList();
        var slow = followers.SelectMany(s => s.Latencies(Phase.Slow)).Order().ToList();
        var slowAll = followers.SelectMany(s => s.Latencies(Phase.SlowAll)).Order().ToList();
        var latencies = followers.SelectMany(s => s.Latencies(Phase.Full)).Order().ToList();
        // Per order: the first timed screen to show it (what every screen waits for) and how much later the last one did.
        var perOrder = followers.SelectMany(s => s.FullByOrder).GroupBy(d => d.OrderId, StringComparer.Ordinal).Select(g => (Fastest: g.Min(d => d.Latency), Spread: g.Max(d => d.Latency) - g.Min(d => d.Latency))).ToList();
        var fastest = perOrder.Select(o => o.Fastest).Order().ToList();
        var spread = perOrder.Select(o => o.Spread).Order().ToList();
        var received = await app.Kitchen.ReceivedAtAsync([.. s_insertedAt.Keys]);
        var committed = received.Where(r => r.Key.StartsWith("screens-", StringComparison.Ordinal)).Select(r => (r.Value - s_insertedAt[r.Key]).TotalMilliseconds).Order().ToList();
        var firstCommitted = received.Where(r => r.Key.StartsWith("first-", StringComparison.Ordinal)).OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => (r.Value - s_insertedAt[r.Key]).TotalMilliseconds).ToList();
        var slowCommitted = received.Where(r => r.Key.StartsWith("slow-", StringComparison.Ordinal)).Select(r => (r.Value - s_insertedAt[r.Key]).TotalMilliseconds).Order().ToList();
        var complete = followers.Count(s => s.Received(Phase.Full) >= count);
        var slowAcknowledged = s_acknowledged.Where(a => a.Key.StartsWith("slow-", StringComparison.Ordinal) && !a.Key.StartsWith("slow-warm-", StringComparison.Ordinal) && !a.Key.StartsWith("slow-all-", StringComparison.Ordinal)).Select(a => a.Value).Order().ToList();
        var markdown = string.Create(CultureInfo.InvariantCulture, $"""
            ## Screens: MongoDB insert to `order.received` on the screens

            Latency is from just before each order's insert into MongoDB to its `order.received` arriving at a screen that
            follows `/api/events?station=...`, for every screen. First one screen per station ({few.Count}): the first orders after
            the start and {SlowRate} orders/s; then {screens} screens ({screens / s_stations.Length} per station, each on its own connection, {tokens.Count}
            paired devices): {SlowRate} orders/s again, and {achieved:0} orders/s after a 30 s warm-up at that rate. With all of them, the
            latency is timed on {followers.Count(s => s.Timed)} (a screen per station in every tenth group of four); every screen counts the orders it
            receives. Processes, all on
            this one machine: MongoDB (the wire double, in a process of its own), PostgreSQL, the order service and the kitchen
            (Release builds, started by the AppHost), and the load generator: this benchmark's process, which writes the orders
            with the MongoDB driver and reads the streams (connected to the kitchen itself, not through the orchestrator's
            development proxy).

            | | first {FirstOrders} orders after the start, {few.Count} screens | {SlowRate} orders/s, {few.Count} screens | {SlowRate} orders/s, {screens} screens | {achieved:0} orders/s, {screens} screens |
            |---|---:|---:|---:|---:|
            | orders | {FirstOrders} | {slowCount:N0} | {slowCount:N0} | {count:N0} |
            | deliveries timed (orders × timed screens) | {first.Count:N0} | {slow.Count:N0} | {slowAll.Count:N0} | {latencies.Count:N0} |
            | p50 | {Percentile(first, 0.50):N1} ms | **{Percentile(slow, 0.50):N1} ms** | {Percentile(slowAll, 0.50):N1} ms | {Percentile(latencies, 0.50):N0} ms |
            | p90 | {Percentile(first, 0.90):N1} ms | {Percentile(slow, 0.90):N1} ms | {Percentile(slowAll, 0.90):N1} ms | {Percentile(latencies, 0.90):N0} ms |
            | p99 | {Percentile(first, 0.99):N1} ms | {Percentile(slow, 0.99):N1} ms | {Percentile(slowAll, 0.99):N1} ms | **{Percentile(latencies, 0.99):N0} ms** |
            | max | {Max(first):N1} ms | {Max(slow):N1} ms | {Max(slowAll):N1} ms | {Max(latencies):N0} ms |

            - The very first order after the start reached the screens in **{Max(firstOne):N1} ms** (the slowest of the {few.Count}); insert → kitchen intake of the first {FirstOrders}: {string.Join(", ", firstCommitted.Select(c => c.ToString("N1", CultureInfo.InvariantCulture)))} ms
              (MongoDB acknowledged their inserts after {string.Join(", ", s_acknowledged.Where(a => a.Key.StartsWith("first-", StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Value.ToString("N1", CultureInfo.InvariantCulture)))} ms).
            - Insert → kitchen intake (its transaction starts): at {SlowRate} orders/s p50 {Percentile(slowCommitted, 0.50):N1} ms, p99 {Percentile(slowCommitted, 0.99):N1} ms
              (MongoDB acknowledged the inserts after p50 {Percentile(slowAcknowledged, 0.50):N1} ms);
              at {achieved:0} orders/s p50 {Percentile(committed, 0.50):N0} ms, p99 {Percentile(committed, 0.99):N0} ms.
            - At {achieved:0} orders/s, per order: the first of the timed screens had it after p50 {Percentile(fastest, 0.50):N0} ms, p99 {Percentile(fastest, 0.99):N0} ms;
              the last of them p50 {Percentile(spread, 0.50):N0} ms, p99 {Percentile(spread, 0.99):N0} ms after the first (the dispatch to {screens} screens and their reading).
            - At {achieved:0} orders/s, screens that received every order: {complete} of {screens}; reconnections, all screens: {followers.Sum(s => s.Connections - 1)}.
            - Peak working set of the kitchen with the {screens} screens: **{memory.PeakMiB("Orbital.KitchenBatch"):N0} MB**.

            Where the CPU went at {SlowRate} orders/s ({few.Count} screens) and at {achieved:0} orders/s ({screens} screens), as shares of both cores, from `/proc`:

            {CpuTable(slowUsage, usage)}
            """);
        return new BenchmarkSection(markdown, new Dictionary<string, double>
        {
            ["p99"] = Percentile(latencies, 0.99),
            ["slowP50"] = Percentile(slow, 0.50),
            ["slowAckP50"] = Percentile(slowAcknowledged, 0.50),
            ["firstP50"] = Percentile(firstOne, 0.50),
            ["firstMax"] = Max(firstOne),
            ["complete"] = complete,
            ["screens"] = screens,
            ["rate"] = achieved,
            ["workingSet"] = memory.PeakMiB("Orbital.KitchenBatch"),
        });
    }

    private const int FirstOrders = 5;
    private const int SlowRate = 10;

    /// <summary>Which part of the run an order belongs to.</summary>
    private enum Phase
    {
        First,
        Slow,
        SlowAll,
        Full,
    }

    private static string CpuTable((List<(string Label, double Share)> Groups, double Machine) slow, (List<(string Label, double Share)> Groups, double Machine) full)
        => string.Join('\n', [
            $"| process | {SlowRate} orders/s, few screens | full rate, all screens |",
            "|---|---:|---:|",
            .. slow.Groups.Zip(full.Groups, (s, f) => string.Create(CultureInfo.InvariantCulture, $"| {s.Label} | {s.Share:P0} | {f.Share:P0} |")),
            string.Create(CultureInfo.InvariantCulture, $"| **machine busy, all processes** | **{slow.Machine:P0}** | **{full.Machine:P0}** |"),
        ]);

    /// <summary>
    /// Orders at a steady rate, each written when it is due whether or not the one before was answered yet (the
    /// platform has many writers), at most 64 unanswered at once.
    /// </summary>
    private static async Task WriteAsync(OrbitalAppFixture app, PlatformOrderGenerator generator, ConcurrentDictionary<string, (int Phase, TimeSpan At)>? inserted, Phase phase, string prefix, int ordersPerSecond, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var count = (int)(ordersPerSecond * duration.TotalSeconds);
        var interval = TimeSpan.FromSeconds(1.0 / ordersPerSecond);
        using var unanswered = new SemaphoreSlim(64);
        var writes = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var document = generator.Next($"{prefix}-{i:D6}");
            await unanswered.WaitAsync();
            inserted?.TryAdd(document["OtterOrderId"].AsString, ((int)phase, s_clock.Elapsed));
            if (inserted is not null && phase is Phase.First or Phase.Slow or Phase.Full)
            {
                s_insertedAt[document["OtterOrderId"].AsString] = DateTime.UtcNow;
            }

            writes.Add(InsertAsync(app, document, unanswered));
        }

        await Task.WhenAll(writes);
    }

    private static async Task InsertAsync(OrbitalAppFixture app, MongoDB.Bson.BsonDocument document, SemaphoreSlim unanswered)
    {
        try
        {
            var started = s_clock.Elapsed;
            await app.Platform.Orders.InsertOneAsync(document);
            s_acknowledged[document["OtterOrderId"].AsString] = (s_clock.Elapsed - started).TotalMilliseconds;
        }
        finally
        {
            unanswered.Release();
        }
    }

    /// <summary>Paired devices, as a kitchen manager would make them (the write limit paces it).</summary>
    private static async Task<List<string>> PairAsync(Uri kitchen, string managerKey, int count)
    {
        using var manager = new HttpClient { BaseAddress = kitchen };
        manager.DefaultRequestHeaders.Authorization = new("Bearer", managerKey);
        var tokens = new List<string>();
        while (tokens.Count < count)
        {
            using var response = await manager.PostAsJsonAsync("/api/devices", new { name = $"bench screen {tokens.Count + 1}" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }

            response.EnsureSuccessStatusCode();
            tokens.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
        }

        return tokens;
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
    }

    private static double Max(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[^1];

    private static double Percentile(List<double> sorted, double percentile)
        => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(percentile * sorted.Count) - 1)];

    /// <summary>One screen: reads its station's stream and notes when each order's arrival reaches it.</summary>
    private sealed class Screen(string station, string token, bool timed)
    {
        // The payload as PostgreSQL's jsonb gives it back: "orderId": "...".
        private static ReadOnlySpan<byte> OrderIdField => "\"orderId\": \""u8;
        private readonly List<double>[] _latencies = [[], [], [], []];
        private readonly List<(string OrderId, double Latency)> _fullByOrder = [];
        private readonly int[] _received = new int[4];

        public bool Connected { get; private set; }

        public string? LastError { get; private set; }

        public int Connections { get; private set; }

        /// <summary>How long the very first order took to reach this screen.</summary>
        public double? FirstLatency { get; private set; }

        public int Received(Phase phase) => Volatile.Read(ref _received[(int)phase]);

        public IReadOnlyList<double> Latencies(Phase phase) => _latencies[(int)phase];

        /// <summary>At the full rate: each order this screen timed, with its latency.</summary>
        public IReadOnlyList<(string OrderId, double Latency)> FullByOrder => _fullByOrder;

        private void Frame(ReadOnlySpan<byte> frame, ConcurrentDictionary<string, (int Phase, TimeSpan At)> inserted, Stopwatch clock, ref string? lastEventId)
        {
            var id = frame.IndexOf("\nid: "u8);
            if (id >= 0)
            {
                var rest = frame[(id + 5)..];
                var newline = rest.IndexOf((byte)'\n');
                lastEventId = System.Text.Encoding.ASCII.GetString(newline < 0 ? rest : rest[..newline]);
            }

            if (!frame.StartsWith("event: order.received\n"u8))
            {
                return;
            }

            if (!timed)
            {
                // Counted by the phase its id names, without decoding it.
                var named = frame[(frame.IndexOf(OrderIdField) + OrderIdField.Length)..];
                if (PhaseNamed(named) is { } phase)
                {
                    Interlocked.Increment(ref _received[(int)phase]);
                }

                return;
            }

            var at = clock.Elapsed;
            var field = frame.IndexOf(OrderIdField);
            var value = frame[(field + OrderIdField.Length)..];
            var orderId = System.Text.Encoding.UTF8.GetString(value[..value.IndexOf((byte)'"')]);
            if (inserted.TryGetValue(orderId, out var sent))
            {
                var latency = (at - sent.At).TotalMilliseconds;
                FirstLatency ??= latency;
                _latencies[sent.Phase].Add(latency);
                if (sent.Phase == (int)Phase.Full)
                {
                    _fullByOrder.Add((orderId, latency));
                }
                Interlocked.Increment(ref _received[sent.Phase]);
            }
        }

        public bool Timed => timed;

        private static Phase? PhaseNamed(ReadOnlySpan<byte> orderId)
            => orderId.StartsWith("slow-all-"u8) ? Phase.SlowAll
                : orderId.StartsWith("screens-"u8) ? Phase.Full
                : orderId.StartsWith("first-"u8) ? Phase.First
                : orderId.StartsWith("slow-"u8) && !orderId.StartsWith("slow-warm-"u8) ? Phase.Slow
                : null;

        public async Task FollowAsync(HttpClient http, ConcurrentDictionary<string, (int Phase, TimeSpan At)> inserted, Stopwatch clock, CancellationToken stop)
        {
            var lastEventId = (string?)null;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/events?station={Uri.EscapeDataString(station)}");
                    request.Headers.Authorization = new("Bearer", token);
                    if (lastEventId is not null)
                    {
                        request.Headers.Add("Last-Event-ID", lastEventId);
                    }

                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                    response.EnsureSuccessStatusCode();
                    Connections++;
                    // Frames are scanned as bytes: only an order's arrival is decoded, as a screen would only draw that.
                    await using var body = await response.Content.ReadAsStreamAsync(stop);
                    var buffer = new byte[64 * 1024];
                    var filled = 0;
                    int read;
                    while ((read = await body.ReadAsync(buffer.AsMemory(filled), stop)) > 0)
                    {
                        Connected = true;
                        filled += read;
                        var consumed = 0;
                        int end;
                        while ((end = buffer.AsSpan(consumed, filled - consumed).IndexOf("\n\n"u8)) >= 0)
                        {
                            Frame(buffer.AsSpan(consumed, end), inserted, clock, ref lastEventId);
                            consumed += end + 2;
                        }

                        buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                        filled -= consumed;
                        if (filled == buffer.Length)
                        {
                            Array.Resize(ref buffer, buffer.Length * 2);
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException && !stop.IsCancellationRequested)
                {
                    LastError = ex.Message;
                    await Task.Delay(TimeSpan.FromSeconds(2), stop).ContinueWith(_ => { }, TaskScheduler.Default);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
