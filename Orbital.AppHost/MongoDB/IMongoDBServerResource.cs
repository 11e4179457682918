namespace Orbital.AppHost.MongoDB;

/// <summary>A MongoDB server the AppHost starts (a container or a local <c>mongod</c>), run as a one-node replica set.</summary>
public interface IMongoDBServerResource : IMongoDBServer
{
    /// <summary>The replica set's name; change streams need a replica set even with one node.</summary>
    const string ReplicaSetName = "rs0";

    /// <summary>The server's TCP endpoint.</summary>
    EndpointReference PrimaryEndpoint { get; }

    /// <summary>The host:port the replica set's only member calls itself, as seen from inside the server.</summary>
    ReferenceExpression MemberHost { get; }

    /// <summary>
    /// A connection string to <paramref name="databaseName"/>. Clients connect directly to the one member, so the
    /// member's own host name never has to resolve outside the server.
    /// </summary>
    ReferenceExpression IMongoDBServer.BuildConnectionString(string? databaseName) =>
        ReferenceExpression.Create(
            $"mongodb://{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}/{databaseName ?? string.Empty}?directConnection=true");
}
