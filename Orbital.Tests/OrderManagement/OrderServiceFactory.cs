using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Orbital.Contracts.Orders;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Listening;

namespace Orbital.Tests.OrderManagement;

/// <summary>
/// The order service hosted in-process against a MongoDB (the wire double in CI) with a scripted kitchen, and
/// short waits so that scenarios take seconds.
/// </summary>
internal sealed class OrderServiceFactory(string connectionString, FakeKitchen kitchen, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<OrderChangeListener>
{
    public OrderListenerStatus Status => Services.GetRequiredService<OrderListenerStatus>();

    public static OrderServiceFactory Start(string connectionString, FakeKitchen kitchen, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new OrderServiceFactory(connectionString, kitchen, settings);
        factory.StartServer();
        return factory;
    }

    /// <summary>Waits until the listener has a stream open (and so has checkpointed where it starts).</summary>
    public Task ListeningAsync() => Orbital.Testing.Eventually.HoldsAsync(
        () => Task.FromResult(Status.Listener.State == ListenerState.Listening && Status.LastCheckpointAt is not null),
        "the order listener is listening");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:orders", connectionString);
        builder.UseSetting("OrderListener:MaxAwaitTime", "00:00:00.200");
        builder.UseSetting("OrderListener:QuietCheckpointInterval", "00:00:00");
        builder.UseSetting("Backoff:Initial", "00:00:00.050");
        builder.UseSetting("Backoff:Maximum", "00:00:00.500");
        builder.UseSetting("MongoDB:orders:HealthCheckTimeout", "00:00:01");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.AddSingleton<OrderIntake.OrderIntakeClient>(kitchen));
    }
}
