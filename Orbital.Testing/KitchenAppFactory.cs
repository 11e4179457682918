using System.Net.Http.Json;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Intake;

namespace Orbital.Testing;

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

    /// <summary>The kitchen's PostgreSQL database, as it runs with it.</summary>
    public string ConnectionString => _connectionString;

    /// <summary>The kitchen's tables, read and written directly.</summary>
    public KitchenDatabase Database => new(_connectionString);

    /// <summary>The manager key every test kitchen runs with (tests only; a real one is a generated secret).</summary>
    public const string ManagerKey = "test-manager-key-0123456789abcdef";

    /// <summary>The intake key every test kitchen runs with.</summary>
    public const string IntakeKey = "test-intake-key-0123456789abcdef";

    /// <summary>A gRPC client of the kitchen's <c>OrderIntake</c> service, sending <paramref name="intakeKey"/> (none: no credentials).</summary>
    public OrderIntake.OrderIntakeClient CreateIntakeClient(string? intakeKey = IntakeKey)
    {
        var options = GrpcAddress is null
            ? new GrpcChannelOptions { HttpHandler = Server.CreateHandler() }
            : new GrpcChannelOptions();
        if (intakeKey is not null)
        {
            options.Credentials = Grpc.Core.ChannelCredentials.Create(
                Grpc.Core.ChannelCredentials.Insecure,
                Grpc.Core.CallCredentials.FromInterceptor((_, metadata) =>
                {
                    metadata.Add("Authorization", $"Bearer {intakeKey}");
                    return Task.CompletedTask;
                }));
            options.UnsafeUseInsecureChannelCallCredentials = true;
        }

        return new OrderIntake.OrderIntakeClient(GrpcChannel.ForAddress(GrpcAddress ?? Server.BaseAddress, options));
    }

    /// <summary>An HTTP client of the kitchen, in-memory or over the socket when on Kestrel, with the manager key.</summary>
    public HttpClient CreateHttpClient() => CreateHttpClient(ManagerKey);

    /// <summary>An HTTP client of the kitchen presenting <paramref name="token"/> (none: anonymous).</summary>
    public HttpClient CreateHttpClient(string? token)
    {
        var client = HttpAddress is null ? CreateClient() : new HttpClient { BaseAddress = HttpAddress };
        client.DefaultRequestHeaders.Authorization = token is null ? null : new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Creates a device (for one station, or all) with the manager key, and returns its token.</summary>
    public async Task<string> CreateDeviceTokenAsync(string name, string? station = null)
    {
        using var client = CreateHttpClient();
        using var response = await client.PostAsJsonAsync("/api/devices", new { name, station }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        return created.GetProperty("token").GetString()!;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ManagerKey);
    }

    /// <summary>Two distinct free ports, outside the range outgoing connections take theirs from (<see cref="LoopbackPorts"/>): a restarted kitchen binds them again.</summary>
    private static (int First, int Second) TwoFreePorts() => (LoopbackPorts.Next(), LoopbackPorts.Next());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:kitchen", _connectionString);
        builder.UseSetting("Kitchen:Auth:ManagerKey", ManagerKey);
        builder.UseSetting("Kitchen:Auth:IntakeKey", IntakeKey);
        builder.UseSetting("Kitchen:Auth:RevocationRefresh", "00:00:00.200");
        builder.UseSetting("Kitchen:Surplus:ExpiryInterval", "00:00:01");

        // Tests open many streams and write fast with one key; the limits' own tests set them low.
        builder.UseSetting("Kitchen:Limits:StreamsPerToken", "1000");
        builder.UseSetting("Kitchen:Limits:WritesPerSecond", "10000");
        builder.UseSetting("Kitchen:Limits:WriteBurst", "10000");

        // Test kitchens each have a database, and so a connection pool, of their own, and pools outlive their kitchens:
        // connections kept open for every one of them would exhaust the test server's. (Kitchens started by the
        // AppHost keep theirs.)
        builder.UseSetting("Kitchen:Limits:WarmDatabaseConnections", "0");
        _configure?.Invoke(builder);
    }
}
