using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orbital.AppHost.Hosting;

/// <summary>
/// The kitchen's HTTP API as the AppHost calls it: with the manager key, at the kitchen's <c>http</c> endpoint (the
/// orchestrator's proxy, which spreads calls over the replicas). A refusal comes back as a <see cref="KitchenProblem"/>;
/// a kitchen that does not answer throws <see cref="HttpRequestException"/> (or <see cref="TaskCanceledException"/>
/// after 10 s).
/// </summary>
internal sealed class KitchenClient(ProjectResource kitchen, ParameterResource managerKey) : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The kitchen's address as a browser on this machine opens it; waits until the endpoint is allocated.</summary>
    public async Task<Uri> BaseAddressAsync(CancellationToken cancellationToken)
    {
        var url = await kitchen.GetEndpoint("http").GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The kitchen's http endpoint has no address.");
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }

    public Task<KitchenAnswer<IReadOnlyList<KitchenStation>>> StationsAsync(CancellationToken cancellationToken)
        => SendAsync<IReadOnlyList<KitchenStation>>(HttpMethod.Get, "api/stations", content: null, cancellationToken);

    public Task<KitchenAnswer<IReadOnlyList<KitchenProductionItem>>> ProductionItemsAsync(CancellationToken cancellationToken)
        => SendAsync<IReadOnlyList<KitchenProductionItem>>(HttpMethod.Get, "api/production-items", content: null, cancellationToken);

    public async Task<KitchenAnswer<IReadOnlyList<KitchenBatchItem>>> BatchItemsAsync(string station, CancellationToken cancellationToken)
    {
        var answer = await SendAsync<StationBatchItems>(HttpMethod.Get, $"api/stations/{Uri.EscapeDataString(station)}/batch-items", content: null, cancellationToken).ConfigureAwait(false);
        return new(answer.Value?.Items, answer.Problem);
    }

    /// <summary>A pairing code for a device to be: <paramref name="role"/> is <c>screen</c> or <c>manager</c>; no station: every station.</summary>
    public Task<KitchenAnswer<KitchenPairingCode>> CreatePairingCodeAsync(string name, string? station, string role, CancellationToken cancellationToken)
        => SendAsync<KitchenPairingCode>(HttpMethod.Post, "api/devices/pairing-codes", JsonContent.Create(new PairingCodeRequest(name, station, role), options: s_json), cancellationToken);

    /// <summary>Starts <paramref name="quantity"/> of a batch item; null when the kitchen did.</summary>
    public Task<KitchenProblem?> StartAsync(long batchItemId, int quantity, CancellationToken cancellationToken)
        => PostQuantityAsync($"api/batch-items/{batchItemId}/start", quantity, cancellationToken);

    /// <summary>Completes <paramref name="quantity"/> of a batch item; null when the kitchen did.</summary>
    public Task<KitchenProblem?> CompleteAsync(long batchItemId, int quantity, CancellationToken cancellationToken)
        => PostQuantityAsync($"api/batch-items/{batchItemId}/complete", quantity, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<KitchenProblem?> PostQuantityAsync(string path, int quantity, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(HttpMethod.Post, path, JsonContent.Create(new QuantityRequest(quantity), options: s_json), cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? null : await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<KitchenAnswer<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendRawAsync(method, path, content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return new(null, await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
        }

        return new(await response.Content.ReadFromJsonAsync<T>(s_json, cancellationToken).ConfigureAwait(false), null);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var address = new Uri(await BaseAddressAsync(cancellationToken).ConfigureAwait(false), path);
        using var request = new HttpRequestMessage(method, address) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await managerKey.GetValueAsync(cancellationToken).ConfigureAwait(false));
        return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ProblemDetails of a refusal: its title and detail, or a validation problem's errors.</summary>
    private static async Task<KitchenProblem> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        ProblemBody? body = null;
        try
        {
            body = text.StartsWith('{') ? JsonSerializer.Deserialize<ProblemBody>(text, s_json) : null;
        }
        catch (JsonException)
        {
            // Not a ProblemDetails (a proxy's answer while no replica runs, say): the status says what went wrong.
        }

        var detail = body?.Detail
            ?? (body?.Errors is { Count: > 0 } errors ? string.Join(" ", errors.Values.SelectMany(e => e)) : null)
            ?? (response.StatusCode == HttpStatusCode.Unauthorized ? "The kitchen did not accept the manager key (the kitchen-manager-key parameter)." : null);
        return new KitchenProblem(response.StatusCode, body?.Title ?? $"{(int)response.StatusCode} {response.ReasonPhrase}", detail);
    }

    private sealed record PairingCodeRequest(string Name, string? Station, string Role);

    private sealed record QuantityRequest(int Quantity);

    private sealed record StationBatchItems(IReadOnlyList<KitchenBatchItem> Items);

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}
