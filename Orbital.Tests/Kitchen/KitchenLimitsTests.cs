using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orbital.Testing;
using Orbital.Tests.Kitchen.Screens;

namespace Orbital.Tests.Kitchen;

/// <summary>What one caller may ask of the kitchen: bodies, event streams, writes, and how far back a replay goes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class KitchenLimitsTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private KitchenAppFactory _kitchen = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, builder =>
    {
        builder.UseSetting("Kitchen:Limits:StreamsPerToken", "2");
        builder.UseSetting("Kitchen:Limits:StreamsTotal", "3");
        builder.UseSetting("Kitchen:Limits:WritesPerSecond", "1");
        builder.UseSetting("Kitchen:Limits:WriteBurst", "3");
        builder.UseSetting("KitchenEvents:RetainedEvents", "100");
        builder.UseSetting("Kitchen:Limits:PairingAttemptsPerMinute", "2");
    });

    public async ValueTask DisposeAsync() => await _kitchen.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_JSON_body_over_64_KB_is_refused_with_413(bool declaresItsLength)
    {
        using var client = _kitchen.CreateHttpClient();
        var body = $$"""{"quantity":1,"padding":"{{new string('x', 70 * 1024)}}"}""";
        using var content = declaresItsLength
            ? (HttpContent)new StringContent(body, Encoding.UTF8, "application/json")
            : new StreamedJson(body);

        using var response = await client.PostAsync("/api/batch-items/1/start", content, Cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Event_streams_are_capped_per_token_with_429_and_in_total_with_503_each_with_Retry_After()
    {
        var first = await _kitchen.CreateDeviceTokenAsync("first");
        var second = await _kitchen.CreateDeviceTokenAsync("second");
        await using var a = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, token: first);
        await using var b = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, token: first);
        await using var thirdOfFirst = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, token: first);
        await using var c = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, token: second);
        await using var overTotal = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, token: second);

        Assert.Equal(HttpStatusCode.OK, a.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.Response.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, thirdOfFirst.Response.StatusCode);
        Assert.NotNull(thirdOfFirst.Response.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, c.Response.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, overTotal.Response.StatusCode);
        Assert.NotNull(overTotal.Response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_closed_stream_frees_its_place()
    {
        var token = await _kitchen.CreateDeviceTokenAsync("reconnecting");
        await (await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, token: token)).DisposeAsync();
        await (await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, token: token)).DisposeAsync();

        await Eventually.HoldsAsync(
            async () =>
            {
                await using var again = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, token: token);
                return again.Response.StatusCode == HttpStatusCode.OK;
            },
            "a stream can be opened again once the earlier ones closed");
    }

    [Fact]
    public async Task Writes_beyond_a_tokens_rate_are_refused_with_429_and_Retry_After()
    {
        using var tablet = _kitchen.CreateHttpClient(await _kitchen.CreateDeviceTokenAsync("busy tablet"));

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add(await tablet.PostAsJsonAsync("/api/batch-items/999999/start", new { quantity = 1 }, Cancellation));
        }

        var refused = statuses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.NotFound, statuses[0].StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Guessing_pairing_codes_is_cut_off_with_429_after_a_few_attempts_a_minute()
    {
        using var anonymous = _kitchen.CreateHttpClient(token: null);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await anonymous.PostAsJsonAsync("/api/devices/pair", new { code = $"0000-000{i}" }, Cancellation)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], answers);
    }

    [Fact]
    public async Task A_replay_larger_than_the_retained_events_is_a_reset_not_the_whole_table()
    {
        var intake = _kitchen.CreateIntakeClient();
        for (var i = 0; i < 60; i++)
        {
            await intake.SubmitOrderAsync(Orders.Request($"limits-replay-{i:D2}"), cancellationToken: Cancellation);
        }

        await using var screen = await SseTestClient.ConnectAsync(_kitchen.HttpAddress!, lastEventId: "0");
        var first = await screen.NextAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("reset", first?.EventType);
        Assert.Contains("retained", JsonDocument.Parse(first!.Value.Data).RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A JSON body sent without a Content-Length, as a client streaming it would.</summary>
    private sealed class StreamedJson : HttpContent
    {
        public StreamedJson(string json)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new("application/json");
        }

        private readonly byte[] _bytes;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
