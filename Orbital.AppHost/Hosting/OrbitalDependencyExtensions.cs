using Orbital.AppHost.MongoDB;
using Orbital.AppHost.PostgreSQL;

namespace Orbital.AppHost.Hosting;

/// <summary>Adds Orbital's two databases as whatever the <see cref="HostingPlan"/> decided they are.</summary>
public static class OrbitalDependencyExtensions
{
    /// <summary>The MongoDB database name of the ordering platform's orders when the AppHost starts MongoDB.</summary>
    public const string OrdersDatabaseName = "orbital";

    /// <summary>
    /// The ordering platform's MongoDB database, under the connection name <c>orders</c>; <see langword="null"/>
    /// when it is <see cref="DependencyHosting.Missing"/> (a placeholder resource says so in the dashboard).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString>? AddOrdersDatabase(
        this IDistributedApplicationBuilder builder,
        DependencyHosting hosting,
        IHostMachine machine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        const string Name = HostingPlan.OrdersConnectionName;

        switch (hosting)
        {
            case DependencyHosting.Container:
                return AsConnectionString(builder, builder.AddMongoDBContainer("mongodb").AddDatabase(Name, OrdersDatabaseName));
            case DependencyHosting.Local:
                var mongod = MongoDBLocator.FindMongod(machine, builder.Configuration[MongoDBLocator.MongodPathKey])
                    ?? throw new DistributedApplicationException($"Orbital:MongoDB:Hosting is Local but no mongod is on PATH or at {MongoDBLocator.MongodPathKey}.");
                var dataDirectory = builder.Configuration["Orbital:MongoDB:DataDirectory"]
                    ?? LocalPostgresBuilderExtensions.DefaultDataDirectory("mongodb");
                return AsConnectionString(builder, builder.AddLocalMongoDB("mongodb", mongod, dataDirectory).AddDatabase(Name, OrdersDatabaseName));
            case DependencyHosting.External:
                return builder.AddConnectionString(Name);
            case DependencyHosting.Emulator:
                return AsConnectionString(builder, builder.AddMongoDBEmulator("mongodb").AddDatabase(Name, OrdersDatabaseName).WithStateOfParent());
            case DependencyHosting.Missing:
                builder.AddMissingDependency(
                    "mongodb",
                    "MongoDB",
                    $"No container runtime and no mongod on PATH: set ConnectionStrings:{Name} to a MongoDB replica set.");
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(hosting), hosting, "The hosting plan resolves Auto before this point.");
        }
    }

    /// <summary>
    /// The kitchen's PostgreSQL database, under the connection name <c>kitchen</c>; <see langword="null"/> when it
    /// is <see cref="DependencyHosting.Missing"/>.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString>? AddKitchenDatabase(
        this IDistributedApplicationBuilder builder,
        DependencyHosting hosting,
        IHostMachine machine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        const string Name = HostingPlan.KitchenConnectionName;

        switch (hosting)
        {
            case DependencyHosting.Container:
                return AsConnectionString(builder, builder.AddPostgres("postgres").WithDataVolume().AddDatabase(Name));
            case DependencyHosting.Local:
                var binaries = PostgresLocator.Find(machine, builder.Configuration[PostgresLocator.BinDirectoryKey])
                    ?? throw new DistributedApplicationException("Orbital:PostgreSQL:Hosting is Local but initdb, postgres and pg_ctl were not found.");
                var postgres = builder.AddLocalPostgres(
                    "postgres",
                    binaries,
                    builder.Configuration["Orbital:PostgreSQL:DataDirectory"],
                    builder.Configuration["Orbital:PostgreSQL:RunAsUser"] ?? "postgres");
                return AsConnectionString(builder, postgres.AddDatabase(Name));
            case DependencyHosting.External:
                return builder.AddConnectionString(Name);
            case DependencyHosting.Missing:
                builder.AddMissingDependency(
                    "postgres",
                    "PostgreSQL",
                    $"No container runtime and no PostgreSQL binaries: install PostgreSQL or set ConnectionStrings:{Name}.");
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(hosting), hosting, "The hosting plan resolves Auto before this point.");
        }
    }

    /// <summary>
    /// References <paramref name="dependency"/> from <paramref name="service"/>, and waits for it when the AppHost
    /// starts it. An external or missing dependency is not waited for: the services start without it and
    /// report it in their health checks.
    /// </summary>
    public static IResourceBuilder<TService> WithDependency<TService>(
        this IResourceBuilder<TService> service,
        IResourceBuilder<IResourceWithConnectionString>? dependency,
        DependencyHosting hosting)
        where TService : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(service);
        if (dependency is null)
        {
            return service;
        }

        service.WithReference(dependency);
        if (hosting == DependencyHosting.Emulator)
        {
            // So that the service's health says what it reads from: an emulator that forgets everything.
            service.WithEnvironment($"MongoDB__{dependency.Resource.Name}__Emulator", "true");
        }

        return hosting is DependencyHosting.Container or DependencyHosting.Local or DependencyHosting.Emulator ? service.WaitFor(dependency) : service;
    }

    /// <summary>
    /// With the emulator, the order service reads every order in it on a first start: everything an emulator holds
    /// was written during this run, the simulator's first orders included, which may come before the service listens
    /// (a real platform's first start reads from now; see <c>OrderListener:StartFrom</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithEmulatorReadFromBeginning(this IResourceBuilder<ProjectResource> orderService, DependencyHosting mongoDB)
    {
        ArgumentNullException.ThrowIfNull(orderService);
        return mongoDB == DependencyHosting.Emulator ? orderService.WithEnvironment("OrderListener__StartFrom", "Beginning") : orderService;
    }

    private static IResourceBuilder<IResourceWithConnectionString> AsConnectionString<T>(IDistributedApplicationBuilder builder, IResourceBuilder<T> resource)
        where T : IResourceWithConnectionString
        => builder.CreateResourceBuilder<IResourceWithConnectionString>(resource.Resource);
}
