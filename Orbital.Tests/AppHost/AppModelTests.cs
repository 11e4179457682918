using Aspire.Hosting.ApplicationModel;
using Orbital.AppHost.Hosting;
using Orbital.AppHost.MongoDB;
using Orbital.AppHost.PostgreSQL;

namespace Orbital.Tests.AppHost;

/// <summary>Which resources the AppHost builds in each hosting mode, and how the services are wired to them.</summary>
public sealed class AppModelTests
{
    [Fact]
    public async Task Build_machine_mode_runs_local_PostgreSQL_and_reaches_MongoDB_by_connection_string()
    {
        await using var model = await AppModel.BuildAsync(
            "Orbital:PostgreSQL:Hosting=Local",
            "ConnectionStrings:orders=mongodb://127.0.0.1:27017/orbital");

        var postgres = model.Resource<LocalPostgresServerResource>("postgres");
        Assert.IsAssignableFrom<ExecutableResource>(postgres);
        Assert.Equal(
            "Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=postgres;Password={postgres-password.value}",
            postgres.ConnectionStringExpression.ValueExpression);
        Assert.Equal(
            "{postgres.connectionString};Database=kitchen",
            model.Resource<LocalPostgresDatabaseResource>("kitchen").ConnectionStringExpression.ValueExpression);
        Assert.IsAssignableFrom<IResourceWithConnectionString>(model.Resource("orders"));
        Assert.False(model.Has("mongodb"));
        Assert.DoesNotContain(model.Resources(), r => r is ContainerResource);
    }

    [Fact]
    public async Task Kitchen_references_and_waits_for_its_database()
    {
        await using var model = await AppModel.BuildAsync(
            "Orbital:PostgreSQL:Hosting=Local",
            "ConnectionStrings:orders=mongodb://127.0.0.1:27017/orbital");

        var kitchen = model.Resource("kitchen-batch");
        var environment = await model.EnvironmentOf("kitchen-batch");

        Assert.Equal("{kitchen.connectionString}", environment["ConnectionStrings__kitchen"]);
        // Waiting for a database waits for its server too.
        Assert.Equal(["kitchen", "postgres"], AppModel.WaitsOf(kitchen));
        Assert.Contains(kitchen.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key.Contains("kitchen-batch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Order_service_finds_the_kitchen_grpc_endpoint_by_name_and_does_not_wait_for_an_external_MongoDB()
    {
        await using var model = await AppModel.BuildAsync(
            "Orbital:PostgreSQL:Hosting=Local",
            "ConnectionStrings:orders=mongodb://127.0.0.1:27017/orbital");

        var environment = await model.EnvironmentOf("order-management");

        Assert.Equal("{orders.connectionString}", environment["ConnectionStrings__orders"]);
        Assert.Equal("{kitchen-batch.bindings.grpc.url}", environment["services__kitchen-batch__grpc__0"]);
        Assert.Empty(AppModel.WaitsOf(model.Resource("order-management")));
    }

    [Fact]
    public async Task Kitchen_exposes_an_http_endpoint_and_an_http2_grpc_endpoint()
    {
        await using var model = await AppModel.BuildAsync("Orbital:PostgreSQL:Hosting=Local", "Orbital:MongoDB:Hosting=Missing");

        var endpoints = model.Resource("kitchen-batch").Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);

        Assert.Equal("http2", endpoints["grpc"].Transport);
        Assert.Equal("http", endpoints["grpc"].UriScheme);
        Assert.Equal("http", endpoints["http"].Transport);
    }

    [Fact]
    public async Task Without_MongoDB_a_placeholder_shows_it_missing_and_the_order_service_gets_no_connection_string()
    {
        await using var model = await AppModel.BuildAsync("Orbital:PostgreSQL:Hosting=Local", "Orbital:MongoDB:Hosting=Missing");

        var placeholder = model.Resource<MissingDependencyResource>("mongodb");
        var environment = await model.EnvironmentOf("order-management");

        Assert.Equal("MongoDB", placeholder.ResourceType);
        Assert.Contains("ConnectionStrings:orders", placeholder.Remedy, StringComparison.Ordinal);
        Assert.False(model.Has("orders"));
        Assert.DoesNotContain("ConnectionStrings__orders", environment.Keys);
    }

    [Fact]
    public async Task Emulator_mode_runs_MongoDB_in_memory_inside_the_AppHost_and_tells_the_order_service()
    {
        await using var model = await AppModel.BuildAsync("Orbital:PostgreSQL:Hosting=Local", "Orbital:MongoDB:Hosting=Emulator", $"{MongoDBEmulatorExtensions.PortKey}=41999");

        var emulator = model.Resource<MongoDBEmulatorResource>("mongodb");
        var orders = model.Resource<MongoDBDatabaseResource>("orders");
        var environment = await model.EnvironmentOf("order-management");

        Assert.Same(emulator, orders.Parent);
        Assert.Equal("mongodb://127.0.0.1:41999/orbital?replicaSet=rs0", await orders.ConnectionStringExpression.GetValueAsync(TestContext.Current.CancellationToken));
        Assert.Equal("true", environment["MongoDB__orders__Emulator"]);
        Assert.Equal("Beginning", environment["OrderListener__StartFrom"]);
        Assert.Contains("orders", AppModel.WaitsOf(model.Resource("order-management")));
        Assert.Contains(orders.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == "place-sample-order");
    }

    [Fact]
    public async Task Every_way_of_running_MongoDB_has_the_order_commands()
    {
        foreach (var hosting in new[] { "Container", "Local", "Emulator" })
        {
            await using var model = await AppModel.BuildAsync(
                "Orbital:PostgreSQL:Hosting=Local", $"Orbital:MongoDB:Hosting={hosting}", "Orbital:MongoDB:MongodPath=/usr/bin/true");
            Assert.Equal(
                ["place-sample-order", "start-order-simulator", "stop-order-simulator"],
                model.Resource("orders").Annotations.OfType<ResourceCommandAnnotation>().Select(c => c.Name).Where(n => n.Contains("order", StringComparison.Ordinal)).Order());
        }

        await using var external = await AppModel.BuildAsync("Orbital:PostgreSQL:Hosting=Local", "ConnectionStrings:orders=mongodb://db.example/orbital");
        Assert.Contains(external.Resource("orders").Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == "start-order-simulator");
    }

    [Fact]
    public async Task Container_mode_runs_MongoDB_as_a_replica_set_and_Aspire_PostgreSQL()
    {
        await using var model = await AppModel.BuildAsync("Orbital:PostgreSQL:Hosting=Container", "Orbital:MongoDB:Hosting=Container");

        var mongo = model.Resource<MongoDBContainerResource>("mongodb");
        var image = Assert.Single(mongo.Annotations.OfType<ContainerImageAnnotation>());
        var args = await model.ArgumentsOf("mongodb");

        var environment = await model.EnvironmentOf("mongodb");

        Assert.Equal("mongo", image.Image);
        Assert.Equal("bash", mongo.Entrypoint);
        Assert.Equal("-c", args[0]);
        Assert.Contains("--replSet rs0 --bind_ip_all --keyFile /tmp/orbital-mongodb.key", args[1], StringComparison.Ordinal);
        Assert.Contains(mongo.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key == "mongodb_replica_set");
        Assert.Equal("{mongodb-username.value}", environment["MONGO_INITDB_ROOT_USERNAME"]);
        Assert.Equal("{mongodb-password.value}", environment["MONGO_INITDB_ROOT_PASSWORD"]);
        Assert.True(model.Resource<ParameterResource>("mongodb-password").Secret);
        Assert.Equal(
            "mongodb://{mongodb-username.value}:{mongodb-password.value}@{mongodb.bindings.tcp.host}:{mongodb.bindings.tcp.port}/orbital?directConnection=true&authSource=admin",
            model.Resource<MongoDBDatabaseResource>("orders").ConnectionStringExpression.ValueExpression);
        Assert.IsType<PostgresServerResource>(model.Resource("postgres"));
        Assert.IsType<PostgresDatabaseResource>(model.Resource("kitchen"));
        Assert.Equal(["mongodb", "orders"], AppModel.WaitsOf(model.Resource("order-management")));
        Assert.Equal(["kitchen", "postgres"], AppModel.WaitsOf(model.Resource("kitchen-batch")));
    }

    [Fact]
    public async Task Local_mode_runs_mongod_from_the_configured_path_as_a_replica_set_on_loopback()
    {
        var fakeMongod = Path.Combine(Path.GetTempPath(), $"orbital-fake-mongod-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(fakeMongod, "#!/bin/sh\n", TestContext.Current.CancellationToken);
        try
        {
            await using var model = await AppModel.BuildAsync(
                "Orbital:PostgreSQL:Hosting=Local",
                $"{MongoDBLocator.MongodPathKey}={fakeMongod}",
                "Orbital:MongoDB:DataDirectory=/var/tmp/orbital-mongo",
                "Orbital:MongoDB:Hosting=Local");

            var mongo = model.Resource<MongoDBExecutableResource>("mongodb");
            var args = await model.ArgumentsOf("mongodb");

            Assert.Equal(fakeMongod, mongo.Command);
            Assert.Equal(["--replSet", "rs0", "--bind_ip", "127.0.0.1", "--port", "{mongodb.bindings.tcp.targetPort}", "--dbpath", "/var/tmp/orbital-mongo"], args);
            Assert.Equal(["mongodb", "orders"], AppModel.WaitsOf(model.Resource("order-management")));
        }
        finally
        {
            File.Delete(fakeMongod);
        }
    }

    [Fact]
    public async Task The_kitchen_and_the_order_service_share_the_generated_intake_key_and_only_the_kitchen_has_the_manager_key()
    {
        await using var model = await AppModel.BuildAsync("Orbital:PostgreSQL:Hosting=Local", "Orbital:MongoDB:Hosting=Missing");

        var kitchen = await model.EnvironmentOf("kitchen-batch");
        var orders = await model.EnvironmentOf("order-management");

        Assert.True(model.Resource<ParameterResource>("kitchen-manager-key").Secret);
        Assert.True(model.Resource<ParameterResource>("kitchen-intake-key").Secret);
        Assert.Equal("{kitchen-manager-key.value}", kitchen["Kitchen__Auth__ManagerKey"]);
        Assert.Equal("{kitchen-intake-key.value}", kitchen["Kitchen__Auth__IntakeKey"]);
        Assert.Equal("{kitchen-intake-key.value}", orders["OrderListener__Forwarding__IntakeKey"]);
        Assert.DoesNotContain("Kitchen__Auth__ManagerKey", orders.Keys);
        Assert.True(model.Resource<ParameterResource>("health-details-key").Secret);
        Assert.Equal("{health-details-key.value}", orders["Health__DetailsKey"]);
        Assert.Equal("{health-details-key.value}", kitchen["Health__DetailsKey"]);
        Assert.DoesNotContain(orders.Values, v => v.Contains("kitchen-manager-key", StringComparison.Ordinal));
    }
}
