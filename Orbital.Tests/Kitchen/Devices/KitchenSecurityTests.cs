using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Devices;
using Orbital.Testing;
using Orbital.Tests.Kitchen.Screens;

namespace Orbital.Tests.Kitchen.Devices;

/// <summary>
/// Nobody changes or reads the kitchen without credentials: every <c>/api</c> endpoint needs a device token or the
/// manager key, a station's device acts on its station only, devices are a manager's to create and revoke, and
/// <c>OrderIntake</c> takes orders from the intake key's holder only.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KitchenSecurityTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private KitchenAppFactory _kitchen = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres);

    public async ValueTask DisposeAsync() => await _kitchen.DisposeAsync();

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/api/stations" },
        { "GET", "/api/stations/Grill%20Station/batch-items" },
        { "GET", "/api/stations/Grill%20Station/board" },
        { "GET", "/api/batch-items/1" },
        { "POST", "/api/batch-items/1/start" },
        { "POST", "/api/batch-items/1/complete" },
        { "GET", "/api/orders/ready" },
        { "GET", "/api/orders/otter-1" },
        { "GET", "/api/events" },
        { "GET", "/api/devices" },
        { "POST", "/api/devices" },
        { "DELETE", "/api/devices/0197a5f3-0000-7000-8000-000000000000" },
        { "POST", "/api/devices/pairing-codes" },
        { "POST", "/api/sign-in" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_api_endpoint_refuses_a_caller_without_a_token_with_401(string method, string path)
    {
        using var anonymous = _kitchen.CreateHttpClient(token: null);

        using var response = await SendAsync(anonymous, method, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public static TheoryData<string, string> Forgeries => new()
    {
        { "random text", "let-me-in" },
        { "another kitchen's signature", "v1.eyJEIjoiMDE5N2E1ZjMtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAwIiwiUyI6bnVsbCwiRSI6NDEwMjQ0NDgwMH0.c2lnbmVkIGJ5IHNvbWVib2R5IGVsc2UgZW50aXJlbHkhIQ" },
        { "a wrong manager key", "test-manager-key-0123456789abcdeX" },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_token_is_refused_with_401(string what, string token)
    {
        using var forged = _kitchen.CreateHttpClient(token);

        using var response = await forged.GetAsync("/api/stations", Cancellation);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{what} was let in");
    }

    [Fact]
    public async Task A_token_whose_station_was_changed_is_refused_with_401()
    {
        var token = await _kitchen.CreateDeviceTokenAsync("grill tablet", "Grill Station");
        var parts = token.Split('.');
        var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).RootElement;
        var widened = JsonSerializer.SerializeToUtf8Bytes(new { D = payload.GetProperty("D").GetGuid(), S = (string?)null, E = payload.GetProperty("E").GetInt64() });
        using var tampered = _kitchen.CreateHttpClient($"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(widened)}.{parts[2]}");

        using var response = await tampered.GetAsync("/api/stations", Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task An_expired_token_is_refused_with_401_saying_so()
    {
        var token = await _kitchen.CreateDeviceTokenAsync("old tablet");
        var device = _kitchen.Services.GetRequiredService<DeviceTokenCodec>().Read(token)!;
        var expired = _kitchen.Services.GetRequiredService<DeviceTokenCodec>().Write(device with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
        using var client = _kitchen.CreateHttpClient(expired);

        using var response = await client.GetAsync("/api/stations", Cancellation);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_device_is_refused_within_seconds_and_its_open_event_stream_ends()
    {
        var token = await _kitchen.CreateDeviceTokenAsync("lost tablet");
        var deviceId = _kitchen.Services.GetRequiredService<DeviceTokenCodec>().Read(token)!.DeviceId;
        using var device = _kitchen.CreateHttpClient(token);
        await using var screen = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, token: token);
        var before = await device.GetAsync("/api/stations", Cancellation);

        using var manager = _kitchen.CreateHttpClient();
        (await manager.DeleteAsync($"/api/devices/{deviceId}", Cancellation)).EnsureSuccessStatusCode();

        await screen.Ended.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        var after = await device.GetAsync("/api/stations", Cancellation);
        var listed = await manager.GetFromJsonAsync<JsonElement>("/api/devices", Cancellation);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains(listed.EnumerateArray(), d => d.GetProperty("id").GetGuid() == deviceId && d.GetProperty("revokedAt").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task A_stations_device_acts_on_its_station_and_gets_403_for_anothers()
    {
        var intake = _kitchen.CreateIntakeClient();
        await intake.SubmitOrderAsync(Orders.Request("security-mine", ("Grill Station", "Burger", 2)), cancellationToken: Cancellation);
        await intake.SubmitOrderAsync(Orders.Request("security-theirs", ("Fry Station", "Fries", 2)), cancellationToken: Cancellation);
        using var manager = _kitchen.CreateHttpClient();
        var grill = (await manager.GetFromJsonAsync<JsonElement>("/api/stations/Grill%20Station/batch-items", Cancellation)).GetProperty("items")[0].GetProperty("id").GetInt64();
        var fry = (await manager.GetFromJsonAsync<JsonElement>("/api/stations/Fry%20Station/batch-items", Cancellation)).GetProperty("items")[0].GetProperty("id").GetInt64();
        using var tablet = _kitchen.CreateHttpClient(await _kitchen.CreateDeviceTokenAsync("grill tablet", "Grill Station"));

        var own = await tablet.PostAsJsonAsync($"/api/batch-items/{grill}/start", new { quantity = 1 }, Cancellation);
        var others = new[]
        {
            await tablet.PostAsJsonAsync($"/api/batch-items/{fry}/complete", new { quantity = 1 }, Cancellation),
            await tablet.PostAsJsonAsync($"/api/batch-items/{fry}/start", new { quantity = 1 }, Cancellation),
            await tablet.GetAsync($"/api/batch-items/{fry}", Cancellation),
            await tablet.GetAsync("/api/stations/Fry%20Station/board", Cancellation),
            await tablet.GetAsync("/api/events?station=Fry%20Station", HttpCompletionOption.ResponseHeadersRead, Cancellation),
        };
        var manage = await tablet.GetAsync("/api/devices", Cancellation);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.All(others, r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
        Assert.Contains("Grill Station", (await others[0].Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, manage.StatusCode);
        var fryAfter = (await manager.GetFromJsonAsync<JsonElement>($"/api/batch-items/{fry}", Cancellation)).GetProperty("batchItem");
        Assert.Equal((2, 0), (fryAfter.GetProperty("openQuantity").GetInt32(), fryAfter.GetProperty("inProgressQuantity").GetInt32()));
    }

    [Fact]
    public async Task A_pairing_code_becomes_a_working_token_once()
    {
        using var manager = _kitchen.CreateHttpClient();
        var created = await manager.PostAsJsonAsync("/api/devices/pairing-codes", new { name = "pass tablet", station = "Pass" }, Cancellation);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("code").GetString();
        using var anonymous = _kitchen.CreateHttpClient(token: null);

        var paired = await anonymous.PostAsJsonAsync("/api/devices/pair", new { code }, Cancellation);
        var again = await anonymous.PostAsJsonAsync("/api/devices/pair", new { code }, Cancellation);
        var result = await paired.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        using var tablet = _kitchen.CreateHttpClient(result.GetProperty("token").GetString());
        var works = await tablet.GetAsync("/api/orders/ready", Cancellation);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, paired.StatusCode);
        Assert.Equal("Pass", result.GetProperty("device").GetProperty("station").GetString());
        Assert.Contains(paired.Headers.GetValues("Set-Cookie"), c => c.StartsWith("orbital_device=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
    }

    [Fact]
    public async Task The_sign_in_cookie_and_access_token_authenticate_an_event_stream()
    {
        var token = await _kitchen.CreateDeviceTokenAsync("browser");
        using var cookies = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(cookies) { BaseAddress = _kitchen.HttpAddress };
        using (var signIn = new HttpRequestMessage(HttpMethod.Post, "/api/sign-in"))
        {
            signIn.Headers.Authorization = new("Bearer", token);
            (await browser.SendAsync(signIn, Cancellation)).EnsureSuccessStatusCode();
        }

        using var withCookie = await browser.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        using var anonymous = _kitchen.CreateHttpClient(token: null);
        using var withQuery = await anonymous.GetAsync($"/api/events?access_token={Uri.EscapeDataString(token)}", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        using var queryElsewhere = await anonymous.GetAsync($"/api/stations?access_token={Uri.EscapeDataString(token)}", Cancellation);

        Assert.Equal(HttpStatusCode.OK, withCookie.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withQuery.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, queryElsewhere.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-the-intake-key-0123456789")]
    public async Task OrderIntake_without_the_intake_key_is_UNAUTHENTICATED_and_stores_nothing(string? key)
    {
        var intake = _kitchen.CreateIntakeClient(key);

        var submit = await Assert.ThrowsAsync<RpcException>(() => intake.SubmitOrderAsync(Orders.Request("security-forged"), cancellationToken: Cancellation).ResponseAsync);
        var state = await Assert.ThrowsAsync<RpcException>(() => intake.GetIntakeStateAsync(new IntakeStateRequest(), cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, submit.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, state.StatusCode);
        Assert.Empty(await new KitchenDatabase(ConnectionString).OrderRowCountsAsync(["security-forged"]));
    }

    [Fact]
    public async Task The_board_is_served_with_a_content_security_policy_and_no_sniffing_or_referrer()
    {
        using var client = _kitchen.CreateHttpClient(token: null);

        using var page = await client.GetAsync("/", Cancellation);
        var html = await page.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", page.Headers.GetValues("Referrer-Policy").Single());
        Assert.DoesNotMatch("<script>|<script [^>]*>[^<]+</script>|\\son[a-z]+=", html);
    }

    private string ConnectionString => _kitchen.ConnectionString;

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST")
        {
            request.Content = new StringContent("""{"name":"x","quantity":1}""", Encoding.UTF8, "application/json");
        }

        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
    }
}
