using Orbital.Testing;

namespace Orbital.Tests.Browser;

/// <summary>
/// Any frontend, not only our board: a plain browser <c>EventSource</c> keeps its connection through a kitchen
/// restart, even one that comes up before its database does (the browser gives up for good on any non-200
/// answer, so the kitchen must never send one while it starts).
/// </summary>
public sealed class EventSourceRecoveryTests
{
    [Fact]
    public async Task A_plain_EventSource_survives_a_kitchen_restart_that_comes_up_before_its_database()
    {
        await using var postgres = new LocalPostgresServer();
        await postgres.InitializeAsync();
        var kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, builder =>
        {
            builder.UseSetting("KitchenEvents:ReconnectDelay", "00:00:00.300");
            builder.UseSetting("KitchenEvents:HeartbeatInterval", "00:00:00.300");
            builder.UseSetting("Backoff:Initial", "00:00:00.100");
            builder.UseSetting("Backoff:Maximum", "00:00:00.500");
        });
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewTabletPageAsync();
        try
        {
            var token = await kitchen.CreateDeviceTokenAsync("plain page");
            await page.GotoAsync($"{kitchen.HttpAddress}health");
            await page.EvaluateAsync("""
                (token) => {
                    window.orders = [];
                    window.gaveUp = false;
                    window.opened = 0;
                    const source = new EventSource(`/api/events?access_token=${encodeURIComponent(token)}`);
                    source.onopen = () => window.opened++;
                    source.onerror = () => { if (source.readyState === EventSource.CLOSED) window.gaveUp = true; };
                    source.addEventListener("order.received", (e) => window.orders.push(JSON.parse(e.data).orderId));
                }
                """,
                token);
            await Eventually.HoldsAsync(async () => await page.EvaluateAsync<int>("() => window.opened") == 1, "the EventSource is open");

            // A crash and a restart whose database is not back yet: the browser reconnects into the start-up window.
            await kitchen.DisposeAsync();
            await postgres.StopAsync();
            kitchen = await KitchenAppFactory.RestartAsync(kitchen, waitForSchema: false);
            await Eventually.HoldsAsync(async () => await page.EvaluateAsync<int>("() => window.opened") >= 2, "the EventSource reconnected to the starting kitchen");
            var gaveUpWhileStarting = await page.EvaluateAsync<bool>("() => window.gaveUp");
            await postgres.StartAsync();
            await Eventually.HoldsAsync(async () => (await kitchen.CreateHttpClient().GetAsync("/health", TestContext.Current.CancellationToken)).IsSuccessStatusCode, "the kitchen is healthy");
            await kitchen.CreateIntakeClient().SubmitOrderAsync(Orders.Request("event-source-after-restart"), cancellationToken: TestContext.Current.CancellationToken);

            await Eventually.HoldsAsync(
                async () => (await page.EvaluateAsync<string[]>("() => window.orders")).Contains("event-source-after-restart"),
                "the order reached the page over the same EventSource");
            Assert.False(gaveUpWhileStarting, "the EventSource gave up while the kitchen was starting");
            Assert.False(await page.EvaluateAsync<bool>("() => window.gaveUp"));
        }
        finally
        {
            await kitchen.DisposeAsync();
        }
    }
}
