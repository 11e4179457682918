using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.Testing;
using Orbital.Testing.MongoDB;

namespace Orbital.Tests.OrderManagement;

/// <summary>
/// One listener scenario: a database of its own on the shared MongoDB, the platform's client writing to it, a
/// scripted kitchen, and the order service started (and restarted) against them.
/// </summary>
internal sealed class ListenerHarness : IDisposable
{
    public ListenerHarness(MongoDBFixture mongo, string prefix)
    {
        Mongo = mongo.Server;
        ConnectionString = mongo.Server.ConnectionString(MongoDBFixture.UniqueDatabaseName(prefix));
        Platform = new PlatformDatabase(ConnectionString);
    }

    public IMongoTestServer Mongo { get; }

    public string ConnectionString { get; }

    public PlatformDatabase Platform { get; }

    public FakeKitchen Kitchen { get; } = new();

    /// <summary>Starts the order service and waits until it listens (and so has checkpointed where it starts).</summary>
    public async Task<OrderServiceFactory> StartAsync(params (string Key, string? Value)[] settings)
    {
        var service = Start(settings);
        await service.ListeningAsync();
        return service;
    }

    /// <summary>Starts the order service without waiting for it to listen.</summary>
    public OrderServiceFactory Start(params (string Key, string? Value)[] settings)
        => OrderServiceFactory.Start(ConnectionString, Kitchen, settings.ToDictionary(s => s.Key, s => s.Value));

    /// <summary>Waits until the kitchen stored every one of <paramref name="orderIds"/>.</summary>
    public Task StoredAsync(params string[] orderIds) => Eventually.HoldsAsync(
        () => Task.FromResult(orderIds.All(Kitchen.Stored.Contains)),
        $"the kitchen stored {string.Join(", ", orderIds)}");

    /// <summary>The body of <c>/health</c>, whatever its status code (503 while unhealthy).</summary>
    public static async Task<string> HealthAsync(OrderServiceFactory service)
    {
        using var client = service.CreateClient();
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Waits until <c>/health</c> holds <paramref name="text"/>, and returns the body.</summary>
    public static Task<string> HealthSaysAsync(OrderServiceFactory service, string text) => Eventually.ReturnsAsync(
        () => HealthAsync(service),
        body => body.Contains(text, StringComparison.Ordinal),
        $"health says '{text}'");

    /// <summary>The checkpoint is written just after the acknowledgement; a restart test waits for it.</summary>
    public Task WaitForCheckpointAfterAsync(string orderId, TimeSpan? timeout = null) => Eventually.HoldsAsync(
        async () => (await Platform.CheckpointAsync())?["savedAt"].ToUniversalTime() >= Kitchen.StoredAt(orderId).AddMilliseconds(-1), // BSON dates keep milliseconds
        $"the change of {orderId} is checkpointed",
        timeout);

    /// <summary>The orders a listener resuming from the saved checkpoint would read again (none: everything before it is dealt with).</summary>
    public async Task<List<string>> OrdersAfterCheckpointAsync()
        => await OrdersAfterAsync((await Platform.CheckpointAsync())!["resumeToken"].AsBsonDocument);

    /// <summary>The order ids a change stream resumed after <paramref name="token"/> delivers within a second.</summary>
    public async Task<List<string>> OrdersAfterAsync(BsonDocument token)
    {
        var options = new ChangeStreamOptions { ResumeAfter = token, MaxAwaitTime = TimeSpan.FromMilliseconds(200) };
        using var stream = await Platform.Orders.WatchAsync(options, TestContext.Current.CancellationToken);
        var orders = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < deadline && await stream.MoveNextAsync(TestContext.Current.CancellationToken))
        {
            orders.AddRange(stream.Current
                .Where(c => c.OperationType == ChangeStreamOperationType.Insert)
                .Select(c => c.FullDocument.GetValue("OtterOrderId", string.Empty).AsString));
        }

        return orders;
    }

    public void Dispose() => Platform.Dispose();
}
