namespace Orbital.AppHost.MongoDB;

/// <summary>A MongoDB server the AppHost provides, whatever runs it: what its databases need of it.</summary>
public interface IMongoDBServer : IResourceWithConnectionString
{
    /// <summary>A connection string to <paramref name="databaseName"/> (the server itself when null).</summary>
    ReferenceExpression BuildConnectionString(string? databaseName);
}
