namespace Orbital.AppHost.Hosting;

/// <summary>Finds <c>mongod</c>: the configured path (<c>Orbital:MongoDB:MongodPath</c>) if it exists, else PATH.</summary>
public static class MongoDBLocator
{
    /// <summary>The configuration key of an explicit <c>mongod</c> path.</summary>
    public const string MongodPathKey = "Orbital:MongoDB:MongodPath";

    /// <summary>The full path of <c>mongod</c>, or <see langword="null"/>.</summary>
    public static string? FindMongod(IHostMachine machine, string? configuredPath)
    {
        ArgumentNullException.ThrowIfNull(machine);
        return !string.IsNullOrWhiteSpace(configuredPath) && File.Exists(configuredPath)
            ? configuredPath
            : machine.FindExecutable("mongod");
    }
}
