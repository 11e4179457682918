using System.Text.Json;
using Aspire.Hosting.Testing;

namespace Orbital.Tests.AppHost;

/// <summary>The deployment manifest azd reads: what it deploys and which secrets it asks for.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task Manifest_deploys_both_services_PostgreSQL_and_asks_for_the_MongoDB_connection_string()
    {
        var manifest = await PublishManifestAsync();
        var resources = manifest.GetProperty("resources");

        var orders = resources.GetProperty("orders");
        Assert.Equal("parameter.v0", orders.GetProperty("type").GetString());
        Assert.True(orders.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());

        Assert.Equal("container.v0", resources.GetProperty("postgres").GetProperty("type").GetString());
        Assert.Equal("project.v0", resources.GetProperty("kitchen-batch").GetProperty("type").GetString());
        Assert.Equal("project.v0", resources.GetProperty("order-management").GetProperty("type").GetString());

        // Nothing that only runs on a developer's machine reaches a deployment.
        Assert.DoesNotContain(
            resources.EnumerateObject(),
            r => r.Value.TryGetProperty("type", out var type) && type.GetString()!.StartsWith("executable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Manifest_wires_the_order_service_to_the_kitchen_grpc_endpoint_over_http2()
    {
        var resources = (await PublishManifestAsync()).GetProperty("resources");

        var kitchen = resources.GetProperty("kitchen-batch");
        var grpc = kitchen.GetProperty("bindings").GetProperty("grpc");
        var orderEnvironment = resources.GetProperty("order-management").GetProperty("env");

        Assert.Equal("http2", grpc.GetProperty("transport").GetString());
        Assert.Equal(50051, grpc.GetProperty("targetPort").GetInt32());
        Assert.Equal("{kitchen.connectionString}", kitchen.GetProperty("env").GetProperty("ConnectionStrings__kitchen").GetString());
        Assert.Equal("{orders.connectionString}", orderEnvironment.GetProperty("ConnectionStrings__orders").GetString());
        Assert.Equal("{kitchen-batch.bindings.grpc.url}", orderEnvironment.GetProperty("services__kitchen-batch__grpc__0").GetString());
    }

    [Fact]
    public async Task Manifest_asks_for_the_kitchen_keys_as_secrets_and_exposes_only_the_kitchens_http_endpoint()
    {
        var resources = (await PublishManifestAsync()).GetProperty("resources");

        foreach (var key in new[] { "kitchen-manager-key", "kitchen-intake-key", "health-details-key" })
        {
            var parameter = resources.GetProperty(key);
            Assert.Equal("parameter.v0", parameter.GetProperty("type").GetString());
            Assert.True(parameter.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean(), $"{key} is a secret");
        }

        var kitchen = resources.GetProperty("kitchen-batch");
        Assert.Equal("{kitchen-intake-key.value}", kitchen.GetProperty("env").GetProperty("Kitchen__Auth__IntakeKey").GetString());
        Assert.Equal("{kitchen-intake-key.value}", resources.GetProperty("order-management").GetProperty("env").GetProperty("OrderListener__Forwarding__IntakeKey").GetString());
        Assert.True(kitchen.GetProperty("bindings").GetProperty("http").GetProperty("external").GetBoolean());
        Assert.False(kitchen.GetProperty("bindings").GetProperty("grpc").TryGetProperty("external", out var grpcExternal) && grpcExternal.GetBoolean());
        Assert.DoesNotContain(
            resources.GetProperty("order-management").GetProperty("bindings").EnumerateObject(),
            b => b.Value.TryGetProperty("external", out var external) && external.GetBoolean());
    }

    private static async Task<JsonElement> PublishManifestAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var outputDirectory = Directory.CreateTempSubdirectory("orbital-manifest-");
        try
        {
            var path = Path.Combine(outputDirectory.FullName, "aspire-manifest.json");
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Orbital_AppHost>(
                ["--publisher", "manifest", "--output-path", path], cancellationToken);
            await using var app = await builder.BuildAsync(cancellationToken);
            await app.RunAsync(cancellationToken);

            await using var file = File.OpenRead(path);
            using var document = await JsonDocument.ParseAsync(file, cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }
        finally
        {
            outputDirectory.Delete(recursive: true);
        }
    }
}
