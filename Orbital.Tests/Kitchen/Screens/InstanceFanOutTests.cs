using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orbital.KitchenBatch.Devices;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Screens;

/// <summary>
/// Two kitchen instances on one PostgreSQL, as replicas run: a screen on one sees what the other committed at once,
/// through LISTEN/NOTIFY, not the poll.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class InstanceFanOutTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private KitchenAppFactory _writer = null!;
    private KitchenAppFactory _screens = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _writer = await KitchenAppFactory.StartOnKestrelAsync(postgres);

        // The screens' instance would look for other instances' events only every 10 minutes if it had to poll.
        _screens = await KitchenAppFactory.StartOnKestrelAsync(_writer.ConnectionString, builder =>
        {
            builder.UseSetting("Kitchen:Events:PollInterval", "00:01:00");
            builder.UseSetting("Kitchen:Events:ListeningPollInterval", "00:10:00");
            builder.UseSetting("Kitchen:Auth:RevocationRefresh", "00:01:00");
        }, waitForSchema: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _screens.DisposeAsync();
        await _writer.DisposeAsync();
    }

    [Fact]
    public async Task An_event_committed_by_one_instance_reaches_a_screen_on_another_at_once()
    {
        var notifications = _screens.Services.GetRequiredService<KitchenEventNotifications>();
        await Eventually.HoldsAsync(() => Task.FromResult(notifications.IsListening), "the screens' instance listens");
        await using var screen = await SseTestClient.ConnectAsync(_screens.HttpAddress!);
        Assert.Equal("heartbeat", (await screen.NextAsync(TimeSpan.FromSeconds(5), includeHeartbeats: true))?.EventType);

        var orderId = $"fan-out-{Guid.NewGuid():N}";
        var api = new KitchenApiClient(_writer.CreateHttpClient(), _writer.CreateIntakeClient());
        await api.SubmitAsync(orderId, DateTime.UtcNow, ("Fan Grill", "Burger", 1));
        var received = await screen.NextAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("order.received", received?.EventType);
        Assert.Equal(orderId, JsonDocument.Parse(received!.Value.Data).RootElement.GetProperty("orderId").GetString());
        api.Http.Dispose();
    }

    [Fact]
    public async Task A_device_revoked_on_one_instance_loses_its_stream_on_another_at_once()
    {
        var notifications = _screens.Services.GetRequiredService<KitchenEventNotifications>();
        await Eventually.HoldsAsync(() => Task.FromResult(notifications.IsListening), "the screens' instance listens");
        var token = await _writer.CreateDeviceTokenAsync("tablet on the other replica");
        var deviceId = _writer.Services.GetRequiredService<DeviceTokenCodec>().Read(token)!.DeviceId;
        await using var screen = await SseTestClient.ConnectAsync(_screens.HttpAddress!, token: token);
        Assert.Equal("heartbeat", (await screen.NextAsync(TimeSpan.FromSeconds(5), includeHeartbeats: true))?.EventType);

        using var manager = _writer.CreateHttpClient();
        (await manager.DeleteAsync($"/api/devices/{deviceId}", Cancellation)).EnsureSuccessStatusCode();

        // The screens' instance re-reads its device list only every minute: only the notification ends it this soon.
        await screen.Ended.WaitAsync(TimeSpan.FromSeconds(5), Cancellation);
        using var device = _screens.CreateHttpClient(token);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await device.GetAsync("/api/stations", Cancellation)).StatusCode);
    }

    [Fact]
    public async Task Each_instance_says_in_health_that_it_hears_the_others()
    {
        using var http = _screens.CreateHttpClient();
        await Eventually.HoldsAsync(
            async () => (await http.GetStringAsync("/health", Cancellation)).Contains("at once (LISTEN/NOTIFY)", StringComparison.Ordinal),
            "the health report says the instance hears the others");
    }
}
