using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Intake;
using Orbital.KitchenBatch.Screens;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Screens;

/// <summary>
/// Screens stay live through what happens to a kitchen: a start while its database is down, a database restored
/// behind the screens' backs, and a shutdown with screens connected. Over real sockets.
/// </summary>
public sealed class ScreenRecoveryTests
{
    private static readonly Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder> s_fast = builder =>
    {
        builder.UseSetting("KitchenEvents:HeartbeatInterval", "00:00:00.300");
        builder.UseSetting("KitchenEvents:PollInterval", "00:00:00.100");
        builder.UseSetting("Backoff:Initial", "00:00:00.100");
        builder.UseSetting("Backoff:Maximum", "00:00:00.500");
    };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_screen_that_connects_while_the_database_is_down_gets_200_and_heartbeats_then_the_orders_once_it_is_back()
    {
        await using var postgres = new LocalPostgresServer();
        await postgres.InitializeAsync();
        var database = await postgres.CreateDatabaseAsync("kitchen");
        await postgres.StopAsync();
        await using var kitchen = await KitchenAppFactory.StartOnKestrelAsync(database, s_fast, waitForSchema: false);

        await using var screen = await SseTestClient.ConnectAsync(kitchen.HttpAddress!);
        var whileDown = new[]
        {
            await screen.NextAsync(TimeSpan.FromSeconds(5), includeHeartbeats: true),
            await screen.NextAsync(TimeSpan.FromSeconds(5), includeHeartbeats: true),
            await screen.NextAsync(TimeSpan.FromSeconds(5), includeHeartbeats: true),
        };
        await postgres.StartAsync();
        using var api = new KitchenApiClient(kitchen.CreateHttpClient(), kitchen.CreateIntakeClient());
        await Eventually.HoldsAsync(async () => (await api.Http.GetAsync("/health", Cancellation)).IsSuccessStatusCode, "the kitchen is healthy");
        await api.SubmitAsync("screen-after-start", DateTime.UtcNow, ("Start Station", "Burger", 1));
        var received = await screen.NextAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, screen.Response.StatusCode);
        Assert.All(whileDown, item => Assert.Equal("heartbeat", item?.EventType));
        Assert.Equal(TimeSpan.FromSeconds(2), whileDown[0]?.ReconnectionInterval);
        Assert.Equal("order.received", received?.EventType);
    }

    [Fact]
    public async Task A_screen_that_connected_while_the_kitchen_started_sees_the_orders_taken_before_it_was_served()
    {
        await using var postgres = new LocalPostgresServer();
        await postgres.InitializeAsync();
        await using var kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, s_fast);
        var schema = kitchen.Services.GetRequiredService<KitchenSchemaState>();
        Assert.Equal(0, kitchen.Services.GetRequiredService<KitchenEventDispatcher>().StartedAfter);

        // The start replayed: a screen connects while the schema is not ready, and is only served (its request's task
        // woke late on a busy machine, or its device was being looked up) after the kitchen took an order.
        schema.MarkWaiting("the test replays a start", DateTimeOffset.UtcNow);
        await using var screen = await SseTestClient.ConnectAsync(kitchen.HttpAddress!);
        Assert.Equal("heartbeat", (await screen.NextAsync(TimeSpan.FromSeconds(5), includeHeartbeats: true))?.EventType);
        await using (var scope = kitchen.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<KitchenOrderIntake>().AcceptAsync(Orders.Request("screen-taken-meanwhile", ("Start Station", "Burger", 1)), Cancellation);
        }

        schema.MarkReady();
        var received = await screen.NextAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("order.received", received?.EventType);
        Assert.Equal("screen-taken-meanwhile", JsonDocument.Parse(received!.Value.Data).RootElement.GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task A_Last_Event_ID_ahead_of_the_newest_event_gets_a_reset_with_the_newest_id_and_then_live_events()
    {
        await using var postgres = new LocalPostgresServer();
        await postgres.InitializeAsync();
        await using var kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, s_fast);
        using var api = new KitchenApiClient(kitchen.CreateHttpClient(), kitchen.CreateIntakeClient());
        await api.SubmitAsync("screen-before-restore", DateTime.UtcNow, ("Reset Station", "Burger", 1));
        var newest = await NewestEventIdAsync(kitchen);

        await using var screen = await SseTestClient.ConnectAsync(kitchen.HttpAddress!, lastEventId: (newest + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var reset = await screen.NextAsync(TimeSpan.FromSeconds(5));
        await api.SubmitAsync("screen-after-reset", DateTime.UtcNow, ("Reset Station", "Burger", 1));
        var next = await screen.NextAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("reset", reset?.EventType);
        Assert.Equal(newest.ToString(System.Globalization.CultureInfo.InvariantCulture), reset?.EventId);
        Assert.Equal(newest, JsonDocument.Parse(reset!.Value.Data).RootElement.GetProperty("lastEventId").GetInt64());
        Assert.Equal(newest + 1, long.Parse(next!.Value.EventId!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task When_the_events_table_goes_back_every_connected_screen_is_reset_and_receives_the_new_events()
    {
        await using var postgres = new LocalPostgresServer();
        await postgres.InitializeAsync();
        await using var kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, s_fast);
        using var api = new KitchenApiClient(kitchen.CreateHttpClient(), kitchen.CreateIntakeClient());
        await api.SubmitAsync("screen-kept", DateTime.UtcNow, ("Restore Station", "Burger", 1));
        var restoredTo = await NewestEventIdAsync(kitchen);
        await using var screen = await SseTestClient.ConnectAsync(kitchen.HttpAddress!);
        await api.SubmitAsync("screen-lost-in-restore", DateTime.UtcNow, ("Restore Station", "Fries", 1));
        var beforeRestore = await screen.TakeAsync(2);

        // A restore from a backup taken at 'restoredTo': the later events and the sequence go back.
        var database = kitchen.Database;
        await database.ExecuteAsync($"DELETE FROM kitchen_events WHERE id > {restoredTo}; ALTER TABLE kitchen_events ALTER COLUMN id RESTART WITH {restoredTo + 1};");
        var reset = await screen.NextAsync(TimeSpan.FromSeconds(10));
        await api.SubmitAsync("screen-after-restore", DateTime.UtcNow, ("Restore Station", "Burger", 1));
        var afterRestore = await screen.NextAsync(TimeSpan.FromSeconds(10));

        Assert.All(beforeRestore, e => Assert.True(long.Parse(e.EventId!, System.Globalization.CultureInfo.InvariantCulture) > restoredTo));
        Assert.Equal("reset", reset?.EventType);
        Assert.Equal(restoredTo.ToString(System.Globalization.CultureInfo.InvariantCulture), reset?.EventId);
        Assert.Equal((restoredTo + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), afterRestore?.EventId);
    }

    [Fact]
    public async Task A_replay_that_events_were_pruned_under_resets_the_screen_instead_of_skipping_them()
    {
        await using var postgres = new LocalPostgresServer();
        await postgres.InitializeAsync();
        await using var kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, s_fast);
        using var api = new KitchenApiClient(kitchen.CreateHttpClient(), kitchen.CreateIntakeClient());
        await api.SubmitAsync("pruned-first", DateTime.UtcNow, ("Pruned Station", "Burger", 1));
        var seen = await NewestEventIdAsync(kitchen);
        for (var i = 0; i < 4; i++)
        {
            await api.SubmitAsync($"pruned-{i}", DateTime.UtcNow, ("Pruned Station", "Burger", 1));
        }

        // What pruning does when it runs between a replay's depth check (the screen is well within the retained
        // events) and its first page: the events just after the screen's last one are gone.
        await kitchen.Database.ExecuteAsync($"UPDATE kitchen_event_horizon SET pruned_through = {seen + 2}; DELETE FROM kitchen_events WHERE id <= {seen + 2};");
        await using var screen = await SseTestClient.ConnectAsync(kitchen.HttpAddress!, query: "?station=Pruned%20Station", lastEventId: seen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var first = await screen.NextAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("reset", first?.EventType);
        Assert.Equal(await NewestEventIdAsync(kitchen), long.Parse(first!.Value.EventId!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task The_kitchen_stops_within_five_seconds_with_a_hundred_screens_connected_and_their_streams_end()
    {
        await using var postgres = new LocalPostgresServer();
        await postgres.InitializeAsync();
        var kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, s_fast);
        var screens = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => SseTestClient.ConnectAsync(kitchen.HttpAddress!)));
        await Task.WhenAll(screens.Select(s => s.NextAsync(TimeSpan.FromSeconds(10), includeHeartbeats: true)));

        var clock = Stopwatch.StartNew();
        await kitchen.DisposeAsync();
        var stopped = clock.Elapsed;
        var ended = await Task.WhenAll(screens.Select(s => s.Ended.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default)));

        Assert.True(stopped < TimeSpan.FromSeconds(5), $"the kitchen took {stopped.TotalSeconds:0.0} s to stop");
        Assert.All(ended, Assert.True);
        foreach (var screen in screens)
        {
            await screen.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_board_snapshot_taken_while_orders_become_ready_lists_exactly_those_ready_by_its_event_id()
    {
        await using var postgres = new LocalPostgresServer();
        await postgres.InitializeAsync();
        await using var kitchen = await KitchenAppFactory.StartAsync(postgres);
        using var api = new KitchenApiClient(kitchen.CreateClient(), kitchen.CreateIntakeClient());
        const int Orders = 30;
        for (var i = 0; i < Orders; i++)
        {
            await api.SubmitAsync($"snapshot-{i:D2}", DateTime.UtcNow.AddMinutes(-Orders + i), ("Snapshot Station", "Burger", 1));
        }

        var burger = await api.BatchItemAsync("Snapshot Station", "Burger");
        var cooking = Task.Run(async () =>
        {
            for (var i = 0; i < Orders; i++)
            {
                (await api.PostAsync(burger.Id, "complete", new { quantity = 1 })).EnsureSuccessStatusCode();
            }
        }, Cancellation);
        var snapshots = new List<JsonElement>();
        while (!cooking.IsCompleted || snapshots.Count == 0)
        {
            snapshots.Add(await KitchenApiClient.JsonAsync(await api.Http.GetAsync("/api/stations/Snapshot%20Station/board", Cancellation)));
        }

        await cooking;
        var readyAt = await ReadyEventIdsAsync(kitchen);

        Assert.Equal(Orders, readyAt.Count);
        Assert.All(snapshots, snapshot =>
        {
            var lastEventId = snapshot.GetProperty("lastEventId").GetInt64();
            var listed = snapshot.GetProperty("readyOrders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!).Order().ToList();
            var readyBy = readyAt.Where(r => r.Value <= lastEventId).Select(r => r.Key).Order().ToList();
            Assert.Equal(readyBy, listed);
        });
    }

    private static async Task<Dictionary<string, long>> ReadyEventIdsAsync(KitchenAppFactory kitchen)
    {
        var database = kitchen.Database;
        var pairs = await database.ScalarAsync<string>("SELECT string_agg((payload::json->>'orderId') || '=' || id, ',') FROM kitchen_events WHERE type = 'order.ready'");
        return pairs.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<long> NewestEventIdAsync(KitchenAppFactory kitchen)
        => await kitchen.Database
            .ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM kitchen_events");
}
