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
    private readonly string _connectionString = connectionString;
    private readonly Action<IWebHostBuilder>? _configure = configure;

    /// <summary>Starts the kitchen and waits until its schema is applied.</summary>
    public static async Task<KitchenAppFactory> StartAsync(LocalPostgresServer postgres, Action<IWebHostBuilder>? configure = null)
    {
        var factory = new KitchenAppFactory(await postgres.CreateDatabaseAsync("kitchen"), configure);
        factory.StartServer();
        var schema = factory.Services.GetRequiredService<KitchenSchemaState>();
        await Eventually.HoldsAsync(() => Task.FromResult(schema.IsReady), "the kitchen schema is applied", TimeSpan.FromSeconds(60));
        return factory;
    }

    /// <summary>The HTTP endpoint when the kitchen runs on real sockets (started on Kestrel).</summary>
    public Uri? HttpAddress { get; private set; }

    /// <summary>The gRPC (HTTP/2) endpoint when the kitchen runs on real sockets.</summary>
    public Uri? GrpcAddress { get; private set; }

    /// <summary>
    /// Starts the kitchen on Kestrel with real sockets on 127.0.0.1 (an HTTP endpoint and an HTTP/2 gRPC one), for
    /// tests where the network matters: streaming, slow readers, a browser.
    /// </summary>
    public static async Task<KitchenAppFactory> StartOnKestrelAsync(LocalPostgresServer postgres, Action<IWebHostBuilder>? configure = null)
    {
        var (http, grpc) = TwoFreePorts();
        return await StartOnKestrelAsync(
            await postgres.CreateDatabaseAsync("kitchen"),
            new Uri($"http://127.0.0.1:{http}"),
            new Uri($"http://127.0.0.1:{grpc}"),
            configure);
    }

    /// <summary>
    /// Starts the kitchen on Kestrel against <paramref name="connectionString"/>; without waiting for its schema
    /// when PostgreSQL is meant to be down at first.
    /// </summary>
    public static Task<KitchenAppFactory> StartOnKestrelAsync(string connectionString, Action<IWebHostBuilder>? configure, bool waitForSchema)
    {
        var (http, grpc) = TwoFreePorts();
        return StartOnKestrelAsync(connectionString, new Uri($"http://127.0.0.1:{http}"), new Uri($"http://127.0.0.1:{grpc}"), configure, waitForSchema);
    }

    /// <summary>Starts a kitchen again where a stopped one ran: same database, same addresses, as after a restart.</summary>
    public static Task<KitchenAppFactory> RestartAsync(KitchenAppFactory stopped, bool waitForSchema = true)
        => StartOnKestrelAsync(stopped._connectionString, stopped.HttpAddress!, stopped.GrpcAddress!, stopped._configure, waitForSchema);

    private static async Task<KitchenAppFactory> StartOnKestrelAsync(string connectionString, Uri http, Uri grpc, Action<IWebHostBuilder>? configure, bool waitForSchema = true)
    {
        var factory = new KitchenAppFactory(connectionString, builder =>
        {
            builder.UseSetting("Kestrel:Endpoints:http:Url", http.ToString());
            builder.UseSetting("Kestrel:Endpoints:grpc:Url", grpc.ToString());
            configure?.Invoke(builder);
        })
        {
            HttpAddress = http,
            GrpcAddress = grpc,
        };
        factory.UseKestrel();
        factory.StartServer();
        if (!waitForSchema)
        {
            return factory;
        }

        var schema = factory.Services.GetRequiredService<KitchenSchemaState>();
        await Eventually.HoldsAsync(() => Task.FromResult(schema.IsReady), "the kitchen schema is applied", TimeSpan.FromSeconds(60));
        return factory;
    }

    /// <summary>A gRPC client of the kitchen's <c>OrderIntake</c> service.</summary>
    public OrderIntake.OrderIntakeClient CreateIntakeClient()
    {
        var channel = GrpcAddress is null
            ? GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Server.CreateHandler() })
            : GrpcChannel.ForAddress(GrpcAddress);
        return new OrderIntake.OrderIntakeClient(channel);
    }

    /// <summary>An HTTP client of the kitchen: in-memory, or over the socket when on Kestrel.</summary>
    public HttpClient CreateHttpClient() => HttpAddress is null ? CreateClient() : new HttpClient { BaseAddress = HttpAddress };

    /// <summary>Two distinct free ports: both are held until both are known, so they cannot be the same.</summary>
    private static (int First, int Second) TwoFreePorts()
    {
        using var first = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        using var second = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        return (((System.Net.IPEndPoint)first.LocalEndpoint).Port, ((System.Net.IPEndPoint)second.LocalEndpoint).Port);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:kitchen", _connectionString);
        _configure?.Invoke(builder);
    }
}
