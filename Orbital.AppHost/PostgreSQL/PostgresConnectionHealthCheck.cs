using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Orbital.AppHost.PostgreSQL;

/// <summary>Healthy when a connection to <paramref name="databaseName"/> on the server opens and answers.</summary>
internal sealed class PostgresConnectionHealthCheck(LocalPostgresServerResource server, string databaseName) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!server.PrimaryEndpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("The server has no endpoint yet.");
        }

        try
        {
            var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = databaseName, Timeout = 5, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"Database '{databaseName}' does not answer: {ex.Message}", ex);
        }
    }
}
