using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Options;
using Orbital.ServiceDefaults.Resilience;

namespace Orbital.OrderManagement.Services;

/// <summary>
/// Watches the platform's orders collection through a change stream and relays every inserted order to the
/// kitchen, one at a time and in order. A change's own resume token is checkpointed only after its order was
/// acknowledged (or rejected), so a crash anywhere re-delivers rather than skips, and the kitchen's
/// deduplication makes the re-delivery harmless. Quiet streams checkpoint their post-batch token now and then
/// so the saved position never falls off the oplog; if it does anyway, the listener says so and catches up
/// from the collection by time.
/// </summary>
public sealed partial class OrderChangeListener(
    IServiceProvider services,
    IOptions<OrderListenerOptions> options,
    ExponentialBackoff backoff,
    OrderListenerStatus status,
    OrderFlowMetrics metrics,
    TimeProvider time,
    ILogger<OrderChangeListener> logger) : BackgroundService
{
    // ChangeStreamHistoryLost, InvalidResumeToken, ChangeStreamFatalError: the saved position cannot be resumed.
    private static readonly int[] s_historyLostCodes = [286, 260, 280];

    private readonly OrderListenerOptions _options = options.Value;
    private int _attempt;
    private DateTimeOffset _lastQuietCheckpoint = DateTimeOffset.MinValue;
    private BsonDocument? _lastSavedToken;
    private string? _historyLost;
    private IMongoCollection<BsonDocument> _orders = null!;
    private ResumeTokenStore _tokens = null!;
    private OrderRelay _relay = null!;
    private OrderCatchUp _catchUp = null!;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var database = services.GetService<IMongoDatabase>();
        if (database is null)
        {
            status.NotConfigured("MongoDB is not configured (ConnectionStrings:orders): no orders can be read.");
            LogNotConfigured(logger);
            return;
        }

        _orders = database.GetCollection<BsonDocument>(_options.OrdersCollection);
        _tokens = services.GetRequiredService<ResumeTokenStore>();
        _relay = services.GetRequiredService<OrderRelay>();
        _catchUp = services.GetRequiredService<OrderCatchUp>();

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (MongoCommandException ex) when (s_historyLostCodes.Contains(ex.Code))
            {
                // The next pass catches up from the collection instead of resuming; until a catch-up completes,
                // every pass does (a catch-up cut short by an outage is simply run again).
                _historyLost = $"the change stream history was lost ({ex.CodeName})";
                metrics.HistoryLost(ex.Code);
                LogHistoryLost(logger, ex, ex.Code);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                var delay = backoff.DelayFor(_attempt++);
                status.WaitingForMongoDB(ex.Message, delay);
                metrics.MongoRetry();
                LogMongoUnavailable(logger, ex, delay.TotalSeconds);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        var checkpoint = await _tokens.LoadAsync(cancellationToken);
        IChangeStreamCursor<ChangeStreamDocument<BsonDocument>> stream;
        if (_historyLost is { } reason)
        {
            stream = await CatchUpAsync(checkpoint?.EventTime, reason, cancellationToken);
            _historyLost = null;
        }
        else if (checkpoint is not null)
        {
            stream = await WatchAsync(checkpoint.ResumeToken, cancellationToken);
            LogResuming(logger, checkpoint.EventTime);
        }
        else if (_options.StartFrom == StartPosition.Beginning)
        {
            stream = await CatchUpAsync(since: null, "no checkpoint yet; starting from the beginning", cancellationToken);
        }
        else
        {
            stream = await StartFromNowAsync(cancellationToken);
        }

        using (stream)
        {
            _attempt = 0;
            status.Listening($"Listening for orders in '{_options.OrdersCollection}'.");
            await ConsumeAsync(stream, cancellationToken);
        }
    }

    /// <summary>
    /// A first start: the stream's starting point is checkpointed at once, so that orders written while the
    /// service is down before its first order are still read on the next start.
    /// </summary>
    private async Task<IChangeStreamCursor<ChangeStreamDocument<BsonDocument>>> StartFromNowAsync(CancellationToken cancellationToken)
    {
        var stream = await WatchAsync(resumeAfter: null, cancellationToken);
        try
        {
            await stream.MoveNextAsync(cancellationToken);
            await HandleBatchAsync(stream, cancellationToken);
            await SaveAsync(stream.GetResumeToken(), time.GetUtcNow().UtcDateTime, cancellationToken);
            LogStartedFromNow(logger);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private async Task ConsumeAsync(IChangeStreamCursor<ChangeStreamDocument<BsonDocument>> stream, CancellationToken cancellationToken)
    {
        while (await stream.MoveNextAsync(cancellationToken))
        {
            await HandleBatchAsync(stream, cancellationToken);
        }
    }

    private async Task HandleBatchAsync(IChangeStreamCursor<ChangeStreamDocument<BsonDocument>> stream, CancellationToken cancellationToken)
    {
        var any = false;
        foreach (var change in stream.Current)
        {
            any = true;
            var observedAt = change.WallTime ?? time.GetUtcNow().UtcDateTime;
            await _relay.RelayAsync(change.FullDocument, observedAt, cancellationToken);

            // Checkpoint only after the kitchen acknowledged: a crash before this line re-delivers, which the
            // kitchen deduplicates. The change's own token, never the cursor's end-of-batch one, which would
            // skip the rest of this batch.
            await SaveAsync(change.ResumeToken, observedAt, cancellationToken);
        }

        // A quiet batch: every change up to the post-batch token has been dealt with, so it is safe to save,
        // and saving it now and then keeps the checkpoint inside the oplog's window.
        if (!any && time.GetUtcNow() - _lastQuietCheckpoint >= _options.QuietCheckpointInterval
            && stream.GetResumeToken() is { } token)
        {
            await SaveAsync(token, time.GetUtcNow().UtcDateTime, cancellationToken);
            _lastQuietCheckpoint = time.GetUtcNow();
        }
    }

    /// <summary>
    /// Opens a stream at "now" first and only then scans the collection, so an order written during the scan is
    /// seen by one or both (the kitchen deduplicates), never by neither; then checkpoints the stream's position.
    /// </summary>
    private async Task<IChangeStreamCursor<ChangeStreamDocument<BsonDocument>>> CatchUpAsync(
        DateTime? since,
        string reason,
        CancellationToken cancellationToken)
    {
        status.CatchingUp($"Catching up: {reason}. Re-reading orders written since {(since is null ? "the beginning" : since.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}.");
        var stream = await WatchAsync(resumeAfter: null, cancellationToken);
        try
        {
            await stream.MoveNextAsync(cancellationToken);
            var scanned = await _catchUp.RunAsync(since, cancellationToken);
            await HandleBatchAsync(stream, cancellationToken);
            await SaveAsync(stream.GetResumeToken(), time.GetUtcNow().UtcDateTime, cancellationToken);
            status.Recovered(new RecoveryRecord(time.GetUtcNow(), reason, scanned));
            LogCaughtUp(logger, scanned, reason);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private Task<IChangeStreamCursor<ChangeStreamDocument<BsonDocument>>> WatchAsync(BsonDocument? resumeAfter, CancellationToken cancellationToken)
    {
        // Inserts only: updates and cancellations are a later capability, and their events simply pass by.
        var pipeline = new EmptyPipelineDefinition<ChangeStreamDocument<BsonDocument>>()
            .Match(change => change.OperationType == ChangeStreamOperationType.Insert);
        var watchOptions = new ChangeStreamOptions
        {
            ResumeAfter = resumeAfter,
            MaxAwaitTime = _options.MaxAwaitTime,
            BatchSize = 100,
        };
        return _orders.WatchAsync(pipeline, watchOptions, cancellationToken);
    }

    private async Task SaveAsync(BsonDocument token, DateTime eventTime, CancellationToken cancellationToken)
    {
        if (token.Equals(_lastSavedToken))
        {
            return;
        }

        await _tokens.SaveAsync(token, eventTime, cancellationToken);
        _lastSavedToken = token;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB is not configured (ConnectionStrings:orders); the order listener is idle")]
    private static partial void LogNotConfigured(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MongoDB is unreachable or failed; the order listener retries in {DelaySeconds:0.0} s")]
    private static partial void LogMongoUnavailable(ILogger logger, Exception exception, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming the order stream after the change of {EventTime:O}")]
    private static partial void LogResuming(ILogger logger, DateTime eventTime);

    [LoggerMessage(Level = LogLevel.Information, Message = "No checkpoint: listening for orders written from now on")]
    private static partial void LogStartedFromNow(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The order stream's history was lost (code {Code}): catching up from the orders collection by time")]
    private static partial void LogHistoryLost(ILogger logger, Exception exception, int code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Caught up: re-read {Scanned} orders ({Reason})")]
    private static partial void LogCaughtUp(ILogger logger, int scanned, string reason);
}
