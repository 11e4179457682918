using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbital.KitchenBatch.Model;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen;

/// <summary>
/// Taps on flaky kitchen Wi-Fi: a write retried with the same <c>Idempotency-Key</c> answers what the first answered
/// and changes nothing twice, even when the retries race; the same key with another request is refused.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IdempotencyTests : IClassFixture<KitchenFixture>
{
    private readonly KitchenFixture _kitchen;
    private readonly KitchenApiClient _api;
    private readonly string _station = $"Idem-{Guid.NewGuid():N}"[..14];

    public IdempotencyTests(KitchenFixture kitchen)
    {
        _kitchen = kitchen;
        _api = new KitchenApiClient(kitchen.CreateClient(), kitchen.Intake);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_complete_retried_after_a_timeout_answers_the_first_result_and_completes_once()
    {
        var burger = await OpenAsync(4);
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync($"/api/batch-items/{burger}/complete", new { quantity = 2 }, key);
        using var retry = await PostAsync($"/api/batch-items/{burger}/complete", new { quantity = 2 }, key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(Cancellation), await retry.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, (await _api.BatchItemAsync(_station, "Burger")).OpenQuantity);
    }

    [Fact]
    public async Task Retries_that_race_with_one_key_complete_once_and_all_get_the_same_answer()
    {
        var burger = await OpenAsync(10);
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var response = await PostAsync($"/api/batch-items/{burger}/complete", new { quantity = 3 }, key);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Cancellation));
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Equal(7, (await _api.BatchItemAsync(_station, "Burger")).OpenQuantity);
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_and_changes_nothing()
    {
        var burger = await OpenAsync(4);
        var key = Guid.NewGuid().ToString();
        (await PostAsync($"/api/batch-items/{burger}/start", new { quantity = 1 }, key)).Dispose();

        using var other = await PostAsync($"/api/batch-items/{burger}/start", new { quantity = 2 }, key);

        Assert.Equal((HttpStatusCode)422, other.StatusCode);
        Assert.Contains("another request", (await KitchenApiClient.JsonAsync(other)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await _api.BatchItemAsync(_station, "Burger")).InProgressQuantity);
    }

    [Fact]
    public async Task A_refused_request_is_not_remembered_so_the_same_tap_can_succeed_later()
    {
        var burger = await OpenAsync(1);
        var key = Guid.NewGuid().ToString();

        using var refused = await PostAsync($"/api/batch-items/{burger}/complete", new { quantity = 2 }, key);
        await _api.SubmitAsync(Unique("more"), DateTime.UtcNow, (_station, "Burger", 1));
        using var later = await PostAsync($"/api/batch-items/{burger}/complete", new { quantity = 2 }, key);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task A_discard_retried_discards_once()
    {
        var orderId = Unique("discard");
        await _api.SubmitAsync(orderId, DateTime.UtcNow, (_station, "Fries", 3));
        var fries = await _api.BatchItemAsync(_station, "Fries");
        (await _api.PostAsync(fries.Id, "complete", new { quantity = 3 })).EnsureSuccessStatusCode();
        await _kitchen.Intake.CancelOrderAsync(new Orbital.Contracts.Orders.OrderCancellation { OrderId = orderId, Revision = 99 }, cancellationToken: Cancellation);
        var key = Guid.NewGuid().ToString();

        using var first = await PostAsync($"/api/surplus/{fries.Id}/discard", new { quantity = 1, reason = "dropped" }, key);
        using var retry = await PostAsync($"/api/surplus/{fries.Id}/discard", new { quantity = 1, reason = "dropped" }, key);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(2, (await retry.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("quantity").GetInt32());
        Assert.Equal(1L, await _kitchen.Database.ScalarAsync<long>("SELECT count(*) FROM waste_records WHERE batch_item_id = $1 AND reason = 'dropped'", fries.Id));
    }

    [Fact]
    public async Task A_pairing_retried_gets_the_same_device_and_token_and_makes_one_device()
    {
        var codeKey = Guid.NewGuid().ToString();
        var name = Unique("tablet");
        using var code = await PostAsync("/api/devices/pairing-codes", new { name }, codeKey);
        using var codeAgain = await PostAsync("/api/devices/pairing-codes", new { name }, codeKey);
        var pairingCode = (await KitchenApiClient.JsonAsync(code)).GetProperty("code").GetString();
        using var anonymous = _kitchen.Kitchen.CreateHttpClient(token: null);
        var pairKey = Guid.NewGuid().ToString();

        using var paired = await PostAsync("/api/devices/pair", new { code = pairingCode }, pairKey, anonymous);
        using var pairedAgain = await PostAsync("/api/devices/pair", new { code = pairingCode }, pairKey, anonymous);

        Assert.Equal(HttpStatusCode.Created, codeAgain.StatusCode);
        Assert.Equal(pairingCode, (await KitchenApiClient.JsonAsync(codeAgain)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, pairedAgain.StatusCode);
        var token = (await KitchenApiClient.JsonAsync(paired)).GetProperty("token").GetString();
        Assert.Equal(token, (await KitchenApiClient.JsonAsync(pairedAgain)).GetProperty("token").GetString());
        Assert.Equal(1L, await _kitchen.Database.ScalarAsync<long>("SELECT count(*) FROM devices WHERE name = $1", name));
        var stored = await _kitchen.Database.ScalarAsync<byte[]>("SELECT response FROM idempotency_keys WHERE key = $1", pairKey);
        Assert.DoesNotContain(token!, System.Text.Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_creation_retried_makes_one_device()
    {
        var key = Guid.NewGuid().ToString();
        var name = Unique("screen");

        using var created = await PostAsync("/api/devices", new { name }, key);
        using var again = await PostAsync("/api/devices", new { name }, key);

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(created.Headers.Location, again.Headers.Location);
        Assert.Equal(1L, await _kitchen.Database.ScalarAsync<long>("SELECT count(*) FROM devices WHERE name = $1", name));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData(null)]
    public async Task An_unusable_key_is_400(string? key)
    {
        key ??= new string('k', 256);
        var burger = await OpenAsync(1);

        using var response = await PostAsync($"/api/batch-items/{burger}/start", new { quantity = 1 }, key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await _api.BatchItemAsync(_station, "Burger")).InProgressQuantity);
    }

    /// <summary>A new order of <paramref name="burgers"/> burgers at this class's station; the burger batch item's id.</summary>
    private async Task<long> OpenAsync(int burgers)
    {
        await _api.SubmitAsync(Unique("idem"), DateTime.UtcNow, (_station, "Burger", burgers));
        return (await _api.BatchItemAsync(_station, "Burger")).Id;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, object body, string key, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: KitchenJson.Options) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await (client ?? _api.Http).SendAsync(request, Cancellation);
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..20];
}
