using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.OrderManagement.Diagnostics;

namespace Orbital.OrderManagement.Rejections;

/// <summary>
/// Records documents that cannot become orders in <c>orbital_rejected_orders</c>, keyed by the source document's
/// id (a re-read of the same document updates its record instead of adding another), with the reasons, and
/// logs and counts each one. The document itself stays where the platform wrote it. A record MongoDB refuses (not
/// an outage: a write error of its own) is logged, counted and shown in health, and the document is skipped all the
/// same: only an unreachable MongoDB holds the flow.
/// </summary>
public sealed partial class RejectedOrderStore(
    IMongoDatabase database,
    IOptions<RejectionOptions> options,
    OrderFlowMetrics metrics,
    OrderListenerStatus status,
    TimeProvider time,
    ILogger<RejectedOrderStore> logger)
{
    private const int MaxReasons = 50;
    private const int MaxReasonLength = 500;

    private readonly IMongoCollection<BsonDocument> _rejections = database.GetCollection<BsonDocument>(options.Value.RejectedOrdersCollection);
    private readonly string _ordersCollection = options.Value.OrdersCollection;

    /// <param name="sourceId">The platform document's <c>_id</c>.</param>
    /// <param name="orderId">The platform's order id, when the document had a readable one.</param>
    /// <param name="reasons">Why the document cannot be cooked.</param>
    /// <param name="stage"><c>document</c> when the order service refused it, <c>kitchen</c> when the kitchen did.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task RecordAsync(BsonValue sourceId, string? orderId, IReadOnlyList<string> reasons, string stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        reasons = Bounded(reasons);

        var record = new BsonDocument
        {
            { "_id", sourceId },
            { "collection", _ordersCollection },
            { "orderId", (BsonValue?)orderId ?? BsonNull.Value },
            { "stage", stage },
            { "reasons", new BsonArray(reasons) },
            { "rejectedAt", time.GetUtcNow().UtcDateTime },
        };
        LogRejected(logger, sourceId.ToString() ?? "?", orderId ?? "(none)", string.Join("; ", reasons));
        try
        {
            await _rejections.ReplaceOneAsync(new BsonDocument("_id", sourceId), record, new ReplaceOptions { IsUpsert = true }, cancellationToken);
            metrics.Rejected(stage, recorded: true);
        }
        catch (MongoException ex) when (!IsOutage(ex))
        {
            // The record is refused for what it is (a unique index of an operator's, a validator, a permission): the
            // document is still rejected, logged with its reasons above and counted. Holding every order behind it
            // until the record can be written would turn one bad document into a stopped kitchen.
            metrics.Rejected(stage, recorded: false);
            status.RejectionNotRecorded($"{sourceId} (order {orderId ?? "(none)"}): {ex.Message}");
            LogNotRecorded(logger, ex, sourceId.ToString() ?? "?", _rejections.CollectionNamespace.CollectionName);
        }
    }

    /// <summary>Whether MongoDB could not be reached or could not take any write now: a wait, not a reason to skip the record.</summary>
    private static bool IsOutage(MongoException exception)
        => exception is MongoConnectionException or MongoExecutionTimeoutException or MongoNotPrimaryException or MongoNodeIsRecoveringException or MongoWaitQueueFullException or MongoWriteConcernException
           || exception.HasErrorLabel("RetryableWriteError")
           || exception.HasErrorLabel("NetworkError");

    /// <summary>
    /// At most <see cref="MaxReasons"/> reasons of at most <see cref="MaxReasonLength"/> characters: a document with
    /// a hundred thousand broken items must still fit in a record (and a log line), or it would hold the flow.
    /// </summary>
    private static IReadOnlyList<string> Bounded(IReadOnlyList<string> reasons)
    {
        var kept = reasons.Take(MaxReasons).Select(r => r.Length <= MaxReasonLength ? r : $"{r[..MaxReasonLength]}…").ToList();
        if (reasons.Count > MaxReasons)
        {
            kept.Add($"and {reasons.Count - MaxReasons} more");
        }

        return kept;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The rejection of document {SourceId} could not be recorded in '{Collection}'; it is skipped all the same (logged above)")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string sourceId, string collection);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected order document {SourceId} (order {OrderId}): {Reasons}")]
    private static partial void LogRejected(ILogger logger, string sourceId, string orderId, string reasons);
}
