using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.AppHost.Simulation;
using Orbital.Testing;

namespace Orbital.Benchmarks.Chaos;

/// <summary>
/// The whole app through the AppHost, under faults: the platform writes orders at a steady rate with the MongoDB
/// driver (and changes some of them: a lowered quantity, a cancellation) while screens follow <c>/api/events</c>
/// like browsers, and every few seconds something fails (a service killed, PostgreSQL stopped, MongoDB unreachable,
/// change history lost). At the end every order must be in the kitchen exactly once and as its document last said,
/// every screen must have seen every event exactly once and in order, and the order service must hold nothing.
/// </summary>
internal sealed class ChaosRun(ChaosSettings settings)
{
    private readonly FaultKind[] _kinds = settings.Replicas > 1
        ? Enum.GetValues<FaultKind>()
        : [.. Enum.GetValues<FaultKind>().Where(k => k != FaultKind.RollingRestart)];

    public async Task<ChaosResult> RunAsync()
    {
        // Production timings: the services retry from 1 s to 60 s, as they would in a kitchen.
        await using var app = new OrbitalAppFixture { ShortRetries = false, ResourceLogsOnConsole = false, Replicas = settings.Replicas };
        await app.InitializeAsync();
        await using var instances = new ServiceInstances(app);
        var kitchen = app.GetEndpoint("kitchen-batch", "http");
        using var stopScreens = new CancellationTokenSource();
        var screens = new List<ChaosScreen>();
        foreach (var token in await PairScreensAsync(app, kitchen, settings.Screens))
        {
            screens.Add(new ChaosScreen(kitchen, token));
        }

        var screenTasks = screens.Select(s => Task.Run(() => s.RunAsync(stopScreens.Token))).ToList();

        var startedAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var written = new Dictionary<string, DateTime>();
        var changes = new List<OrderChangeWritten>();
        var writer = Task.Run(() => WriteAsync(app, written, changes, clock));
        var faults = await InjectAsync(app, instances, writer);
        await writer;
        var writeSpan = clock.Elapsed;

        var received = await SettleAsync(app, written.Keys.ToList(), settings.SettleTimeout);
        await WaitForAsync(async () => await ChangesMissedAsync(app, changes) == 0, settings.SettleTimeout);
        var changesMissed = await ChangesMissedAsync(app, changes);
        var events = await EventIdsAsync(app);
        await Task.WhenAll(screens.Select(s => WaitForAsync(() => s.LastId >= (events.Count == 0 ? 0 : events[^1]), settings.SettleTimeout)));
        await stopScreens.CancelAsync();
        await Task.WhenAll(screenTasks);

        foreach (var fault in faults)
        {
            var next = written.Where(w => w.Value >= fault.EndedAt && received.ContainsKey(w.Key)).OrderBy(w => w.Value).FirstOrDefault();
            fault.Recovery = next.Key is null ? null : received[next.Key] - fault.EndedAt;
        }

        // Every order service settled: all healthy, one leading, none holding an order.
        await WaitForAsync(async () => Settles(await HealthAsync(instances)), TimeSpan.FromMinutes(1));
        var rows = await app.Kitchen.OrderRowCountsAsync(written.Keys.ToList());
        return new ChaosResult(
            settings,
            app.Mongo.Description,
            startedAt,
            writeSpan,
            faults,
            Written: written.Count,
            Lost: written.Keys.Count(id => !rows.ContainsKey(id)),
            Duplicated: rows.Count(r => r.Value > 1),
            Changes: changes.Count,
            ChangesMissed: changesMissed,
            Events: events,
            Screens: [.. screens.Select(s => ScreenResult.Of(s, events))],
            OrderServices: await HealthAsync(instances));
    }

    /// <summary>A device token per screen, created with the manager key as a kitchen manager would.</summary>
    private static async Task<List<string>> PairScreensAsync(OrbitalAppFixture app, Uri kitchen, int count)
    {
        using var manager = new HttpClient { BaseAddress = kitchen };
        manager.DefaultRequestHeaders.Authorization = new("Bearer", await app.ParameterValueAsync("kitchen-manager-key"));
        var tokens = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var response = await manager.PostAsJsonAsync("/api/devices", new { name = $"chaos screen {i + 1}" });
            response.EnsureSuccessStatusCode();
            tokens.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!);
        }

        return tokens;
    }

    /// <summary>
    /// Orders at a steady rate, each retried until MongoDB takes it, as the platform would; every tenth order then
    /// has its first item lowered to one, and every twenty-fifth is cancelled.
    /// </summary>
    private async Task WriteAsync(OrbitalAppFixture app, Dictionary<string, DateTime> written, List<OrderChangeWritten> changes, Stopwatch clock)
    {
        var generator = new PlatformOrderGenerator(seed: 11);
        var interval = TimeSpan.FromSeconds(1.0 / settings.OrdersPerSecond);
        for (var i = 0; i < settings.Orders; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var document = generator.Next($"chaos-{i:D5}");
            var orderId = document["OtterOrderId"].AsString;
            await RetryAsync(async () =>
            {
                try
                {
                    await app.Platform.Orders.InsertOneAsync(document);
                }
                catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
                {
                    // The insert went through before the connection dropped.
                }
            });

            lock (written)
            {
                written[orderId] = DateTime.UtcNow;
            }

            var filter = Builders<BsonDocument>.Filter.Eq("_id", document["_id"]);
            if (i % 10 == 3)
            {
                await RetryAsync(() => app.Platform.Orders.UpdateOneAsync(filter, Builders<BsonDocument>.Update.Set("StationOrders.0.OrderItems.0.Quantity", 1)));
                changes.Add(new OrderChangeWritten(orderId, document["StationOrders"][0]["OrderItems"][0]["Id"].AsString, Cancelled: false));
            }
            else if (i % 25 == 7)
            {
                await RetryAsync(() => app.Platform.Orders.UpdateOneAsync(filter, Builders<BsonDocument>.Update.Set("Status", "Cancelled")));
                changes.Add(new OrderChangeWritten(orderId, LineId: null, Cancelled: true));
            }
        }
    }

    /// <summary>Retries a write until MongoDB takes it (an update is idempotent here; an insert says so).</summary>
    private static async Task RetryAsync(Func<Task> write)
    {
        while (true)
        {
            try
            {
                await write();
                return;
            }
            catch (Exception ex) when (ex is MongoException or TimeoutException)
            {
                await Task.Delay(250);
            }
        }
    }

    /// <summary>
    /// How many of the changes the kitchen does not show: a cancelled order not cancelled, a lowered line not lowered
    /// (compared in menu items: a line mapped to two of a production item holds 2 of it for 1 ordered).
    /// </summary>
    private static async Task<int> ChangesMissedAsync(OrbitalAppFixture app, List<OrderChangeWritten> changes)
    {
        var cancelled = changes.Where(c => c.Cancelled).Select(c => c.OrderId).ToArray();
        var lowered = changes.Where(c => !c.Cancelled).ToList();
        var notCancelled = await app.Kitchen.ScalarAsync<long>(
            "SELECT count(*) FROM unnest($1::text[]) AS e(order_id) LEFT JOIN orders o ON o.order_id = e.order_id WHERE o.status IS DISTINCT FROM 'Cancelled'",
            (object)cancelled);
        var notLowered = await app.Kitchen.ScalarAsync<long>(
            """
            SELECT count(*) FROM unnest($1::text[], $2::text[]) AS e(order_id, line_id)
            LEFT JOIN orders o ON o.order_id = e.order_id
            LEFT JOIN order_lines l ON l.kitchen_order_id = o.id AND l.line_id = e.line_id
            WHERE l.menu_quantity IS DISTINCT FROM 1
            """,
            (object)lowered.Select(c => c.OrderId).ToArray(),
            (object)lowered.Select(c => c.LineId!).ToArray());
        return (int)(notCancelled + notLowered);
    }

    /// <summary>A fault every interval while orders are written (or once of each kind for a short run).</summary>
    private async Task<List<Fault>> InjectAsync(OrbitalAppFixture app, ServiceInstances instances, Task writer)
    {
        var injector = new FaultInjector(app, instances, settings.Outage);
        var faults = new List<Fault>();
        while (true)
        {
            if (settings.OneOfEach ? faults.Count == _kinds.Length : writer.IsCompleted)
            {
                return faults;
            }

            // A short run injects one fault of each kind, even if the last ones come after the writing ended.
            var wait = Task.Delay(settings.FaultInterval);
            if (await Task.WhenAny(wait, writer) == writer && !settings.OneOfEach)
            {
                return faults;
            }

            await wait;

            var kind = _kinds[faults.Count % _kinds.Length];
            Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} fault {faults.Count + 1}: {kind}");
            faults.Add(await injector.InjectAsync(faults.Count + 1, kind));
        }
    }

    private static async Task<Dictionary<string, DateTime>> SettleAsync(OrbitalAppFixture app, List<string> ids, TimeSpan timeout)
    {
        Dictionary<string, DateTime> received = [];
        await WaitForAsync(async () => (received = await app.Kitchen.ReceivedAtAsync(ids)).Count == ids.Count, timeout);
        return received;
    }

    private static async Task<List<long>> EventIdsAsync(OrbitalAppFixture app)
    {
        var ids = await app.Kitchen.ScalarAsync<string>("SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '') FROM kitchen_events");
        return ids.Length == 0 ? [] : [.. ids.Split(',').Select(id => long.Parse(id, CultureInfo.InvariantCulture))];
    }

    /// <summary>All order service instances healthy, none holding an order, exactly one leading the listener.</summary>
    public static bool Settles(IReadOnlyList<OrderServiceHealth> services)
        => services.All(s => s.Healthy && !s.HoldsOrder) && services.Count(s => s.Leads) == 1;

    /// <summary>Each order service instance's own <c>/health</c> (not the shared endpoint, which any of them may answer).</summary>
    private static async Task<List<OrderServiceHealth>> HealthAsync(ServiceInstances instances)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var reports = new List<OrderServiceHealth>();
        foreach (var instance in instances.Of("order-management"))
        {
            using var response = await client.GetAsync(new Uri(instance.Http!, "/health"));
            reports.Add(new OrderServiceHealth(instance.Id, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone()));
        }

        return reports;
    }

    private static Task WaitForAsync(Func<bool> condition, TimeSpan timeout) => WaitForAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The app is still recovering; ask again.
            }

            await Task.Delay(500);
        }
    }
}

/// <summary>How a chaos run is shaped.</summary>
internal sealed record ChaosSettings(int Orders, double OrdersPerSecond, int Screens, TimeSpan FaultInterval, TimeSpan Outage, bool OneOfEach, int Replicas)
{
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromMinutes(5);
}

/// <summary>What one screen saw against what the kitchen's event table holds.</summary>
internal sealed record ScreenResult(int Received, int Duplicates, int OutOfOrder, int Missing, int Connections, int Refusals, int Resets)
{
    public bool Perfect => Duplicates == 0 && OutOfOrder == 0 && Missing == 0 && Refusals == 0 && Resets == 0;

    public static ScreenResult Of(ChaosScreen screen, IReadOnlyList<long> events)
    {
        var received = screen.Received;
        var outOfOrder = received.Zip(received.Skip(1)).Count(pair => pair.Second <= pair.First);
        var distinct = received.ToHashSet();
        return new ScreenResult(
            received.Count,
            received.Count - distinct.Count,
            outOfOrder,
            events.Count(id => !distinct.Contains(id)),
            screen.Connections,
            screen.Refusals,
            screen.Resets);
    }
}

/// <summary>Everything a chaos run found.</summary>
internal sealed record ChaosResult(
    ChaosSettings Settings,
    string MongoDB,
    DateTime StartedAt,
    TimeSpan WriteSpan,
    IReadOnlyList<Fault> Faults,
    int Written,
    int Lost,
    int Duplicated,
    int Changes,
    int ChangesMissed,
    IReadOnlyList<long> Events,
    IReadOnlyList<ScreenResult> Screens,
    IReadOnlyList<OrderServiceHealth> OrderServices)
{
    /// <summary>Every order service instance is healthy and holds no order, and exactly one leads the listener.</summary>
    public bool OrderServiceHoldsNothing => OrderServices.Count == Settings.Replicas && ChaosRun.Settles(OrderServices);

    public bool Passed => Lost == 0 && Duplicated == 0 && ChangesMissed == 0 && Screens.All(s => s.Perfect) && OrderServiceHoldsNothing;
}

/// <summary>One order service instance's health report at the end of a run.</summary>
internal sealed record OrderServiceHealth(string Instance, JsonElement Report)
{
    private JsonElement? Listener => Report.TryGetProperty("checks", out var checks) && checks.TryGetProperty("order-listener", out var listener) && listener.TryGetProperty("data", out var data) ? data : null;

    public bool Healthy => Report.TryGetProperty("status", out var status) && status.GetString() == "Healthy";

    public bool HoldsOrder => Listener is { } data && data.TryGetProperty("heldOrder", out _);

    public bool Leads => Listener is { } data && data.TryGetProperty("leads", out var leads) && leads.ValueKind == JsonValueKind.True;
}

/// <summary>A change the platform made to an order during the run: its first line lowered to one, or the order cancelled.</summary>
internal sealed record OrderChangeWritten(string OrderId, string? LineId, bool Cancelled);
