using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orbital.AppHost.Hosting;

namespace Orbital.AppHost.MongoDB;

/// <summary>
/// MongoDB as a one-node replica set (change streams need one), as a container or from a local <c>mongod</c>.
/// The Aspire MongoDB hosting package is not available to us, and it starts a standalone server anyway.
/// </summary>
public static class MongoDBReplicaSetExtensions
{
    private const string Image = "mongo";
    private const string ImageTag = "8.0";

    /// <summary>
    /// Adds the <c>mongo</c> container as a one-node replica set with a data volume and access control: a root user
    /// (parameter <c>{name}-username</c>, <c>orbital</c> by default) with a generated secret password
    /// (<c>{name}-password</c>). A replica set with access control needs a key file for its members; the container
    /// writes a random one before it starts.
    /// </summary>
    public static IResourceBuilder<MongoDBContainerResource> AddMongoDBContainer(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var userName = builder.AddParameter($"{name}-username", "orbital", publishValueAsDefault: true);
        var password = builder.AddSecretKey($"{name}-password");
        var server = new MongoDBContainerResource(name, userName.Resource, password.Resource);
        return builder.AddResource(server)
            .WithImage(Image, ImageTag)
            .WithImageRegistry("docker.io")
            .WithEndpoint(targetPort: MongoDBContainerResource.ContainerPort, name: "tcp", scheme: "tcp")
            .WithEnvironment("MONGO_INITDB_ROOT_USERNAME", userName)
            .WithEnvironment("MONGO_INITDB_ROOT_PASSWORD", password)
            .WithEntrypoint("bash")
            .WithArgs("-c", KeyFileThenMongod)
            .WithVolume($"orbital-{name}-data", "/data/db")
            .WithReplicaSetHealthCheck();
    }

    /// <summary>The container's command: a fresh member key file (only this one member reads it), then the image's own entrypoint.</summary>
    internal const string KeyFileThenMongod =
        "head -c 756 /dev/urandom | base64 > /tmp/orbital-mongodb.key && chmod 400 /tmp/orbital-mongodb.key && chown mongodb:mongodb /tmp/orbital-mongodb.key && "
        + "exec docker-entrypoint.sh mongod --replSet " + IMongoDBServerResource.ReplicaSetName + " --bind_ip_all --keyFile /tmp/orbital-mongodb.key";

    /// <summary>Adds <paramref name="mongodPath"/> as a one-node replica set on 127.0.0.1, keeping its data in <paramref name="dataDirectory"/>.</summary>
    public static IResourceBuilder<MongoDBExecutableResource> AddLocalMongoDB(
        this IDistributedApplicationBuilder builder,
        string name,
        string mongodPath,
        string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var server = new MongoDBExecutableResource(name, mongodPath, Path.GetTempPath(), dataDirectory);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, _) =>
        {
            Directory.CreateDirectory(server.DataDirectory);
            return Task.CompletedTask;
        });

        return builder.AddResource(server)
            .WithEndpoint(name: "tcp", scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--replSet");
                context.Args.Add(IMongoDBServerResource.ReplicaSetName);
                context.Args.Add("--bind_ip");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--dbpath");
                context.Args.Add(server.DataDirectory);
            })
            .WithIconName("DatabaseMultiple")
            .WithReplicaSetHealthCheck()
            .ExcludeFromManifest();
    }

    /// <summary>Adds a database of the server; MongoDB creates it on first write.</summary>
    public static IResourceBuilder<MongoDBDatabaseResource> AddDatabase<TServer>(
        this IResourceBuilder<TServer> builder,
        string name,
        string databaseName)
        where TServer : IMongoDBServer
    {
        ArgumentNullException.ThrowIfNull(builder);

        var database = builder.ApplicationBuilder.AddResource(new MongoDBDatabaseResource(name, databaseName, builder.Resource));
        return builder.Resource is ExecutableResource ? database.WithStateOfParent() : database;
    }

    private static IResourceBuilder<TServer> WithReplicaSetHealthCheck<TServer>(this IResourceBuilder<TServer> builder)
        where TServer : IMongoDBServerResource
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{builder.Resource.Name}_replica_set");
        var check = new MongoDBReplicaSetHealthCheck(builder.Resource);
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new(key, _ => check, failureStatus: null, tags: null));
        return builder.WithHealthCheck(key);
    }
}
