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

    public static async Task<BenchmarkSection> RunAsync(int screens, int ordersPerSecond, TimeSpan duration)
    {
        await using var app = new OrbitalAppFixture { ShortRetries = false, ResourceLogsOnConsole = false, KitchenHttpUnproxied = true };
        await app.InitializeAsync();
        var kitchen = app.GetEndpoint("kitchen-batch", "http");
        var tokens = await PairAsync(kitchen, await app.ParameterValueAsync("kitchen-manager-key"), (screens + 4) / 5);

        var clock = s_clock;
        var inserted = new ConcurrentDictionary<string, TimeSpan>();
        using var stop = new CancellationTokenSource();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { BaseAddress = kitchen, Timeout = Timeout.InfiniteTimeSpan };
        var followers = Enumerable.Range(0, screens).Select(i => new Screen(s_stations[i % s_stations.Length], tokens[i / 5])).ToList();
        var reading = followers.Select(s => Task.Run(() => s.FollowAsync(http, inserted, clock, stop.Token))).ToList();
        await WaitForAsync(() => followers.All(s => s.Connected), TimeSpan.FromMinutes(2));

        await using var memory = new ProcessMemory("Orbital.KitchenBatch");
        memory.Start();
        var generator = new PlatformOrderGenerator(seed: 17);
        var run = Guid.NewGuid().ToString("N")[..6];

        // Warm up every part (JIT, pools, the screens' buffers) at the same rate first; only the run after is measured.
        await WriteAsync(app, generator, inserted: null, $"warm-{run}", ordersPerSecond, TimeSpan.FromSeconds(30));
        var count = (int)(ordersPerSecond * duration.TotalSeconds);
        var writing = Stopwatch.StartNew();
        await WriteAsync(app, generator, inserted, $"screens-{run}", ordersPerSecond, duration);
        var achieved = count / writing.Elapsed.TotalSeconds;
        await WaitForAsync(() => followers.All(s => s.Received >= count), TimeSpan.FromMinutes(2));
        await stop.CancelAsync();
        await Task.WhenAll(reading).ContinueWith(_ => { }, TaskScheduler.Default);

        var latencies = followers.SelectMany(s => s.Latencies).Order().ToList();
        var received = await app.Kitchen.ReceivedAtAsync([.. s_insertedAt.Keys]);
        var committed = received.Select(r => (r.Value - s_insertedAt[r.Key]).TotalMilliseconds).Order().ToList();
        var complete = followers.Count(s => s.Received >= count);
        var markdown = string.Create(CultureInfo.InvariantCulture, $"""
            ## Screens: MongoDB insert to `order.received` on {screens} screens

            {screens} screens follow `/api/events?station=...` ({screens / s_stations.Length} per station, each on its own connection, {tokens.Count}
            paired devices) while {count:N0} orders are written to MongoDB at {achieved:0}/s; latency is from just before each
            order's insert to its `order.received` arriving at a screen, for every screen. The whole app through the AppHost
            (Release), the screens (connected to the kitchen itself, not through the orchestrator's development proxy) and the
            writer in the benchmark's process, everything on this one machine.

            | | |
            |---|---:|
            | insert → kitchen intake (its transaction starts), p50 / p99 | {Percentile(committed, 0.50):N0} ms / {Percentile(committed, 0.99):N0} ms |
            | deliveries measured (orders × screens) | {latencies.Count:N0} |
            | screens that received every order | {complete} of {screens} |
            | p50 | {Percentile(latencies, 0.50):N0} ms |
            | p90 | {Percentile(latencies, 0.90):N0} ms |
            | **p99** | **{Percentile(latencies, 0.99):N0} ms** |
            | max | {latencies[^1]:N0} ms |
            | reconnections, all screens | {followers.Sum(s => s.Connections - 1)} |
            | peak working set, kitchen | {memory.PeakMiB("Orbital.KitchenBatch"):N0} MB |
            """);
        return new BenchmarkSection(markdown, new Dictionary<string, double>
        {
            ["p99"] = Percentile(latencies, 0.99),
            ["complete"] = complete,
            ["screens"] = screens,
            ["rate"] = achieved,
        });
    }

    /// <summary>
    /// Orders at a steady rate, each written when it is due whether or not the one before was answered yet (the
    /// platform has many writers), at most 64 unanswered at once.
    /// </summary>
    private static async Task WriteAsync(OrbitalAppFixture app, PlatformOrderGenerator generator, ConcurrentDictionary<string, TimeSpan>? inserted, string prefix, int ordersPerSecond, TimeSpan duration)
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
            inserted?.TryAdd(document["OtterOrderId"].AsString, s_clock.Elapsed);
            if (inserted is not null)
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
            await app.Platform.Orders.InsertOneAsync(document);
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

    private static double Percentile(List<double> sorted, double percentile)
        => sorted.Count == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(percentile * sorted.Count) - 1)];

    /// <summary>One screen: reads its station's stream and notes when each order's arrival reaches it.</summary>
    private sealed class Screen(string station, string token)
    {
        // The payload as PostgreSQL's jsonb gives it back: "orderId": "...".
        private static ReadOnlySpan<byte> OrderIdField => "\"orderId\": \""u8;
        private readonly List<double> _latencies = [];
        private int _received;

        public bool Connected { get; private set; }

        public string? LastError { get; private set; }

        public int Connections { get; private set; }

        public int Received => Volatile.Read(ref _received);

        public IReadOnlyList<double> Latencies => _latencies;

        private void Frame(ReadOnlySpan<byte> frame, ConcurrentDictionary<string, TimeSpan> inserted, Stopwatch clock, ref string? lastEventId)
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

            var at = clock.Elapsed;
            var field = frame.IndexOf(OrderIdField);
            var value = frame[(field + OrderIdField.Length)..];
            var orderId = System.Text.Encoding.UTF8.GetString(value[..value.IndexOf((byte)'"')]);
            if (inserted.TryGetValue(orderId, out var insertedAt))
            {
                _latencies.Add((at - insertedAt).TotalMilliseconds);
                Interlocked.Increment(ref _received);
            }
        }

        public async Task FollowAsync(HttpClient http, ConcurrentDictionary<string, TimeSpan> inserted, Stopwatch clock, CancellationToken stop)
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
