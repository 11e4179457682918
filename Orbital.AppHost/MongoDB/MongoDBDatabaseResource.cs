namespace Orbital.AppHost.MongoDB;

/// <summary>A database on a MongoDB server the AppHost starts; MongoDB creates it on first write.</summary>
public sealed class MongoDBDatabaseResource(string name, string databaseName, IMongoDBServer parent)
    : Resource(name), IResourceWithParent<IMongoDBServer>, IResourceWithConnectionString
{
    public IMongoDBServer Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => Parent.BuildConnectionString(DatabaseName);
}
