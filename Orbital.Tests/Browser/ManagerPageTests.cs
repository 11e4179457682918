using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Playwright;
using Orbital.Contracts.Orders;
using Orbital.Testing;

namespace Orbital.Tests.Browser;

/// <summary>
/// The kitchen manager page, in headless Chromium: a device paired with a manager code shows what the kitchen
/// cooked (big numbers, ticket time over the shift, prep time per production item, batch sizes, waste, the slowest
/// items), read from the analytics API; a device paired as a screen is told it needs a manager code. Screenshots are
/// kept in <c>TestResults/screenshots</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ManagerPageTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private const string Grill = "Grill Station";
    private const string Fry = "Fry Station";
    private static readonly string s_screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
    private KitchenAppFactory _kitchen = null!;
    private OrderIntake.OrderIntakeClient _intake = null!;
    private HeadlessChromium _chromium = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string ManagerPage => new Uri(_kitchen.HttpAddress!, "/manager.html").ToString();

    public async ValueTask InitializeAsync()
    {
        _kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres);
        _intake = _kitchen.CreateIntakeClient();
        _chromium = await HeadlessChromium.LaunchAsync();
        Directory.CreateDirectory(s_screenshots);
    }

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        await _kitchen.DisposeAsync();
    }

    [Fact]
    public async Task A_manager_device_sees_orders_ticket_times_and_prep_times_of_what_the_kitchen_cooked()
    {
        using var manager = _kitchen.CreateHttpClient();
        await PutAsync(manager, "/api/production-items/Smash%20patty", new { station = Grill, prepSeconds = 360 });
        await PutAsync(manager, "/api/production-items/Fries", new { station = Fry, prepSeconds = 240 });
        await PutAsync(manager, "/api/menu-mappings", new { brand = "Smash Club", item = "Double Smash", productionItem = "Smash patty", multiplier = 2 });
        await PutAsync(manager, "/api/menu-mappings", new { brand = "Taco Lab", item = "Smash Taco", productionItem = "Smash patty", multiplier = 1 });
        await PutAsync(manager, "/api/menu-mappings", new { brand = "Smash Club", item = "Fries", productionItem = "Fries", multiplier = 1 });
        var now = DateTime.UtcNow;
        await SubmitAsync("late-1", "Taco Lab", now.AddMinutes(-25), now.AddMinutes(-5), (Grill, "Smash Taco", 2));
        await SubmitAsync("club-1", "Smash Club", now.AddMinutes(-12), now.AddMinutes(10), (Grill, "Double Smash", 1), (Fry, "Fries", 2));
        await SubmitAsync("club-2", "Smash Club", now.AddMinutes(-6), now.AddMinutes(15), (Grill, "Double Smash", 2), (Fry, "Fries", 1));

        // Cooked through the kitchen's own API, in batches of at most three: every order ends up ready.
        await CookEverythingAsync(manager, Grill);
        await CookEverythingAsync(manager, Fry);
        var analytics = await Eventually.ReturnsAsync(
            () => manager.GetFromJsonAsync<JsonElement>("/api/analytics", Cancellation),
            a => a.GetProperty("totals").GetProperty("orders").GetInt32() == 3 && a.GetProperty("productionItems").GetArrayLength() == 2,
            "the analytics API counts the three orders and both production items");
        var code = await PairingCodeAsync(manager, new { name = "manager tablet", role = "manager" });
        var page = await _chromium.NewTabletPageAsync();

        await page.GotoAsync(ManagerPage);
        await Expect(page.Locator("#pairing")).ToBeVisibleAsync();
        await page.Locator("#pairing-code").FillAsync(code);
        await page.Locator("#pairing button[type=submit]").ClickAsync();

        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-state", "ready", new() { Timeout = 15_000 });
        await Expect(page.Locator("#pairing")).ToBeHiddenAsync();
        await Expect(page.Locator("#manager-summary .summary-orders")).ToHaveTextAsync("3");
        var late = analytics.GetProperty("totals").GetProperty("lateOrders").GetInt32();
        await Expect(page.Locator("#manager-summary .summary-late")).ToHaveTextAsync(late.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#manager-summary .summary-ticket-p50")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+:\d\d$"));
        await Expect(page.Locator("#manager-empty")).ToBeHiddenAsync();
        await Expect(page.Locator("#ticket-chart svg")).ToBeVisibleAsync();
        await Expect(page.Locator("#ticket-chart svg .bar-orders").First).ToBeVisibleAsync();
        await Expect(page.Locator("#batch-size-chart svg")).ToBeVisibleAsync();

        // One prep row per production item; the configured time as set, the learned one beside it.
        await Expect(page.Locator("#prep-chart .prep-row")).ToHaveCountAsync(2);
        var patty = page.Locator("#prep-chart .prep-row[data-item='Smash patty']");
        await Expect(patty.Locator(".prep-configured")).ToContainTextAsync("6:00");
        await Expect(patty.Locator(".prep-learned")).ToBeVisibleAsync();
        await Expect(page.Locator("#prep-chart .prep-row[data-item='Fries'] .prep-configured")).ToContainTextAsync("4:00");
        await Expect(page.Locator("#slowest-table tbody tr[data-item]").First).ToBeVisibleAsync();
        await Expect(page.Locator("#manager-error")).ToBeHiddenAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('orbital.token')"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "manager-page.png"), FullPage = true });

        // Across a reload it stays signed in (its own token), and shows the numbers again.
        await page.ReloadAsync();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-state", "ready", new() { Timeout = 15_000 });
        await Expect(page.Locator("#manager-summary .summary-orders")).ToHaveTextAsync("3");
    }

    [Fact]
    public async Task A_device_paired_as_a_screen_is_told_to_pair_with_a_manager_code()
    {
        using var manager = _kitchen.CreateHttpClient();
        var code = await PairingCodeAsync(manager, new { name = "pass screen" });
        var page = await _chromium.NewTabletPageAsync();

        await page.GotoAsync(ManagerPage);
        await page.Locator("#pairing-code").FillAsync(code);
        await page.Locator("#pairing button[type=submit]").ClickAsync();

        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-state", "forbidden");
        await Expect(page.Locator("#manager-error")).ToContainTextAsync("paired as a screen");
        await Expect(page.Locator("#pairing")).ToBeVisibleAsync();
        await Expect(page.Locator("#manager")).ToBeHiddenAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => localStorage.getItem('orbital.managerToken')"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_screenshots, "manager-page-screen-device.png") });
    }

    private static async Task PutAsync(HttpClient manager, string path, object body)
        => (await manager.PutAsJsonAsync(path, body, Cancellation)).EnsureSuccessStatusCode();

    private static async Task<string> PairingCodeAsync(HttpClient manager, object request)
    {
        using var created = await manager.PostAsJsonAsync("/api/devices/pairing-codes", request, Cancellation);
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("code").GetString()!;
    }

    private async Task SubmitAsync(string orderId, string brand, DateTime placedAt, DateTime dueAt, params (string Station, string Item, int Quantity)[] lines)
    {
        var request = Orders.Request(orderId, lines);
        request.Brand = brand;
        request.PlacedAt = Timestamp.FromDateTime(placedAt);
        request.DueAt = Timestamp.FromDateTime(dueAt);
        await _intake.SubmitOrderAsync(request, cancellationToken: Cancellation);
    }

    private static async Task CookEverythingAsync(HttpClient manager, string station)
    {
        var listed = await manager.GetFromJsonAsync<JsonElement>($"/api/stations/{Uri.EscapeDataString(station)}/batch-items", Cancellation);
        var items = listed.GetProperty("items").EnumerateArray().Select(i => (Id: i.GetProperty("id").GetInt64(), Open: i.GetProperty("openQuantity").GetInt32())).ToList();
        Assert.NotEmpty(items);
        foreach (var (id, open) in items)
        {
            var left = open;
            while (left > 0)
            {
                var quantity = Math.Min(3, left);
                (await manager.PostAsJsonAsync($"/api/batch-items/{id}/start", new { quantity }, Cancellation)).EnsureSuccessStatusCode();
                (await manager.PostAsJsonAsync($"/api/batch-items/{id}/complete", new { quantity }, Cancellation)).EnsureSuccessStatusCode();
                left -= quantity;
            }
        }
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
