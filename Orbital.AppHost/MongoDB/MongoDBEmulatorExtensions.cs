using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orbital.MongoEmulator;

namespace Orbital.AppHost.MongoDB;

/// <summary>Adds the development MongoDB emulator (<see cref="MongoDBEmulatorResource"/>).</summary>
public static class MongoDBEmulatorExtensions
{
    /// <summary>The configuration key of the emulator's port; a free one is taken when unset.</summary>
    public const string PortKey = "Orbital:MongoDB:EmulatorPort";

    /// <summary>
    /// Adds an in-memory MongoDB that runs inside the AppHost while it runs. The dashboard shows it as what it is;
    /// the order service is told (<c>MongoDB__orders__Emulator</c>) so that its health says so too.
    /// </summary>
    public static IResourceBuilder<MongoDBEmulatorResource> AddMongoDBEmulator(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var port = builder.Configuration.GetValue<int?>(PortKey) ?? FreePort();
        var emulator = new MongoDBEmulatorResource(name, port);
        builder.Services.AddHostedService(_ => new EmulatorShutdown(emulator));
        return builder.AddResource(emulator)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = MongoDBEmulatorResource.ResourceType,
                State = KnownResourceStates.NotStarted,
                Properties =
                [
                    new("Kind", "in-memory development emulator: what it holds is lost when the AppHost stops"),
                    new("Address", $"127.0.0.1:{port}"),
                ],
            })
            .WithIconName("DatabaseMultiple")
            .OnInitializeResource(static async (emulator, @event, _) =>
            {
                emulator.Server = MongoWireServer.Start(port: emulator.Port);
                @event.Logger.LogWarning(
                    "In-memory MongoDB emulator listening on 127.0.0.1:{Port} (replica set {ReplicaSet}): for development only; what it holds is lost when the AppHost stops. Give ConnectionStrings:orders for a real MongoDB.",
                    emulator.Port,
                    MongoWireServer.ReplicaSetName);
                var connectionString = await emulator.ConnectionStringExpression.GetValueAsync(default).ConfigureAwait(false);
                await @event.Notifications.PublishUpdateAsync(emulator, s => s with
                {
                    State = KnownResourceStates.Running,
                    StartTimeStamp = DateTime.UtcNow,
                    Urls = [new UrlSnapshot("mongodb", connectionString!, IsInternal: false)],
                }).ConfigureAwait(false);
            })
            .ExcludeFromManifest();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Stops the emulator with the AppHost.</summary>
    private sealed class EmulatorShutdown(MongoDBEmulatorResource emulator) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (emulator.Server is { } server)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
