using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Grpc;
using Orbital.KitchenBatch.Services;

namespace Orbital.Tests.Infrastructure;

/// <summary>The kitchen service hosted in-process against its own database on the test PostgreSQL server.</summary>
public sealed class KitchenAppFactory(string connectionString, Action<IWebHostBuilder>? configure = null)
    : WebApplicationFactory<OrderIntakeService>
{
    /// <summary>Starts the kitchen and waits until its schema is applied.</summary>
    public static async Task<KitchenAppFactory> StartAsync(LocalPostgresServer postgres, Action<IWebHostBuilder>? configure = null)
    {
        var factory = new KitchenAppFactory(await postgres.CreateDatabaseAsync("kitchen"), configure);
        factory.StartServer();
        var schema = factory.Services.GetRequiredService<KitchenSchemaState>();
        await Eventually.HoldsAsync(() => Task.FromResult(schema.IsReady), "the kitchen schema is applied", TimeSpan.FromSeconds(60));
        return factory;
    }

    /// <summary>A gRPC client of the kitchen's <c>OrderIntake</c> service.</summary>
    public OrderIntake.OrderIntakeClient CreateIntakeClient()
    {
        var channel = GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() });
        return new OrderIntake.OrderIntakeClient(channel);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:kitchen", connectionString);
        configure?.Invoke(builder);
    }
}
