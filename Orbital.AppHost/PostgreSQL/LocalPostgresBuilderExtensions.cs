using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orbital.AppHost.Hosting;

namespace Orbital.AppHost.PostgreSQL;

/// <summary>Adds a PostgreSQL server from the machine's binaries, for machines without a container runtime.</summary>
public static class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// Adds a PostgreSQL server run from <paramref name="binaries"/>, bound to 127.0.0.1 on a port the
    /// orchestrator allocates. The data directory is created on first start and kept across runs; the
    /// superuser password is a generated parameter (kept in the AppHost's user secrets).
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="binaries">The PostgreSQL programs to run.</param>
    /// <param name="dataDirectory">The data directory; defaults to a per-user location (see <see cref="DefaultDataDirectory"/>).</param>
    /// <param name="runAsUser">The user the server runs as when the AppHost runs as root (PostgreSQL refuses root).</param>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder,
        string name,
        PostgresBinaries binaries,
        string? dataDirectory = null,
        string runAsUser = "postgres")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(binaries);

        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        var directory = new LocalPostgresDataDirectory(
            dataDirectory ?? DefaultDataDirectory(name),
            binaries,
            Environment.IsPrivilegedProcess ? runAsUser : null);
        var (command, prefix) = directory.CommandFor(binaries.Postgres);
        var server = new LocalPostgresServerResource(name, command, Path.GetTempPath(), password, directory);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            var passwordValue = await password.GetValueAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new DistributedApplicationException($"The '{password.Name}' parameter has no value.");
            await directory.PrepareAsync(passwordValue, logger, cancellationToken).ConfigureAwait(false);
        });

        builder.Eventing.Subscribe<ResourceReadyEvent>(server, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
            await CreateDatabasesAsync(connectionString!, server.Databases.Values, logger, cancellationToken).ConfigureAwait(false);
        });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new(
            healthCheckKey,
            _ => new PostgresConnectionHealthCheck(server, "postgres"),
            failureStatus: null,
            tags: null));

        return builder.AddResource(server)
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                foreach (var argument in prefix)
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-D");
                context.Args.Add(directory.Path);
                context.Args.Add("-p");
                context.Args.Add(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("-c");
                context.Args.Add("listen_addresses=127.0.0.1");
                context.Args.Add("-c");
                context.Args.Add("unix_socket_directories=");
            })
            .WithIconName("DatabaseMultiple")
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>Adds a database that is created on <paramref name="builder"/>'s server once it is ready.</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> builder,
        string name,
        string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        databaseName ??= name;
        builder.Resource.AddDatabase(name, databaseName);
        var database = new LocalPostgresDatabaseResource(name, databaseName, builder.Resource);

        var healthCheckKey = $"{name}_check";
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new(
            healthCheckKey,
            _ => new PostgresConnectionHealthCheck(builder.Resource, databaseName),
            failureStatus: null,
            tags: null));

        return builder.ApplicationBuilder.AddResource(database)
            .WithStateOfParent()
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>
    /// Where a local server keeps its data unless configured: under <c>/var/lib/orbital</c> when the AppHost runs
    /// as root (the server user must be able to reach it), else under the user's local application data.
    /// </summary>
    public static string DefaultDataDirectory(string name) => Environment.IsPrivilegedProcess
        ? Path.Combine("/var/lib/orbital", name)
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "orbital", name);

    /// <summary>
    /// Creates the databases that are missing. Retried for a while: after a restart from the dashboard the server
    /// can be reported ready a moment before it takes connections (or while the one it replaces dies), and a
    /// failure here would be kept as the server's readiness, refusing every dependent's start from then on.
    /// </summary>
    private static async Task CreateDatabasesAsync(string connectionString, IEnumerable<string> databases, ILogger logger, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres");
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                foreach (var databaseName in databases)
                {
                    await CreateDatabaseIfMissingAsync(connection, databaseName, cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (NpgsqlException ex) when (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                logger.LogInformation("The server does not take connections yet ({Message}); trying again", ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task CreateDatabaseIfMissingAsync(NpgsqlConnection connection, string databaseName, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = databaseName } },
        };
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var quoted = "\"" + databaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
#pragma warning disable CA2100 // The name is quoted as an identifier; CREATE DATABASE takes no parameters.
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
#pragma warning restore CA2100
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
