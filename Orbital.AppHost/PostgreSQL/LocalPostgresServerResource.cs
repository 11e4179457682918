namespace Orbital.AppHost.PostgreSQL;

/// <summary>
/// A PostgreSQL server run from the machine's own binaries (<c>postgres</c>) as an executable resource, for
/// machines without a container runtime. Listens on 127.0.0.1 only; password authentication.
/// </summary>
public sealed class LocalPostgresServerResource(
    string name,
    string command,
    string workingDirectory,
    ParameterResource password,
    LocalPostgresDataDirectory dataDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";
    internal const string UserName = "postgres";

    private readonly Dictionary<string, string> _databases = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The server's TCP endpoint.</summary>
    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    /// <summary>The superuser password; synchronised into the data directory on every start.</summary>
    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Where the cluster's files live, and the commands that prepare them.</summary>
    public LocalPostgresDataDirectory DataDirectory { get; } = dataDirectory;

    /// <summary>The databases to create once the server is ready: resource name → database name.</summary>
    public IReadOnlyDictionary<string, string> Databases => _databases;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");

    internal void AddDatabase(string resourceName, string databaseName) => _databases.TryAdd(resourceName, databaseName);
}
