using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Orbital.Contracts.Orders;
using Orbital.Testing;

namespace Orbital.Tests.Browser;

/// <summary>
/// The station board when the platform changes or cancels orders (over gRPC, with revisions): a cancelled order on
/// the pass stays listed and marked so nobody packs it, its cooked food shows as surplus that the next matching
/// order takes without cooking, what is left is discarded from the board with a reason, and a lowered or grown line
/// moves the board live. Screenshots are kept in <c>TestResults/screenshots</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderChangeBoardTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private const string Station = "Grill Station";
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
    public async Task A_cancelled_ready_order_is_marked_and_its_food_becomes_surplus_that_the_next_order_takes()
    {
        var orderA = BurgerOrder("change-a", burgers: 2, revision: 10, DateTime.UtcNow.AddMinutes(-5));
        await SubmitAsync(orderA);
        await OpenBoardAsync();
        var burger = Card("Burger");
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("2");

        // Both burgers cooked: A is ready and waits on the pass.
        await burger.Locator(".quantity").FillAsync("2");
        await burger.Locator("button[data-action=complete]").TapAsync();
        var readyA = ReadyEntry("change-a");
        await Expect(readyA).ToHaveAttributeAsync("data-state", "ready");

        // The platform cancels A after it was cooked: it stays on the list, marked, and its burgers are surplus.
        var cancelled = await _intake.CancelOrderAsync(
            new OrderCancellation { OrderId = "change-a", SourceId = orderA.SourceId, Revision = 20, Reason = "customer cancelled" },
            cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(cancelled.Changed);
        await Expect(readyA).ToHaveAttributeAsync("data-state", "cancelled");
        await Expect(readyA).ToHaveClassAsync(new Regex(@"\bcancelled\b"));
        await Expect(readyA.Locator(".cancelled-label")).ToContainTextAsync("Cancelled");
        var surplus = SurplusEntry("Burger");
        await Expect(surplus.Locator(".surplus-summary")).ToHaveTextAsync("2 Burger ready, not assigned");
        await Expect(_page.Locator("#surplus-total")).ToHaveTextAsync("· 2");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "station-board-surplus.png"), FullPage = true });

        // B orders one burger: it is served from the surplus, ready at once, and nothing shows up to cook.
        await SubmitAsync(BurgerOrder("change-b", burgers: 1, revision: 30, DateTime.UtcNow));
        await Expect(surplus.Locator(".surplus-quantity")).ToHaveTextAsync("1");
        await Expect(ReadyEntry("change-b")).ToHaveAttributeAsync("data-state", "ready");
        await Expect(Card("Burger")).ToHaveCountAsync(0);
        await Expect(readyA).ToHaveAttributeAsync("data-state", "cancelled");

        // The last burger is thrown away from the board, with a reason.
        await surplus.Locator(".discard-open").TapAsync();
        await Expect(surplus.Locator(".discard-quantity")).ToHaveValueAsync("1");
        await surplus.Locator(".discard-reason").SelectOptionAsync("held too long");
        await surplus.Locator(".discard-confirm").TapAsync();
        await Expect(_page.Locator("#surplus-items > .surplus-item")).ToHaveCountAsync(0);
        await Expect(_page.Locator("#surplus-total")).ToBeEmptyAsync();

        using var manager = _kitchen.CreateHttpClient();
        var left = await manager.GetFromJsonAsync<JsonElement>("/api/surplus?station=Grill%20Station", TestContext.Current.CancellationToken);
        Assert.Equal(0, left.GetArrayLength());
    }

    [Fact]
    public async Task A_lowered_line_lowers_the_open_quantity_on_the_board_live()
    {
        var order = BurgerOrder("change-lowered", burgers: 3, revision: 10, DateTime.UtcNow.AddMinutes(-2));
        await SubmitAsync(order);
        await OpenBoardAsync();
        var burger = Card("Burger");
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("3");

        // The customer changes the line from three burgers to one: no reload.
        var lowered = order.Clone();
        lowered.Revision = 20;
        lowered.Stations[0].Items[0].Quantity = 1;
        var ack = await SubmitAsync(lowered);
        Assert.True(ack.Changed);

        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("1");
        await Expect(burger.Locator(".quantity")).ToHaveValueAsync("1");

        // Nothing had been cooked for the two taken away: nothing is surplus.
        await Expect(_page.Locator("#surplus-items > .surplus-item")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_ready_order_that_gets_more_items_leaves_the_ready_list_until_they_are_cooked()
    {
        var order = BurgerOrder("change-grown", burgers: 1, revision: 10, DateTime.UtcNow.AddMinutes(-2));
        await SubmitAsync(order);
        await OpenBoardAsync();
        var burger = Card("Burger");
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("1");
        await burger.Locator("button[data-action=complete]").TapAsync();
        var ready = ReadyEntry("change-grown");
        await Expect(ready).ToHaveAttributeAsync("data-state", "ready");

        // One more burger on the same line: the order is open again and must not be packed half done.
        var grown = order.Clone();
        grown.Revision = 20;
        grown.Stations[0].Items[0].Quantity = 2;
        await SubmitAsync(grown);
        await Expect(ready).ToHaveCountAsync(0);
        await Expect(burger.Locator(".open-quantity")).ToHaveTextAsync("1");

        await burger.Locator("button[data-action=complete]").TapAsync();
        await Expect(ready).ToHaveAttributeAsync("data-state", "ready");
    }

    private async Task OpenBoardAsync()
    {
        await _page.GotoAsync($"{_kitchen.HttpAddress}?station=Grill%20Station");
        await Expect(_page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
    }

    private ILocator Card(string item)
        => _page.Locator(".card").Filter(new() { Has = _page.Locator(".item-name", new() { HasTextString = item }) });

    private ILocator SurplusEntry(string item)
        => _page.Locator("#surplus-items > .surplus-item").Filter(new() { Has = _page.Locator(".item-name", new() { HasTextString = item }) });

    private ILocator ReadyEntry(string orderId) => _page.Locator($"#ready-orders li[data-order-id='{orderId}']");

    /// <summary>An order of <paramref name="burgers"/> burgers at the grill, one line (<c>line-0</c>), at a revision.</summary>
    private static OrderRequest BurgerOrder(string orderId, int burgers, ulong revision, DateTime placedAt)
    {
        var request = Orders.Request(orderId, (Station, "Burger", burgers));
        request.PlacedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(placedAt);
        request.Revision = revision;
        return request;
    }

    private async Task<OrderAck> SubmitAsync(OrderRequest request)
        => await _intake.SubmitOrderAsync(request, cancellationToken: TestContext.Current.CancellationToken);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
