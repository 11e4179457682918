using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Orbital.AppHost.Simulation;

/// <summary>
/// The ordering platform, simulated: writes realistic orders (several brands, the kitchen's four stations, modifiers,
/// customer and payment details) into the orders collection of whatever MongoDB the app uses, one now and then or
/// at a steady rate, so that the order flow can be watched on a development machine.
/// </summary>
public sealed partial class OrderSimulator(IResourceWithConnectionString orders, ILogger logger) : IAsyncDisposable
{
    private readonly PlatformOrderGenerator _generator = new(Environment.TickCount);
    private readonly Lock _gate = new();
    private IMongoCollection<BsonDocument>? _collection;
    private CancellationTokenSource? _running;

    /// <summary>The rate it writes at while it runs; null while it does not.</summary>
    public int? OrdersPerMinute { get; private set; }

    /// <summary>Writes one order now.</summary>
    /// <returns>The order's <c>OtterOrderId</c>.</returns>
    public async Task<string> PlaceAsync(CancellationToken cancellationToken)
    {
        var collection = await CollectionAsync(cancellationToken).ConfigureAwait(false);
        BsonDocument order;
        lock (_gate)
        {
            order = _generator.Next();
        }

        await collection.InsertOneAsync(order, cancellationToken: cancellationToken).ConfigureAwait(false);
        var orderId = order["OtterOrderId"].AsString;
        LogPlaced(logger, orderId, order["BrandName"].AsString);
        return orderId;
    }

    /// <summary>Starts writing <paramref name="ordersPerMinute"/> orders a minute; false when it already runs.</summary>
    public bool Start(int ordersPerMinute)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ordersPerMinute);
        lock (_gate)
        {
            if (_running is not null)
            {
                return false;
            }

            _running = new CancellationTokenSource();
            OrdersPerMinute = ordersPerMinute;
            _ = RunAsync(TimeSpan.FromMinutes(1) / ordersPerMinute, _running.Token);
            LogStarted(logger, ordersPerMinute);
            return true;
        }
    }

    /// <summary>Stops writing; false when it did not run.</summary>
    public bool Stop()
    {
        lock (_gate)
        {
            if (_running is null)
            {
                return false;
            }

            _running.Cancel();
            _running.Dispose();
            (_running, OrdersPerMinute) = (null, null);
            LogStopped(logger);
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await PlaceAsync(cancellationToken).ConfigureAwait(false);
                    failing = false;
                }
                catch (Exception ex) when (ex is MongoException or TimeoutException && !cancellationToken.IsCancellationRequested)
                {
                    // MongoDB is not up yet, or gone for a while: the next tick tries again; said once.
                    if (!failing)
                    {
                        LogWriteFailed(logger, ex.Message);
                        failing = true;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async ValueTask<IMongoCollection<BsonDocument>> CollectionAsync(CancellationToken cancellationToken)
    {
        if (_collection is not null)
        {
            return _collection;
        }

        var connectionString = await orders.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The orders database has no connection string yet.");
        var url = MongoUrl.Create(connectionString);
        var settings = MongoClientSettings.FromUrl(url);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
        return _collection = new MongoClient(settings).GetDatabase(url.DatabaseName ?? "orbital").GetCollection<BsonDocument>("orders");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated platform placed order {OrderId} ({Brand})")]
    private static partial void LogPlaced(ILogger logger, string orderId, string brand);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order simulator started: {OrdersPerMinute} orders a minute")]
    private static partial void LogStarted(ILogger logger, int ordersPerMinute);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order simulator stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The order simulator cannot write to MongoDB yet ({Reason}); it keeps trying")]
    private static partial void LogWriteFailed(ILogger logger, string reason);
}
