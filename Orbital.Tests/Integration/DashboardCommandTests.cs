using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Orbital.Testing;

namespace Orbital.Tests.Integration;

/// <summary>
/// Pairing without curl: the kitchen resource's dashboard commands create a pairing code with the manager key (held
/// by the AppHost) and show it; the code pairs a screen, or a manager device that reads the analytics.
/// </summary>
[Collection(OrbitalAppCollection.Name)]
public sealed partial class DashboardCommandTests(OrbitalAppFixture app)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pair_a_manager_device_shows_a_code_that_pairs_a_device_which_reads_the_analytics()
    {
        var token = await PairWithCommandAsync("pair-manager-device");

        using var device = app.CreateHttpClient("kitchen-batch");
        device.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var analytics = await device.GetAsync("/api/analytics", Cancellation);
        Assert.Equal(HttpStatusCode.OK, analytics.StatusCode);
    }

    [Fact]
    public async Task Pair_a_screen_shows_a_code_that_pairs_a_screen_which_may_not_read_the_analytics()
    {
        var token = await PairWithCommandAsync("pair-screen");

        using var screen = app.CreateHttpClient("kitchen-batch");
        screen.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await screen.GetAsync("/api/stations", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await screen.GetAsync("/api/analytics", Cancellation)).StatusCode);
    }

    private async Task<string> PairWithCommandAsync(string command)
    {
        var result = await app.App.ResourceCommands.ExecuteCommandAsync("kitchen-batch", command, Cancellation);
        Assert.True(result.Success, result.Message);
        var code = PairingCode().Match(result.Message ?? string.Empty);
        Assert.True(code.Success, $"The command shows a pairing code: {result.Message}");

        using var kitchen = app.CreateHttpClient("kitchen-batch");
        using var paired = await kitchen.PostAsJsonAsync("/api/devices/pair", new { code = code.Value }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, paired.StatusCode);
        return (await paired.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("token").GetString()!;
    }

    [GeneratedRegex(@"\b\d{4}-\d{4}\b")]
    private static partial Regex PairingCode();
}
