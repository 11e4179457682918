namespace Orbital.AppHost.MongoDB;

/// <summary>A <c>mongod</c> from the machine's PATH started as a one-node replica set on 127.0.0.1.</summary>
public sealed class MongoDBExecutableResource(string name, string command, string workingDirectory, string dataDirectory)
    : ExecutableResource(name, command, workingDirectory), IMongoDBServerResource
{
    /// <summary>Where <c>mongod</c> keeps its files; created on first start and kept across runs.</summary>
    public string DataDirectory { get; } = dataDirectory;

    public EndpointReference PrimaryEndpoint => field ??= new(this, "tcp");

    public ReferenceExpression MemberHost => ReferenceExpression.Create($"127.0.0.1:{PrimaryEndpoint.Property(EndpointProperty.TargetPort)}");

    public ReferenceExpression ConnectionStringExpression => ((IMongoDBServer)this).BuildConnectionString(null);
}
