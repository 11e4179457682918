using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orbital.Contracts.Orders;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Screens;

/// <summary>The kitchen's event stream over real sockets: order, replay after a reconnect, filters, heartbeats.</summary>
[Collection(PostgresCollection.Name)]
public sealed class KitchenEventStreamTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private KitchenAppFactory _kitchen = null!;
    private KitchenApiClient _api = null!;
    private OrderIntake.OrderIntakeClient _intake = null!;
    private readonly string _station = $"Grill-{Guid.NewGuid():N}"[..14];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, builder =>
            builder.UseSetting("KitchenEvents:HeartbeatInterval", "00:00:00.300"));
        _intake = _kitchen.CreateIntakeClient();
        _api = new KitchenApiClient(_kitchen.CreateHttpClient(), _intake);
    }

    public async ValueTask DisposeAsync()
    {
        _api.Http.Dispose();
        await _kitchen.DisposeAsync();
    }

    [Fact]
    public async Task The_stream_is_unbuffered_uncompressed_event_stream_that_says_how_soon_to_reconnect()
    {
        await using var client = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!);
        var first = await client.NextAsync(TimeSpan.FromSeconds(5), includeHeartbeats: true);

        Assert.Equal(HttpStatusCode.OK, client.Response.StatusCode);
        Assert.Equal("text/event-stream", client.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["identity"], client.Response.Content.Headers.ContentEncoding);
        Assert.Contains("no-cache", client.Response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal("no", client.Response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.Equal("heartbeat", first?.EventType);
        Assert.Equal(TimeSpan.FromSeconds(2), first?.ReconnectionInterval);
    }

    [Fact]
    public async Task Changes_arrive_in_order_typed_and_numbered()
    {
        await using var client = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!);
        var orderId = $"{_station}-order";

        await _api.SubmitAsync(orderId, DateTime.UtcNow, (_station, "Burger", 2));
        var burger = await _api.BatchItemAsync(_station, "Burger");
        (await _api.PostAsync(burger.Id, "start", new { quantity = 2 })).Dispose();
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 2 })).Dispose();
        var events = await client.TakeUntilAsync(e => e.EventType == "order.ready");

        Assert.Equal(
            ["order.received", "batch.updated", "batch.started", "batch.updated", "batch.completed", "batch.updated", "order.ready"],
            events.Select(e => e.EventType));
        var ids = events.Select(e => long.Parse(e.EventId!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var finalState = JsonDocument.Parse(events[5].Data).RootElement;
        Assert.Equal((0, 0), (finalState.GetProperty("openQuantity").GetInt32(), finalState.GetProperty("inProgressQuantity").GetInt32()));
        Assert.Equal(orderId, JsonDocument.Parse(events[6].Data).RootElement.GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task A_reconnect_with_Last_Event_ID_replays_exactly_the_missed_events()
    {
        string lastSeen;
        await using (var first = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, $"?station={_station}"))
        {
            await _api.SubmitAsync($"{_station}-a", DateTime.UtcNow, (_station, "Burger", 3));
            lastSeen = (await first.TakeUntilAsync(e => e.EventType == "batch.updated")).Last().EventId!;
        }

        // While the screen is away: more orders, a start and a completion, and traffic at another station.
        await _api.SubmitAsync($"{_station}-b", DateTime.UtcNow, (_station, "Burger", 1), (_station, "Fries", 2));
        await _api.SubmitAsync($"{_station}-elsewhere", DateTime.UtcNow, ("Another Station", "Soup", 1));
        var burger = await _api.BatchItemAsync(_station, "Burger");
        (await _api.PostAsync(burger.Id, "start", new { quantity = 2 })).Dispose();
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 4 })).Dispose();
        var missed = await MissedEventIdsAsync(long.Parse(lastSeen, System.Globalization.CultureInfo.InvariantCulture), _station);

        await using var again = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, $"?station={_station}", lastEventId: lastSeen);
        var replayed = await again.TakeAsync(missed.Count);
        var extra = await again.NextAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(missed, replayed.Select(e => e.EventId));
        Assert.Null(extra);
        Assert.DoesNotContain(replayed, e => e.Data.Contains("Another Station", StringComparison.Ordinal) && e.EventType == "batch.updated");
    }

    [Fact]
    public async Task A_client_that_cannot_set_headers_resumes_with_the_query_parameter()
    {
        await _api.SubmitAsync($"{_station}-q1", DateTime.UtcNow, (_station, "Burger", 1));
        var lastEventId = (await _api.StationAsync(_station)).LastEventId;
        await _api.SubmitAsync($"{_station}-q2", DateTime.UtcNow, (_station, "Burger", 1));
        var missed = await MissedEventIdsAsync(lastEventId, _station);

        await using var client = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, $"?station={_station}&lastEventId={lastEventId}");

        Assert.Equal(missed, (await client.TakeAsync(missed.Count)).Select(e => e.EventId));
    }

    [Fact]
    public async Task A_station_filtered_stream_carries_that_stations_events_and_the_ones_for_every_screen()
    {
        await using var client = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, $"?station={_station}");

        await _api.SubmitAsync($"{_station}-other", DateTime.UtcNow, ("Another Station", "Soup", 1));
        await _api.SubmitAsync($"{_station}-mine", DateTime.UtcNow, (_station, "Burger", 1));
        var events = await client.TakeUntilAsync(e => e.EventType == "batch.updated");

        Assert.Equal(["order.received", "order.received", "batch.updated"], events.Select(e => e.EventType));
        Assert.Equal(_station, JsonDocument.Parse(events[2].Data).RootElement.GetProperty("station").GetString());
    }

    [Fact]
    public async Task A_quiet_stream_gets_heartbeats()
    {
        await using var client = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, "?station=Silent%20Station");

        var heartbeats = new List<SseItem<string>>();
        for (var i = 0; i < 4; i++)
        {
            heartbeats.Add((await client.NextAsync(TimeSpan.FromSeconds(5), includeHeartbeats: true))!.Value);
        }

        Assert.All(heartbeats, h => Assert.Equal("heartbeat", h.EventType));
        Assert.All(heartbeats, h => Assert.Null(h.EventId));
    }

    [Fact]
    public async Task Under_concurrent_writers_a_live_screen_receives_every_event_exactly_once()
    {
        await using var client = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!);
        await client.NextAsync(TimeSpan.FromSeconds(5), includeHeartbeats: true);
        var before = await Database.ScalarAsync<long>("SELECT COALESCE(max(id), 0) FROM kitchen_events");

        // Eight writers at once: sequence values are taken and committed in different orders.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                await _api.SubmitAsync($"{_station}-w{writer}-{i}", DateTime.UtcNow, ("Gap Station", $"Item {writer}", 1));
            }
        })));
        var expected = await MissedEventIdsAsync(before, station: null);
        var received = new List<SseItem<string>>();
        while (received.Count < expected.Count && await client.NextAsync(TimeSpan.FromSeconds(10)) is { } item)
        {
            received.Add(item);
        }

        Assert.Equal(expected, received.Select(e => e.EventId));

        Assert.Equal(expected, received.Select(e => e.EventId));
    }

    [Fact]
    public async Task A_malformed_Last_Event_ID_is_400_with_a_problem_detail()
    {
        using var http = _kitchen.CreateHttpClient();

        using var response = await http.GetAsync("/api/events?lastEventId=yesterday", Cancellation);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("yesterday", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private KitchenDatabase Database => _kitchen.Database;

    /// <summary>The ids a screen should get after <paramref name="after"/>: the events table is the truth.</summary>
    private async Task<List<string?>> MissedEventIdsAsync(long after, string? station)
    {
        var ids = await Database.ScalarAsync<long[]>(
            "SELECT COALESCE(array_agg(id ORDER BY id), '{}') FROM kitchen_events WHERE id > $1 AND ($2::text IS NULL OR station IS NULL OR station = $2)",
            after,
            (object?)station ?? DBNull.Value);
        return [.. ids.Select(id => (string?)id.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }
}
