using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Production;
using Orbital.KitchenBatch.Stations;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Analytics;

/// <summary>
/// What the kitchen learns from its own work, computed from batches and orders whose times the test sets (a
/// <see cref="FakeTimeProvider"/>): ticket and prep times, batch sizes, late orders, waste and surplus given out; the
/// learned prep time feeding fire times; and who may read it (the manager key, a manager device, never a screen).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KitchenAnalyticsTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset s_start = WholeHour(DateTimeOffset.UtcNow);

    private readonly FakeTimeProvider _time = new(s_start);
    private readonly string _grill = $"Grill-{Guid.NewGuid():N}"[..14];
    private KitchenAppFactory _kitchen = null!;
    private HttpClient _manager = null!;
    private OrderIntake.OrderIntakeClient _intake = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _kitchen = await KitchenAppFactory.StartAsync(postgres, builder =>
        {
            builder.UseSetting("Kitchen:Production:Learning:MinimumSamples", "2");
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(_time));
        });
        _intake = _kitchen.CreateIntakeClient();
        _manager = _kitchen.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _manager.Dispose();
        await _kitchen.DisposeAsync();
    }

    [Fact]
    public async Task Each_figure_is_computed_from_the_batches_and_orders_of_the_period()
    {
        // Three orders at the start: due in 5, 10 and 20 minutes, one, two and one patty.
        await SubmitAsync("late", "Smash Co", dueIn: 5, quantity: 1);
        await SubmitAsync("on-time", "Smash Co", dueIn: 10, quantity: 2);
        await SubmitAsync("other-brand", "Burger Lab", dueIn: 20, quantity: 1);

        // One batch of 4, started at +1 min and completed at +6: the order due at +5 is late.
        var patty = await BatchItemIdAsync();
        await AtAsync(1, () => ActAsync(patty, "start", 4));
        await AtAsync(6, () => ActAsync(patty, "complete", 4));

        // A fourth order at +9, cooked alone from +10 to +12, then cancelled: its patty is surplus, thrown away as cold.
        _time.SetUtcNow(s_start.AddMinutes(9));
        await SubmitAsync("cancelled", "Burger Lab", dueIn: 30 - 9, quantity: 1);
        await AtAsync(10, () => ActAsync(patty, "start", 1));
        await AtAsync(12, () => ActAsync(patty, "complete", 1));
        _time.SetUtcNow(s_start.AddMinutes(13));
        await _intake.CancelOrderAsync(new OrderCancellation { OrderId = Id("cancelled"), Revision = 20, Reason = "customer cancelled" }, cancellationToken: Cancellation);
        using (var discard = await _manager.PostAsJsonAsync($"/api/surplus/{patty}/discard", new { quantity = 1, reason = "cold" }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, discard.StatusCode);
        }

        _time.SetUtcNow(s_start.AddMinutes(30));
        var analytics = await AnalyticsAsync($"from={Iso(s_start)}&to={Iso(s_start.AddHours(1))}&bucketMinutes=15");
        var totals = analytics.GetProperty("totals");
        Assert.Equal(3, totals.GetProperty("orders").GetInt32());
        Assert.Equal(3, totals.GetProperty("readyOrders").GetInt32());
        Assert.Equal(1, totals.GetProperty("lateOrders").GetInt32());
        Assert.Equal(4, totals.GetProperty("items").GetInt32());
        Assert.Equal(2, totals.GetProperty("batches").GetInt32());
        Assert.Equal(2.5, totals.GetProperty("averageBatchSize").GetDouble());
        Assert.Equal(1, totals.GetProperty("wasted").GetInt32());

        // Prep: 300 s and 120 s; median 210, 90th percentile 282 (interpolated). Tickets: three orders ready after 360 s.
        AssertPercentiles(totals.GetProperty("prepSeconds"), 210, 282, 2);
        AssertPercentiles(totals.GetProperty("ticketSeconds"), 360, 360, 3);

        // By 15-minute bucket: everything in the first, nothing after.
        var timeline = analytics.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(4, timeline.Count);
        Assert.Equal((3, 3, 1, 2, 1), (timeline[0].GetProperty("orders").GetInt32(), timeline[0].GetProperty("readyOrders").GetInt32(), timeline[0].GetProperty("lateOrders").GetInt32(), timeline[0].GetProperty("batches").GetInt32(), timeline[0].GetProperty("wasted").GetInt32()));
        Assert.All(timeline.Skip(1), bucket => Assert.Equal(0, bucket.GetProperty("orders").GetInt32()));

        // By brand and station.
        var brands = analytics.GetProperty("brands").EnumerateArray().ToDictionary(b => b.GetProperty("brand").GetString()!);
        Assert.Equal((2, 1), (brands["Smash Co"].GetProperty("orders").GetInt32(), brands["Smash Co"].GetProperty("lateOrders").GetInt32()));
        Assert.Equal((1, 0), (brands["Burger Lab"].GetProperty("orders").GetInt32(), brands["Burger Lab"].GetProperty("lateOrders").GetInt32()));
        var station = Assert.Single(analytics.GetProperty("stations").EnumerateArray(), s => s.GetProperty("station").GetString() == _grill);
        Assert.Equal((4, 2, 1, 1), (station.GetProperty("items").GetInt32(), station.GetProperty("batches").GetInt32(), station.GetProperty("lateLines").GetInt32(), station.GetProperty("wasted").GetInt32()));

        // The production item: its batches, sizes and prep times, the configured (the 8-minute default) and learned ones.
        var item = Assert.Single(analytics.GetProperty("productionItems").EnumerateArray(), i => i.GetProperty("station").GetString() == _grill);
        Assert.Equal(("Smash patty", 2, 5), (item.GetProperty("name").GetString(), item.GetProperty("batches").GetInt32(), item.GetProperty("items").GetInt32()));
        Assert.Equal(480, item.GetProperty("configuredPrepSeconds").GetInt32());
        Assert.Equal(1, item.GetProperty("wasted").GetInt32());
        var sizes = analytics.GetProperty("batchSizes").EnumerateArray().Select(s => (s.GetProperty("size").GetInt32(), s.GetProperty("batches").GetInt32())).ToList();
        Assert.Equal([(1, 1), (4, 1)], sizes);
        var waste = Assert.Single(analytics.GetProperty("waste").EnumerateArray());
        Assert.Equal(("cold", 1), (waste.GetProperty("reason").GetString(), waste.GetProperty("quantity").GetInt32()));

        // A period that ends before anything happened has nothing in it.
        var empty = (await AnalyticsAsync($"from={Iso(s_start.AddHours(-2))}&to={Iso(s_start)}")).GetProperty("totals");
        Assert.Equal((0, 0), (empty.GetProperty("orders").GetInt32(), empty.GetProperty("batches").GetInt32()));
    }

    [Fact]
    public async Task The_learned_prep_time_sets_fire_times_once_there_are_enough_batches()
    {
        var patty = 0L;
        for (var i = 0; i < 2; i++)
        {
            // Batches of one that take 3 minutes (the configured default is 8).
            await SubmitAsync($"batch-{i}", "Smash Co", dueIn: 10, quantity: 1);
            patty = await BatchItemIdAsync();
            await ActAsync(patty, "start", 1);
            _time.Advance(TimeSpan.FromMinutes(3));
            await ActAsync(patty, "complete", 1);
            Assert.Equal(i == 0 ? 480 : 180, await LearnAsync(i == 0 ? 480 : 180));
        }

        // A new order fires 3 minutes before its due time, no longer 8.
        var now = _time.GetUtcNow();
        await SubmitAsync("after-learning", "Smash Co", dueIn: 60, quantity: 1);
        var production = await _manager.GetFromJsonAsync<JsonElement>("/api/production-items", Cancellation);
        var item = Assert.Single(production.EnumerateArray(), p => p.GetProperty("station").GetString() == _grill);
        Assert.Equal((180, "learned", 480, 180, 2), (
            item.GetProperty("prepSeconds").GetInt32(),
            item.GetProperty("prepTimeSource").GetString(),
            item.GetProperty("configuredPrepSeconds").GetInt32(),
            item.GetProperty("learnedPrepSeconds").GetInt32(),
            item.GetProperty("learnedSamples").GetInt32()));
        var board = (await _manager.GetFromJsonAsync<StationBoardView>($"/api/stations/{Uri.EscapeDataString(_grill)}/board", KitchenJson.Options, Cancellation))!;
        var schedule = Assert.Single(Assert.Single(board.Items).Schedule);
        Assert.Equal(schedule.DueAt.AddSeconds(-180), schedule.FireAt);
        Assert.True(schedule.DueAt >= now.AddMinutes(59));
    }

    [Fact]
    public async Task Only_the_manager_key_and_manager_devices_read_the_analytics_and_bad_periods_are_refused()
    {
        var screen = await DeviceTokenAsync(new { name = "grill screen" });
        var managerDevice = await DeviceTokenAsync(new { name = "manager tablet", role = "manager" });
        using var asScreen = _kitchen.CreateHttpClient(screen);
        using var asManagerDevice = _kitchen.CreateHttpClient(managerDevice);
        using var anonymous = _kitchen.CreateHttpClient(token: null);

        Assert.Equal(HttpStatusCode.Forbidden, (await asScreen.GetAsync("/api/analytics", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/analytics", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await asManagerDevice.GetAsync("/api/analytics", Cancellation)).StatusCode);

        // A manager device reads; it does not manage: devices and the menu stay with the manager key.
        Assert.Equal(HttpStatusCode.Forbidden, (await asManagerDevice.GetAsync("/api/devices", Cancellation)).StatusCode);

        // Its role is shown to managers, and a role that does not exist is refused.
        var devices = await _manager.GetFromJsonAsync<JsonElement>("/api/devices", Cancellation);
        Assert.Contains(devices.EnumerateArray(), d => d.GetProperty("name").GetString() == "manager tablet" && d.GetProperty("role").GetString() == "manager");
        using (var chef = await _manager.PostAsJsonAsync("/api/devices/pairing-codes", new { name = "x", role = "chef" }, Cancellation))
        {
            await AssertProblemAsync(chef, "role");
        }

        await AssertProblemAsync(await _manager.GetAsync($"/api/analytics?from={Iso(s_start)}&to={Iso(s_start.AddHours(-1))}", Cancellation), "from");
        await AssertProblemAsync(await _manager.GetAsync($"/api/analytics?from={Iso(s_start.AddDays(-60))}&to={Iso(s_start)}", Cancellation), "to");
        await AssertProblemAsync(await _manager.GetAsync("/api/analytics?bucketMinutes=1", Cancellation), "bucketMinutes");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string field)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"The problem names '{field}': {problem}");
        }
    }

    private static void AssertPercentiles(JsonElement percentiles, double p50, double p90, int count)
        => Assert.Equal((p50, p90, count), (percentiles.GetProperty("p50").GetDouble(), percentiles.GetProperty("p90").GetDouble(), percentiles.GetProperty("count").GetInt32()));

    private static DateTimeOffset WholeHour(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerHour), TimeSpan.Zero);

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    private string Id(string name) => $"{_grill}-{name}";

    private async Task<JsonElement> AnalyticsAsync(string query)
    {
        using var response = await _manager.GetAsync($"/api/analytics?{query}", Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    /// <summary>Learns the prep times as the kitchen does every minute; returns the fire-time prep of the patty.</summary>
    private async Task<int> LearnAsync(int expected)
    {
        await using var scope = _kitchen.Services.CreateAsyncScope();
        var catalog = scope.ServiceProvider.GetRequiredService<ProductionCatalog>();
        var changed = await catalog.LearnAsync(scope.ServiceProvider.GetRequiredService<KitchenDbContext>(), Cancellation);
        await scope.ServiceProvider.GetRequiredService<ProductionService>().CatchUpAsync([], changed, Cancellation);
        var seconds = catalog.PrepSecondsOf(_grill, "Smash patty");
        Assert.Equal(expected, seconds);
        return seconds;
    }

    private async Task<string> DeviceTokenAsync(object request)
    {
        using var response = await _manager.PostAsJsonAsync("/api/devices", request, Cancellation);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("token").GetString()!;
    }

    private async Task AtAsync(int minute, Func<Task> action)
    {
        _time.SetUtcNow(s_start.AddMinutes(minute));
        await action();
    }

    private async Task ActAsync(long batchItemId, string action, int quantity)
    {
        using var response = await _manager.PostAsJsonAsync($"/api/batch-items/{batchItemId}/{action}", new { quantity }, Cancellation);
        Assert.True(response.IsSuccessStatusCode, $"{action} {quantity}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancellation)}");
    }

    private async Task<long> BatchItemIdAsync()
    {
        var board = (await _manager.GetFromJsonAsync<StationBoardView>($"/api/stations/{Uri.EscapeDataString(_grill)}/board", KitchenJson.Options, Cancellation))!;
        return Assert.Single(board.Items).Id;
    }

    private async Task SubmitAsync(string name, string brand, int dueIn, int quantity)
    {
        var now = _time.GetUtcNow();
        var request = Orders.Request(Id(name), (_grill, "Smash patty", quantity));
        request.Brand = brand;
        request.PlacedAt = Timestamp.FromDateTimeOffset(now);
        request.DueAt = Timestamp.FromDateTimeOffset(now.AddMinutes(dueIn));
        request.Revision = 10;
        await _intake.SubmitOrderAsync(request, cancellationToken: Cancellation);
    }
}
