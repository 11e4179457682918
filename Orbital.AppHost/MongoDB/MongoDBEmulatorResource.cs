using System.Globalization;
using Orbital.MongoEmulator;

namespace Orbital.AppHost.MongoDB;

/// <summary>
/// The development MongoDB emulator: an in-memory one-node replica set (Orbital.MongoEmulator) that runs inside the
/// AppHost on 127.0.0.1, for machines with neither a container runtime nor <c>mongod</c>. What it holds is lost when
/// the AppHost stops, and it is never part of a deployment.
/// </summary>
public sealed class MongoDBEmulatorResource(string name, int port) : Resource(name), IMongoDBServer
{
    /// <summary>How the dashboard names it.</summary>
    public const string ResourceType = "MongoDB (in-memory development emulator)";

    /// <summary>The port it listens on, on 127.0.0.1; chosen when the model is built.</summary>
    public int Port { get; } = port;

    /// <summary>The running server; null until the AppHost starts it.</summary>
    internal MongoWireServer? Server { get; set; }

    public ReferenceExpression ConnectionStringExpression => BuildConnectionString(null);

    public ReferenceExpression BuildConnectionString(string? databaseName)
    {
        var address = $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{databaseName ?? string.Empty}";
        return ReferenceExpression.Create($"mongodb://{address}?replicaSet={MongoWireServer.ReplicaSetName}");
    }
}
