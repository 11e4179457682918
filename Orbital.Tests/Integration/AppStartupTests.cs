using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orbital.Testing;

namespace Orbital.Tests.Integration;

/// <summary>The whole app starts on a build machine: no Docker, PostgreSQL from local binaries, no MongoDB.</summary>
[Collection(AppWithoutMongoDBCollection.Name)]
public sealed class AppStartupTests(AppWithoutMongoDBFixture app)
{
    [Theory]
    [InlineData("order-management")]
    [InlineData("kitchen-batch")]
    public async Task Both_services_answer_ping(string service)
    {
        using var client = app.CreateHttpClient(service);

        var ping = await client.GetFromJsonAsync<JsonElement>("/ping", TestContext.Current.CancellationToken);

        Assert.Equal("pong", ping.GetProperty("status").GetString());
        Assert.Equal(service, ping.GetProperty("service").GetString());
    }

    [Fact]
    public async Task Kitchen_is_healthy_with_its_schema_applied_in_PostgreSQL()
    {
        using var client = app.CreateHttpClient("kitchen-batch");

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var health = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("KitchenDbContext").GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("kitchen-schema").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Order_service_stays_alive_and_reports_MongoDB_missing_in_health()
    {
        using var client = app.CreateHttpClient("order-management");

        using var alive = await client.GetAsync("/alive", TestContext.Current.CancellationToken);
        using var health = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var report = await health.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var mongo = report.GetProperty("checks").GetProperty("mongodb-orders");

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", mongo.GetProperty("status").GetString());
        Assert.Contains("ConnectionStrings:orders", mongo.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
