using System.Net.Http.Json;
using System.Text.Json;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Stations;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen;

/// <summary>The REST API as a station screen uses it, plus order submission over gRPC.</summary>
internal sealed class KitchenApiClient(HttpClient http, OrderIntake.OrderIntakeClient intake) : IDisposable
{
    public HttpClient Http => http;

    public void Dispose() => http.Dispose();

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async Task SubmitAsync(string orderId, DateTime placedAt, params (string Station, string Item, int Quantity)[] lines)
        => await SubmitAsync(orderId, placedAt, [], lines);

    public async Task SubmitAsync(string orderId, DateTime placedAt, string[] modifiers, params (string Station, string Item, int Quantity)[] lines)
    {
        var request = Orders.Request(orderId, lines);
        request.PlacedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(placedAt);
        foreach (var item in request.Stations.SelectMany(s => s.Items))
        {
            item.Modifiers.AddRange(modifiers);
        }

        await intake.SubmitOrderAsync(request, cancellationToken: Cancellation);
    }

    public async Task<StationBatchItemsView> StationAsync(string station)
        => (await http.GetFromJsonAsync<StationBatchItemsView>($"/api/stations/{Uri.EscapeDataString(station)}/batch-items", KitchenJson.Options, Cancellation))!;

    public async Task<BatchItemView> BatchItemAsync(string station, string item)
        => (await StationAsync(station)).Items.Single(i => i.ItemName == item);

    public Task<HttpResponseMessage> PostAsync(long batchItemId, string action, object body)
        => http.PostAsJsonAsync($"/api/batch-items/{batchItemId}/{action}", body, Cancellation);

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
        => await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
}
