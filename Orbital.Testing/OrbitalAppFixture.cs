using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orbital.Testing.MongoDB;

namespace Orbital.Testing;

/// <summary>
/// The whole Orbital app through its AppHost, with MongoDB given as a connection string (the wire double in
/// CI, a real server when one is reachable) and PostgreSQL from the machine's binaries. Retry waits are
/// shortened so that outage scenarios take seconds; the production defaults are 1 s to 60 s.
/// </summary>
public sealed class OrbitalAppFixture : DistributedAppFixture
{
    private readonly string _database = MongoDBFixture.UniqueDatabaseName("orbital");
    private IMongoTestServer _mongo = null!;
    private PlatformDatabase _platform = null!;

    public IMongoTestServer Mongo => _mongo;

    public PlatformDatabase Platform => _platform;

    public KitchenDatabase Kitchen { get; private set; } = null!;

    protected override IEnumerable<string> Settings =>
    [
        $"ConnectionStrings:orders={_mongo.ConnectionString(_database)}",
        $"Orbital:Replicas:Kitchen={Replicas}",
        $"Orbital:Replicas:OrderManagement={Replicas}",
    ];

    /// <summary>How many instances of each service run (each service's endpoint is then a proxy in front of them).</summary>
    public int Replicas { get; init; } = 1;

    public override async ValueTask InitializeAsync()
    {
        _mongo = await MongoDBFixture.CreateAsync();
        _platform = new PlatformDatabase(_mongo.ConnectionString(_database));
        await base.InitializeAsync();
        await App.ResourceNotifications.WaitForResourceHealthyAsync("order-management", TestContext.Current.CancellationToken);
        Kitchen = new KitchenDatabase((await App.GetConnectionStringAsync("kitchen", TestContext.Current.CancellationToken))!);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _platform?.Dispose();
        if (_mongo is not null)
        {
            await _mongo.DisposeAsync();
        }
    }

    /// <summary>Whether retry waits are shortened (tests); false runs the services with the production timings (chaos runs).</summary>
    public bool ShortRetries { get; init; } = true;

    /// <summary>
    /// Whether clients reach the kitchen's HTTP endpoint directly rather than through the orchestrator's development
    /// proxy (as screens do when deployed); for benchmarks that should not measure the proxy.
    /// </summary>
    public bool KitchenHttpUnproxied { get; init; }

    /// <summary>Whether the resources' console output is also logged by this process (it is always kept in files).</summary>
    public bool ResourceLogsOnConsole { get; init; } = true;

    protected override void ConfigureBuilder(IDistributedApplicationTestingBuilder builder)
    {
        base.ConfigureBuilder(builder);
        if (!ResourceLogsOnConsole)
        {
            builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }

        if (KitchenHttpUnproxied)
        {
            builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "kitchen-batch"))
                .WithEndpoint("http", endpoint => endpoint.IsProxied = false);
        }

        if (!ShortRetries)
        {
            return;
        }

        var orderService = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "order-management"));
        orderService
            .WithEnvironment("Backoff__Maximum", "00:00:02")
            .WithEnvironment("OrderListener__QuietCheckpointInterval", "00:00:01")
            .WithEnvironment("OrderListener__MaxAwaitTime", "00:00:00.500")
            .WithEnvironment("MongoDB__orders__HealthCheckTimeout", "00:00:01");
    }
}
