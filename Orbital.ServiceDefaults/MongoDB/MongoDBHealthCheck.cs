using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Orbital.ServiceDefaults.MongoDB;

/// <summary>Pings MongoDB and says which server did not answer, and how long it waited.</summary>
internal sealed class MongoDBHealthCheck(IMongoClient client, string connectionName, TimeSpan timeout, bool emulator) : IHealthCheck
{
    private static readonly BsonDocument s_ping = new("ping", 1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var servers = string.Join(", ", client.Settings.Servers);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await client.GetDatabase("admin")
                .RunCommandAsync<BsonDocument>(s_ping, cancellationToken: timeoutSource.Token)
                .ConfigureAwait(false);
            return HealthCheckResult.Healthy(emulator
                ? $"MongoDB (connection '{connectionName}') at {servers} answers: the AppHost's in-memory development emulator; what it holds is lost when the AppHost stops."
                : $"MongoDB (connection '{connectionName}') at {servers} answers.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"MongoDB '{connectionName}' at {servers} did not answer a ping within {timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"MongoDB '{connectionName}' at {servers} is unreachable: {ex.Message}",
                ex);
        }
    }
}
