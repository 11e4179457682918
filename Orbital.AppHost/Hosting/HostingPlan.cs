using Microsoft.Extensions.Configuration;

namespace Orbital.AppHost.Hosting;

/// <summary>
/// What MongoDB and PostgreSQL are in this run, decided once when the model is built: a container resource
/// makes the whole app fail to start where no container engine runs, so the choice cannot wait until start.
/// </summary>
/// <param name="MongoDB">What the orders database (the ordering platform's MongoDB) is.</param>
/// <param name="PostgreSQL">What the kitchen database is.</param>
public sealed record HostingPlan(DependencyHosting MongoDB, DependencyHosting PostgreSQL)
{
    /// <summary>The connection string name of the ordering platform's MongoDB database.</summary>
    public const string OrdersConnectionName = "orders";

    /// <summary>The connection string name of the kitchen's PostgreSQL database.</summary>
    public const string KitchenConnectionName = "kitchen";

    /// <summary>
    /// Decides from configuration (<c>Orbital:MongoDB:Hosting</c>, <c>Orbital:PostgreSQL:Hosting</c>, the
    /// connection strings) and, for <see cref="DependencyHosting.Auto"/>, from the machine.
    /// </summary>
    public static HostingPlan Resolve(IConfiguration configuration, bool isPublishMode, IHostMachine machine)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(machine);

        return new(
            ResolveOne(configuration, "MongoDB", OrdersConnectionName, isPublishMode, machine,
                hasLocalBinaries: () => MongoDBLocator.FindMongod(machine, configuration[MongoDBLocator.MongodPathKey]) is not null),
            ResolveOne(configuration, "PostgreSQL", KitchenConnectionName, isPublishMode, machine,
                hasLocalBinaries: () => PostgresLocator.Find(machine, configuration[PostgresLocator.BinDirectoryKey]) is not null));
    }

    private static DependencyHosting ResolveOne(
        IConfiguration configuration,
        string dependency,
        string connectionName,
        bool isPublishMode,
        IHostMachine machine,
        Func<bool> hasLocalBinaries)
    {
        var configured = configuration.GetValue($"Orbital:{dependency}:Hosting", DependencyHosting.Auto);
        if (configured == DependencyHosting.Emulator && (dependency != "MongoDB" || isPublishMode))
        {
            throw new InvalidOperationException(isPublishMode
                ? $"Orbital:{dependency}:Hosting is Emulator, which is for development only: a deployment needs a real database."
                : $"Orbital:{dependency}:Hosting is Emulator, but only MongoDB has an emulator.");
        }

        if (configured != DependencyHosting.Auto)
        {
            return configured;
        }

        if (!string.IsNullOrWhiteSpace(configuration.GetConnectionString(connectionName)))
        {
            return DependencyHosting.External;
        }

        if (isPublishMode)
        {
            // A deployment runs no local binaries: the platform's MongoDB is always reached by a connection
            // string (a secret parameter); PostgreSQL is deployed as Aspire's container unless one is given.
            return dependency == "MongoDB" ? DependencyHosting.External : DependencyHosting.Container;
        }

        if (machine.HasContainerRuntime)
        {
            return DependencyHosting.Container;
        }

        if (hasLocalBinaries())
        {
            return DependencyHosting.Local;
        }

        // Last: the order flow can still be seen on a machine with nothing installed.
        return dependency == "MongoDB" ? DependencyHosting.Emulator : DependencyHosting.Missing;
    }
}
