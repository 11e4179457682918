namespace Orbital.AppHost.Hosting;

/// <summary>What a dependency (MongoDB, PostgreSQL) is in this run of the app model.</summary>
public enum DependencyHosting
{
    /// <summary>
    /// Decide from the machine: connection string, else container runtime, else local binaries, else (MongoDB, not
    /// when publishing) the emulator.
    /// </summary>
    Auto = 0,

    /// <summary>A container started by Aspire (needs Docker or Podman).</summary>
    Container,

    /// <summary>The server binaries installed on this machine, started as an executable resource.</summary>
    Local,

    /// <summary>A server that runs elsewhere, reached through <c>ConnectionStrings:{name}</c>.</summary>
    External,

    /// <summary>Nothing to start and nothing configured: the services run and report the dependency absent.</summary>
    Missing,

    /// <summary>
    /// MongoDB only, for development: an in-memory MongoDB inside the AppHost (Orbital.MongoEmulator). Everything in
    /// it is lost when the AppHost stops; never chosen for a deployment.
    /// </summary>
    Emulator,
}
