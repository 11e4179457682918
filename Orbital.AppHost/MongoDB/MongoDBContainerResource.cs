namespace Orbital.AppHost.MongoDB;

/// <summary>The official <c>mongo</c> image started as a one-node replica set.</summary>
public sealed class MongoDBContainerResource(string name) : ContainerResource(name), IMongoDBServerResource
{
    internal const int ContainerPort = 27017;

    public EndpointReference PrimaryEndpoint => field ??= new(this, "tcp");

    public ReferenceExpression MemberHost => ReferenceExpression.Create($"localhost:{ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    public ReferenceExpression ConnectionStringExpression => ((IMongoDBServerResource)this).BuildConnectionString(null);
}
