using System.Net.Http.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Playwright;
using Orbital.Contracts.Orders;
using Orbital.Testing;

namespace Orbital.Tests.Browser;

/// <summary>
/// The station board cooking to the clock, in headless Chromium: two brands' items that map to one production item
/// show as one card in "Fire now" with the brands under it; a scheduled order waits in "Coming up" with its fire time;
/// late orders are highlighted and stale ones shown apart (and out of fire now); a completion from the card goes to
/// the earliest due. Screenshots are kept in <c>TestResults/screenshots</c> (the README's is one of them).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FireNowBoardTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private const string Grill = "Grill Station";
    private static readonly string s_screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
    private KitchenAppFactory _kitchen = null!;
    private OrderIntake.OrderIntakeClient _intake = null!;
    private HeadlessChromium _chromium = null!;
    private IPage _page = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres);
        _intake = _kitchen.CreateIntakeClient();
        _chromium = await HeadlessChromium.LaunchAsync();
        _page = await _chromium.NewTabletPageAsync();
        var token = await _kitchen.CreateDeviceTokenAsync("grill board");
        await _page.AddInitScriptAsync($"if (!localStorage.getItem('orbital.token')) localStorage.setItem('orbital.token', '{token}');");
        Directory.CreateDirectory(s_screenshots);
    }

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _kitchen.DisposeAsync();
    }

    [Fact]
    public async Task Fire_now_coming_up_all_day_and_late_orders_show_what_to_cook_when_across_brands()
    {
        using var manager = _kitchen.CreateHttpClient();
        await PutAsync(manager, "/api/production-items/Smash%20patty", new { station = Grill, prepSeconds = 360 });
        await PutAsync(manager, "/api/menu-mappings", new { brand = "Smash Club", item = "Double Smash", productionItem = "Smash patty", multiplier = 2 });
        await PutAsync(manager, "/api/menu-mappings", new { brand = "Taco Lab", item = "Smash Taco", productionItem = "Smash patty", multiplier = 1 });
        var now = DateTime.UtcNow;
        await SubmitAsync("stale-1", "Taco Lab", "Smash Taco", 1, placedAt: now.AddMinutes(-55), dueAt: now.AddMinutes(-40));
        await SubmitAsync("late-1", "Taco Lab", "Smash Taco", 2, placedAt: now.AddMinutes(-20), dueAt: now.AddMinutes(-4));
        await SubmitAsync("asap-1", "Smash Club", "Double Smash", 1, placedAt: now.AddMinutes(-1), dueAt: now.AddMinutes(7));
        await SubmitAsync("later-1", "Smash Club", "Double Smash", 3, placedAt: now, dueAt: now.AddMinutes(25));
        await SubmitAsync("dog-1", "Smash Club", "Hot Dog", 2, placedAt: now, dueAt: now.AddMinutes(9));

        await _page.GotoAsync($"{_kitchen.HttpAddress}?station=Grill%20Station");
        await Expect(_page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");

        // Fire now: the late taco order's two patties and the double smash's two, on one card with both brands under it;
        // the stale order's patty is not in it, the order due in 25 minutes neither.
        var patty = Card("Smash patty");
        await Expect(patty.Locator(".now-quantity")).ToHaveTextAsync("4");
        await Expect(patty.Locator(".serves li")).ToHaveCountAsync(2);
        await Expect(patty.Locator(".serves")).ToContainTextAsync("Smash Club");
        await Expect(patty.Locator(".serves")).ToContainTextAsync("Taco Lab");
        await Expect(patty).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\blate\\b"));
        await Expect(Card("Hot Dog").Locator(".now-quantity")).ToHaveTextAsync("2");

        // Coming up: the six patties for 25 minutes from now fire 6 minutes before.
        var coming = _page.Locator("#coming-up-items .coming-item").Filter(new() { HasTextString = "Smash patty" });
        await Expect(coming).ToHaveCountAsync(1);
        await Expect(coming.Locator(".coming-quantity")).ToContainTextAsync("6");

        // All day: what is open and due within the hour, stale demand aside.
        await Expect(_page.Locator("#all-day-items .all-day-item[data-item-name='Smash patty'] .all-day-quantity")).ToHaveTextAsync("10");

        // Late orders: the late one highlighted, the stale one apart.
        await Expect(_page.Locator("#late-orders-current .late-order[data-order-id='late-1']")).ToBeVisibleAsync();
        await Expect(_page.Locator("#late-orders-stale .late-order[data-order-id='stale-1']")).ToBeVisibleAsync();
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "station-board-fire-now.png"), FullPage = true });

        // Four patties cooked: the late order first, then the one due next; the stale order gets nothing.
        await patty.Locator(".quantity").FillAsync("4");
        await patty.Locator("button[data-action=complete]").TapAsync();
        await Expect(_page.Locator("#ready-orders li[data-order-id='late-1']")).ToBeVisibleAsync();
        await Expect(_page.Locator("#ready-orders li[data-order-id='asap-1']")).ToBeVisibleAsync();
        await Expect(_page.Locator("#ready-orders li[data-order-id='stale-1']")).ToHaveCountAsync(0);
        await Expect(_page.Locator("#late-orders-current .late-order[data-order-id='late-1']")).ToHaveCountAsync(0, new() { Timeout = 35_000 });
        await Expect(patty).ToHaveCountAsync(0);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "station-board-fire-now-after-complete.png"), FullPage = true });
    }

    private ILocator Card(string item)
        => _page.Locator("#batch-items .card").Filter(new() { Has = _page.Locator(".item-name", new() { HasTextString = item }) });

    private static async Task PutAsync(HttpClient manager, string path, object body)
        => (await manager.PutAsJsonAsync(path, body, Cancellation)).EnsureSuccessStatusCode();

    private async Task SubmitAsync(string orderId, string brand, string item, int quantity, DateTime placedAt, DateTime dueAt)
    {
        var request = Orders.Request(orderId, (Grill, item, quantity));
        request.Brand = brand;
        request.PlacedAt = Timestamp.FromDateTime(placedAt);
        request.DueAt = Timestamp.FromDateTime(dueAt);
        await _intake.SubmitOrderAsync(request, cancellationToken: Cancellation);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
