using Microsoft.Playwright;
using Orbital.Testing;

namespace Orbital.Tests.Browser;

/// <summary>
/// A tablet on flaky kitchen Wi-Fi: a tap whose answer is lost is sent again with its key and done once; taps made
/// while the kitchen is down wait in a visible queue and go out, in order and once each, when it is back; a tap the
/// kitchen refuses is shown, not dropped.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OfflineTapTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private static readonly string s_screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
    private KitchenAppFactory _kitchen = null!;
    private HeadlessChromium _chromium = null!;
    private IPage _page = null!;

    public async ValueTask InitializeAsync()
    {
        _kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres);
        _chromium = await HeadlessChromium.LaunchAsync();
        _page = await _chromium.NewTabletPageAsync();
        var token = await _kitchen.CreateDeviceTokenAsync("offline board");
        await _page.AddInitScriptAsync($"if (!localStorage.getItem('orbital.token')) localStorage.setItem('orbital.token', '{token}');");
        Directory.CreateDirectory(s_screenshots);
    }

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _kitchen.DisposeAsync();
    }

    [Fact]
    public async Task Taps_made_while_the_kitchen_is_down_wait_visibly_and_are_applied_once_each_when_it_is_back()
    {
        await SubmitAsync("offline-a", ("Offline Grill", "Burger", 6), ("Offline Grill", "Hot Dog", 1));
        await _page.GotoAsync($"{_kitchen.HttpAddress}?station=Offline%20Grill");
        await Expect(_page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        var burger = Card("Burger");
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("6");

        // The first complete reaches the kitchen, but its answer is lost on the way back: the board sends it again.
        var lost = 0;
        await _page.RouteAsync("**/complete", async route =>
        {
            if (Interlocked.Increment(ref lost) == 1)
            {
                await route.FetchAsync();
                await route.AbortAsync("connectionreset");
                return;
            }

            await route.ContinueAsync();
        });
        await burger.Locator(".quantity").FillAsync("1");
        await burger.Locator("button[data-action=complete]").TapAsync();
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("5", new() { Timeout = 15_000 });
        await Expect(_page.Locator("#taps-pending li")).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        Assert.Equal(2, Volatile.Read(ref lost));

        // The kitchen goes down; the cook goes on tapping.
        await _kitchen.DisposeAsync();
        await Expect(_page.Locator("#connection")).ToHaveAttributeAsync("data-state", new System.Text.RegularExpressions.Regex("reconnecting|offline"));
        await burger.Locator(".quantity").FillAsync("2");
        await burger.Locator("button[data-action=complete]").TapAsync();
        await burger.Locator(".quantity").FillAsync("1");
        await burger.Locator("button[data-action=start]").TapAsync();
        var hotDog = Card("Hot Dog");
        await hotDog.Locator(".quantity").FillAsync("1");
        await hotDog.Locator("button[data-action=complete]").TapAsync();
        await Expect(_page.Locator("#taps")).ToBeVisibleAsync();
        await Expect(_page.Locator("#taps-pending li")).ToHaveCountAsync(3);
        await Expect(_page.Locator("#taps-pending li").First).ToContainTextAsync("Complete 2 × Burger");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "station-board-offline-taps.png"), FullPage = true });

        // Meanwhile another screen completes the hot dog, so that tap will be refused when it arrives.
        _kitchen = await KitchenAppFactory.RestartAsync(_kitchen);
        using var other = _kitchen.CreateHttpClient();
        var hotDogId = await hotDog.GetAttributeAsync("data-batch-item-id");
        (await other.PostAsync($"/api/batch-items/{hotDogId}/complete", new StringContent("""{"quantity":1}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        await Expect(_page.Locator("#taps-pending li")).ToHaveCountAsync(0, new() { Timeout = 45_000 });
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("3");
        await Expect(burger.Locator(".in-progress-quantity")).ToHaveTextAsync("1");
        await Expect(_page.Locator("#taps-refused li")).ToHaveCountAsync(1);
        await Expect(_page.Locator("#taps-refused li")).ToContainTextAsync("Complete 1 × Hot Dog");
        Assert.Equal(3L, await _kitchen.Database.ScalarAsync<long>("SELECT completed_quantity::bigint FROM order_lines WHERE item_name = 'Burger' AND station = 'Offline Grill'"));
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "station-board-taps-sent.png"), FullPage = true });
    }

    private ILocator Card(string item)
        => _page.Locator(".card").Filter(new() { Has = _page.Locator(".item-name", new() { HasTextString = item }) });

    private async Task SubmitAsync(string orderId, params (string Station, string Item, int Quantity)[] lines)
        => await _kitchen.CreateIntakeClient().SubmitOrderAsync(Orders.Request(orderId, lines), cancellationToken: TestContext.Current.CancellationToken);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
