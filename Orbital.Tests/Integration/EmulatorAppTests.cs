using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orbital.AppHost.MongoDB;
using Orbital.Testing;

namespace Orbital.Tests.Integration;

/// <summary>
/// <c>dotnet run --project Orbital.AppHost</c> on a machine with nothing installed but PostgreSQL: MongoDB is the
/// in-memory emulator, the simulator places orders, and they reach the kitchen.
/// </summary>
[Collection(AppWithEmulatorCollection.Name)]
public sealed class EmulatorAppTests(AppWithEmulatorFixture app)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_no_MongoDB_configured_the_simulators_orders_reach_the_kitchen_through_the_emulator()
    {
        Assert.IsType<MongoDBEmulatorResource>(app.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "mongodb"));

        var orders = await Eventually.ReturnsAsync(
            async () => await KitchenOrderCountAsync(),
            count => count >= 3,
            "the simulated platform's orders are in the kitchen",
            TimeSpan.FromSeconds(90));

        Assert.True(orders >= 3);
    }

    [Fact]
    public async Task The_order_services_health_says_it_reads_from_the_emulator()
    {
        using var client = app.CreateHttpClient("order-management");

        var health = await Eventually.ReturnsAsync(
            async () => await client.GetFromJsonAsync<JsonElement>("/health", Cancellation),
            h => h.GetProperty("checks").TryGetProperty("mongodb-orders", out var mongo) && mongo.GetProperty("status").GetString() == "Healthy",
            "the order service reaches the emulator");

        Assert.Contains("in-memory development emulator", health.GetProperty("checks").GetProperty("mongodb-orders").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboards_place_sample_order_command_places_an_order_the_kitchen_receives()
    {
        var result = await app.App.ResourceCommands.ExecuteCommandAsync("orders", "place-sample-order", Cancellation);

        Assert.True(result.Success, result.Message);
        var orderId = result.Message!.Split(' ')[^1].TrimEnd('.');
        using var kitchen = await KitchenAsync();
        await Eventually.HoldsAsync(
            async () =>
            {
                using var response = await kitchen.GetAsync($"/api/orders/{orderId}", Cancellation);
                return response.IsSuccessStatusCode;
            },
            $"order {orderId} is in the kitchen",
            TimeSpan.FromSeconds(60));
    }

    private async Task<long> KitchenOrderCountAsync()
    {
        var kitchen = new KitchenDatabase((await app.App.GetConnectionStringAsync("kitchen", Cancellation))!);
        return await kitchen.ScalarAsync<long>("SELECT count(*) FROM orders");
    }

    private async Task<HttpClient> KitchenAsync()
    {
        var client = app.CreateHttpClient("kitchen-batch");
        client.DefaultRequestHeaders.Authorization = new("Bearer", await app.ParameterValueAsync("kitchen-manager-key"));
        return client;
    }
}
