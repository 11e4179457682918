using Microsoft.Playwright;
using Orbital.Contracts.Orders;
using Orbital.Testing;

namespace Orbital.Tests.Browser;

/// <summary>
/// The station board in headless Chromium (Debian's, driven by Playwright): orders submitted over gRPC appear
/// live, a tap completes a batch, and the board recovers from a dropped connection by itself. Screenshots are
/// kept in <c>TestResults/screenshots</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StationBoardTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private static readonly string s_screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
    private KitchenAppFactory _kitchen = null!;
    private OrderIntake.OrderIntakeClient _intake = null!;
    private HeadlessChromium _chromium = null!;
    private IPage _page = null!;

    public async ValueTask InitializeAsync()
    {
        _kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres);
        _intake = _kitchen.CreateIntakeClient();
        _chromium = await HeadlessChromium.LaunchAsync();
        _page = await _chromium.NewTabletPageAsync();

        // A screen paired before the test: its device token is where the board keeps it.
        var token = await _kitchen.CreateDeviceTokenAsync("test board");
        await _page.AddInitScriptAsync($"if (!localStorage.getItem('orbital.token')) localStorage.setItem('orbital.token', '{token}');");
        Directory.CreateDirectory(s_screenshots);
    }

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _kitchen.DisposeAsync();
    }

    [Fact]
    public async Task An_order_appears_live_and_a_tap_on_complete_cooks_it_and_lists_it_for_packing()
    {
        await SubmitAsync("board-first", DateTime.UtcNow.AddMinutes(-12), ("Grill Station", "Burger", 2, []));
        await _page.GotoAsync($"{_kitchen.HttpAddress}?station=Grill%20Station");
        await Expect(_page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        var burger = Card("Burger", modifiers: null);
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("2");

        // Arrives over gRPC while the board is open: no reload.
        await SubmitAsync("board-second", DateTime.UtcNow.AddMinutes(-3), ("Grill Station", "Burger", 1, []), ("Grill Station", "Burger", 2, ["no onions"]));
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("3");
        var noOnions = Card("Burger", modifiers: "no onions");
        await Expect(noOnions.Locator(".open-quantity")).ToHaveTextAsync("2");
        await Expect(burger).ToHaveAttributeAsync("data-age", "warn");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "station-board-before-complete.png"), FullPage = true });

        // Two burgers cooked: the oldest order (two burgers) is complete and ready for packing.
        await burger.Locator(".quantity").FillAsync("2");
        await burger.Locator("button[data-action=complete]").TapAsync();
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("1");
        await Expect(_page.Locator("#ready-orders li[data-order-id='board-first']")).ToBeVisibleAsync();
        await Expect(_page.Locator("#ready-orders li[data-order-id='board-second']")).ToHaveCountAsync(0);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "station-board-after-complete.png"), FullPage = true });
    }

    [Fact]
    public async Task Completing_more_than_is_open_shows_the_reason()
    {
        await SubmitAsync("board-over", DateTime.UtcNow, ("Fry Station", "Fries", 1, []));
        await _page.GotoAsync($"{_kitchen.HttpAddress}?station=Fry%20Station");
        var fries = Card("Fries", modifiers: null);
        await Expect(fries.Locator(".open-quantity")).ToHaveTextAsync("1");

        // Another screen completes it first; this one still shows 1 and tries too.
        using var otherScreen = _kitchen.CreateHttpClient();
        await otherScreen.PostAsync(
            $"/api/batch-items/{await fries.GetAttributeAsync("data-batch-item-id")}/complete",
            new StringContent("""{"quantity":1}""", System.Text.Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);
        await Expect(fries).ToHaveCountAsync(0);

        await Expect(_page.Locator("#empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_board_shows_a_dropped_connection_and_recovers_by_itself_when_the_kitchen_is_back()
    {
        await SubmitAsync("board-before-drop", DateTime.UtcNow, ("Grill Station", "Hot Dog", 1, []));
        await _page.GotoAsync($"{_kitchen.HttpAddress}?station=Grill%20Station");
        await Expect(_page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");

        // The kitchen service restarts (a deploy, a crash): the stream drops and the board says so.
        await _kitchen.DisposeAsync();
        await Expect(_page.Locator("#connection")).ToHaveAttributeAsync("data-state", new System.Text.RegularExpressions.Regex("reconnecting|offline"));
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "station-board-reconnecting.png") });
        _kitchen = await KitchenAppFactory.RestartAsync(_kitchen);
        _intake = _kitchen.CreateIntakeClient();
        await SubmitAsync("board-after-restart", DateTime.UtcNow, ("Grill Station", "Hot Dog", 4, []));

        // No reload, no tap: the board reconnects, resumes after the last event it saw, and shows the new order.
        await Expect(_page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 45_000 });
        await Expect(Card("Hot Dog", modifiers: null).Locator(".open-quantity")).ToHaveTextAsync("5", new() { Timeout = 45_000 });
    }

    [Fact]
    public async Task The_board_reloads_its_snapshot_when_the_kitchen_database_is_restored_behind_it()
    {
        await SubmitAsync("board-restored", DateTime.UtcNow, ("Restore Station", "Burger", 2, []));
        var database = _kitchen.Database;
        var restoredTo = await database.ScalarAsync<long>("SELECT max(id) FROM kitchen_events");
        await SubmitAsync("board-lost-in-restore", DateTime.UtcNow, ("Restore Station", "Burger", 3, []));
        await _page.GotoAsync($"{_kitchen.HttpAddress}?station=Restore%20Station");
        var burger = Card("Burger", modifiers: null);
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("5");

        // The database comes back from a backup taken before the second order: its events and its batch go back.
        await database.ExecuteAsync($"""
            DELETE FROM kitchen_events WHERE id > {restoredTo};
            ALTER TABLE kitchen_events ALTER COLUMN id RESTART WITH {restoredTo + 1};
            UPDATE batch_items SET open_quantity = 2 WHERE station = 'Restore Station';
            """);

        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("2", new() { Timeout = 15_000 });
        await Expect(_page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
    }

    private ILocator Card(string item, string? modifiers)
    {
        var card = _page.Locator(".card").Filter(new() { Has = _page.Locator(".item-name", new() { HasTextString = item }) });
        return modifiers is null
            ? card.Filter(new() { HasNot = _page.Locator(".modifiers li") })
            : card.Filter(new() { Has = _page.Locator(".modifiers li", new() { HasTextString = modifiers }) });
    }

    private async Task SubmitAsync(string orderId, DateTime placedAt, params (string Station, string Item, int Quantity, string[] Modifiers)[] lines)
    {
        var request = Orders.Request(orderId, [.. lines.Select(l => (l.Station, l.Item, l.Quantity))]);
        request.PlacedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(placedAt);
        var items = request.Stations.SelectMany(s => s.Items).ToList();
        for (var i = 0; i < lines.Length; i++)
        {
            items[i].Modifiers.AddRange(lines[i].Modifiers);
        }

        await _intake.SubmitOrderAsync(request, cancellationToken: TestContext.Current.CancellationToken);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
