namespace Orbital.ServiceDefaults.MongoDB;

/// <summary>
/// Settings of the MongoDB client registration, bound from the <c>MongoDB</c> configuration section
/// (then <c>MongoDB:{connectionName}</c>); <c>ConnectionStrings:{connectionName}</c> wins over both.
/// </summary>
public sealed class MongoDBClientSettings
{
    /// <summary>The configuration section the settings are bound from.</summary>
    public const string SectionName = "MongoDB";

    /// <summary>The MongoDB connection string; <see langword="null"/> when nothing is configured.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The database to use when the connection string names none.</summary>
    public string DefaultDatabaseName { get; set; } = "orbital";

    /// <summary>Whether the ping health check is left out.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>How long the health check waits for MongoDB to answer a ping.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Whether the server is the in-memory development emulator (the AppHost says so when it runs one): health then
    /// says that what it holds is lost when the AppHost stops.
    /// </summary>
    public bool Emulator { get; set; }

    /// <summary>Whether the driver's own <c>MongoDB.Driver</c> activity source is left out of tracing.</summary>
    public bool DisableTracing { get; set; }
}
