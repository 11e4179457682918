namespace Orbital.AppHost.MongoDB;

/// <summary>
/// The official <c>mongo</c> image started as a one-node replica set with access control: a root user whose name
/// and (generated, secret) password the connection string carries.
/// </summary>
public sealed class MongoDBContainerResource(string name, ParameterResource userName, ParameterResource password) : ContainerResource(name), IMongoDBServerResource
{
    internal const int ContainerPort = 27017;

    /// <summary>The root user's name.</summary>
    public ParameterResource UserName { get; } = userName;

    /// <summary>The root user's password: a secret parameter, generated for development.</summary>
    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => field ??= new(this, "tcp");

    public ReferenceExpression MemberHost => ReferenceExpression.Create($"localhost:{ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    public ReferenceExpression ConnectionStringExpression => ((IMongoDBServer)this).BuildConnectionString(null);

    /// <summary>As the interface's, with the root user's credentials (letters and digits only: nothing to escape).</summary>
    ReferenceExpression IMongoDBServer.BuildConnectionString(string? databaseName) =>
        ReferenceExpression.Create(
            $"mongodb://{UserName}:{Password}@{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}/{databaseName ?? string.Empty}?directConnection=true&authSource=admin");
}
