using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Surplus;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Devices;

/// <summary>
/// Who may do what, as an attacker and a deployment would try it: the manager key never goes into a browser, a
/// station's device reads its own station, a device another kitchen instance just created is honoured (looked up,
/// never waved through), and behind a TLS proxy the cookie is Secure and pairing is limited per client.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AccessTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private KitchenAppFactory _kitchen = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres);

    public async ValueTask DisposeAsync() => await _kitchen.DisposeAsync();

    [Fact]
    public async Task The_manager_key_signs_no_browser_in_and_is_refused_from_a_cookie_or_a_url()
    {
        using var cookies = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(cookies) { BaseAddress = _kitchen.HttpAddress };
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/sign-in");
        signIn.Headers.Authorization = new("Bearer", KitchenAppFactory.ManagerKey);

        using var signedIn = await browser.SendAsync(signIn, Cancellation);
        using var anonymous = _kitchen.CreateHttpClient(token: null);
        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/api/stations");
        withCookie.Headers.Add("Cookie", $"orbital_device={KitchenAppFactory.ManagerKey}");
        using var fromCookie = await anonymous.SendAsync(withCookie, Cancellation);
        using var fromUrl = await anonymous.GetAsync($"/api/events?access_token={KitchenAppFactory.ManagerKey}", HttpCompletionOption.ResponseHeadersRead, Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, signedIn.StatusCode);
        Assert.False(signedIn.Headers.Contains("Set-Cookie"));
        Assert.Empty(cookies.CookieContainer.GetCookies(_kitchen.HttpAddress!));
        Assert.Equal(HttpStatusCode.Unauthorized, fromCookie.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, fromUrl.StatusCode);
    }

    [Fact]
    public async Task A_stations_device_reads_its_own_stations_surplus_and_order_lines_only()
    {
        using var api = new KitchenApiClient(_kitchen.CreateHttpClient(), _kitchen.CreateIntakeClient());
        await api.SubmitAsync("access-two-stations", DateTime.UtcNow, ("Access Grill", "Burger", 1), ("Access Fry", "Fries", 1));
        await api.SubmitAsync("access-cooked", DateTime.UtcNow, ("Access Grill", "Burger", 1), ("Access Fry", "Fries", 1));
        foreach (var (station, item) in new[] { ("Access Fry", "Fries"), ("Access Grill", "Burger") })
        {
            // Both orders cooked; one is then cancelled: both stations hold surplus.
            (await api.PostAsync((await api.BatchItemAsync(station, item)).Id, "complete", new { quantity = 2 })).EnsureSuccessStatusCode();
        }

        await _kitchen.CreateIntakeClient().CancelOrderAsync(new Orbital.Contracts.Orders.OrderCancellation { OrderId = "access-two-stations", Revision = 9 }, cancellationToken: Cancellation);
        using var grill = _kitchen.CreateHttpClient(await _kitchen.CreateDeviceTokenAsync("grill tablet", "Access Grill"));

        using var otherSurplus = await grill.GetAsync("/api/surplus?station=Access%20Fry", Cancellation);
        var ownSurplus = await grill.GetFromJsonAsync<List<SurplusView>>("/api/surplus", KitchenJson.Options, Cancellation);
        var order = await grill.GetFromJsonAsync<OrderProgressView>("/api/orders/access-cooked", KitchenJson.Options, Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, otherSurplus.StatusCode);
        Assert.Equal(["Access Grill"], ownSurplus!.Select(s => s.Station));
        Assert.Equal(["Access Grill"], order!.Lines.Select(l => l.Station));
    }

    [Fact]
    public async Task A_device_another_kitchen_instance_just_created_is_honoured_at_once()
    {
        // This instance reads the device list once a minute: only a look-up can know of the new device.
        await using var slow = await KitchenAppFactory.StartOnKestrelAsync(_kitchen.ConnectionString, builder => builder.UseSetting("Kitchen:Auth:RevocationRefresh", "00:01:00"), waitForSchema: true);
        await Eventually.HoldsAsync(async () => (await slow.CreateHttpClient().GetAsync("/api/stations", Cancellation)).IsSuccessStatusCode, "the second instance serves");

        var token = await _kitchen.CreateDeviceTokenAsync("paired elsewhere");
        using var device = slow.CreateHttpClient(token);
        using var stations = await device.GetAsync("/api/stations", Cancellation);

        Assert.Equal(HttpStatusCode.OK, stations.StatusCode);
    }

    [Fact]
    public async Task Behind_a_TLS_proxy_the_cookie_is_Secure_and_pairing_attempts_are_counted_per_client()
    {
        await using var proxied = await KitchenAppFactory.StartOnKestrelAsync(_kitchen.ConnectionString, builder =>
        {
            builder.UseSetting("ForwardedHeaders_Enabled", "true");
            builder.UseSetting("Kitchen:Limits:PairingAttemptsPerMinute", "2");
        }, waitForSchema: true);
        using var manager = proxied.CreateHttpClient();
        using var created = await manager.PostAsJsonAsync("/api/devices/pairing-codes", new { name = "proxied tablet" }, Cancellation);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("code").GetString();
        using var browser = proxied.CreateHttpClient(token: null);

        using var paired = await PairAsync(browser, code!, client: "203.0.113.7");
        using var wrongA = await PairAsync(browser, "0000-0000", client: "203.0.113.7");
        using var limitedA = await PairAsync(browser, "0000-0000", client: "203.0.113.7");
        using var otherClient = await PairAsync(browser, "0000-0000", client: "198.51.100.9");

        Assert.Equal(HttpStatusCode.OK, paired.StatusCode);
        Assert.Contains(paired.Headers.GetValues("Set-Cookie"), c => c.StartsWith("orbital_device=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.BadRequest, wrongA.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedA.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, otherClient.StatusCode);
    }

    private static async Task<HttpResponseMessage> PairAsync(HttpClient browser, string code, string client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/devices/pair") { Content = JsonContent.Create(new { code }) };
        request.Headers.Add("X-Forwarded-For", client);
        request.Headers.Add("X-Forwarded-Proto", "https");
        return await browser.SendAsync(request, Cancellation);
    }
}
