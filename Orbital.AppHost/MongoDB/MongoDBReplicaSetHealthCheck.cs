using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Orbital.AppHost.MongoDB;

/// <summary>
/// Initiates the one-node replica set if it is not yet (idempotently: a second initiate is harmless) and is
/// healthy only once the member is a writable primary, because change streams need one.
/// </summary>
/// <remarks>One instance serves every check of a server, so its client (and connection pool) is created once.</remarks>
internal sealed class MongoDBReplicaSetHealthCheck(IMongoDBServerResource server) : IHealthCheck
{
    private const int AlreadyInitialized = 23;
    private MongoClient? _client;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!server.PrimaryEndpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("The server has no endpoint yet.");
        }

        try
        {
            var admin = (await GetClientAsync(cancellationToken).ConfigureAwait(false)).GetDatabase("admin");
            var hello = await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (hello.GetValue("isWritablePrimary", false).ToBoolean())
            {
                return HealthCheckResult.Healthy($"Primary of replica set '{IMongoDBServerResource.ReplicaSetName}'.");
            }

            if (!hello.Contains("setName"))
            {
                await InitiateAsync(admin, cancellationToken).ConfigureAwait(false);
                return HealthCheckResult.Unhealthy($"Replica set '{IMongoDBServerResource.ReplicaSetName}' initiated; waiting for the member to become primary.");
            }

            return HealthCheckResult.Unhealthy("Waiting for the replica set member to become primary.");
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"MongoDB does not answer: {ex.Message}", ex);
        }
    }

    private async Task InitiateAsync(IMongoDatabase admin, CancellationToken cancellationToken)
    {
        var memberHost = await server.MemberHost.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var config = new BsonDocument
        {
            { "_id", IMongoDBServerResource.ReplicaSetName },
            { "members", new BsonArray { new BsonDocument { { "_id", 0 }, { "host", memberHost } } } },
        };
        try
        {
            await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetInitiate", config), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException ex) when (ex.Code == AlreadyInitialized)
        {
            // Another check (or an earlier run on the same data) initiated it first.
        }
    }

    private async ValueTask<MongoClient> GetClientAsync(CancellationToken cancellationToken)
    {
        if (_client is not null)
        {
            return _client;
        }

        var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        settings.ConnectTimeout = TimeSpan.FromSeconds(5);
        return _client = new MongoClient(settings);
    }
}
