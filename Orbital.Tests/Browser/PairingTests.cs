using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Orbital.Testing;

namespace Orbital.Tests.Browser;

/// <summary>
/// A new screen is paired with a code a manager created, keeps working across reloads, and goes back to the pairing
/// screen by itself when the manager revokes it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PairingTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private static readonly string s_screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
    private KitchenAppFactory _kitchen = null!;
    private HeadlessChromium _chromium = null!;

    public async ValueTask InitializeAsync()
    {
        _kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres);
        _chromium = await HeadlessChromium.LaunchAsync();
        Directory.CreateDirectory(s_screenshots);
    }

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _kitchen.DisposeAsync();
    }

    [Fact]
    public async Task A_screen_paired_with_a_code_shows_its_station_across_reloads_and_asks_again_once_revoked()
    {
        await _kitchen.CreateIntakeClient().SubmitOrderAsync(Orders.Request("pairing-order", ("Pair Station", "Burger", 3)), cancellationToken: TestContext.Current.CancellationToken);
        using var manager = _kitchen.CreateHttpClient();
        var created = await manager.PostAsJsonAsync("/api/devices/pairing-codes", new { name = "pass tablet", station = "Pair Station" }, TestContext.Current.CancellationToken);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("code").GetString()!;
        var page = await _chromium.NewTabletPageAsync();

        await page.GotoAsync(_kitchen.HttpAddress!.ToString());
        await Expect(page.Locator("#pairing")).ToBeVisibleAsync();
        await Expect(page.Locator("#board")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "station-board-pairing.png") });
        await page.Locator("#pairing-code").FillAsync(code);
        await page.Locator("#pairing-form button[type=submit]").ClickAsync();

        var burger = page.Locator(".card").Filter(new() { Has = page.Locator(".item-name", new() { HasTextString = "Burger" }) });
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("3");
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        await page.ReloadAsync();
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("3");
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        await Expect(page.Locator("#pairing")).ToBeHiddenAsync();

        var devices = await manager.GetFromJsonAsync<JsonElement>("/api/devices", TestContext.Current.CancellationToken);
        var device = devices.EnumerateArray().Single(d => d.GetProperty("name").GetString() == "pass tablet").GetProperty("id").GetGuid();
        (await manager.DeleteAsync($"/api/devices/{device}", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        await Expect(page.Locator("#pairing")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator("#pairing-error")).ToContainTextAsync("no longer valid");
    }

    [Fact]
    public async Task The_manager_key_pasted_on_a_board_is_refused_and_never_kept_in_the_browser()
    {
        var page = await _chromium.NewTabletPageAsync();
        await page.GotoAsync(_kitchen.HttpAddress!.ToString());

        await page.Locator("#pairing-code").FillAsync(KitchenAppFactory.ManagerKey);
        await page.Locator("#pairing-form button[type=submit]").ClickAsync();

        await Expect(page.Locator("#pairing-error")).ToContainTextAsync("not a device token");
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('orbital.token')"));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Value.Contains(KitchenAppFactory.ManagerKey, StringComparison.Ordinal));
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
