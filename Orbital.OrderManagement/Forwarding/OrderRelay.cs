using MongoDB.Bson;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.OrderManagement.Mapping;
using Orbital.OrderManagement.Rejections;

namespace Orbital.OrderManagement.Forwarding;

/// <summary>
/// What happens to one platform document, whether it came from the change stream (inserted, updated, replaced or
/// deleted) or a catch-up scan: it is mapped and validated, then either handed to the kitchen until acknowledged
/// (as the order's current state, or its cancellation), or recorded as rejected. When this returns, the document is
/// dealt with and its change may be checkpointed. A document is never a reason
/// for the flow to stop: whatever the mapper cannot read is a rejection; only an unavailable kitchen or
/// MongoDB, or an unplanned failure (an <see cref="OrderRelayException"/>), holds it.
/// </summary>
public sealed class OrderRelay(KitchenOrderForwarder forwarder, RejectedOrderStore rejections)
{
    /// <summary>Maps and validates a document as it is after a change: the order to send, its cancellation, or why neither.</summary>
    /// <param name="document">The platform's order document.</param>
    /// <param name="observedAt">When the change was seen; the placed-at time of last resort.</param>
    /// <param name="revision">The change's position in the platform's history: the kitchen applies each order's changes in its order, once.</param>
    /// <param name="fields">Which fields say when it is due and that it is finished; the defaults when null.</param>
    public static PreparedChange Prepare(BsonDocument document, DateTime observedAt, ulong revision, OrderDocumentFields? fields = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sourceId = document.GetValue("_id", BsonNull.Value);
        var key = DocumentSourceId.Of(sourceId);
        var mapping = Map(document, observedAt, fields);
        if (!mapping.IsValid)
        {
            return new PreparedChange(sourceId, key, mapping.OrderId, null, mapping.Reasons);
        }

        if (mapping.IsCancellation)
        {
            return Cancellation(sourceId, mapping.OrderId, mapping.SourceId, revision, "cancelled by the platform");
        }

        mapping.Request!.Revision = revision;
        return new PreparedChange(sourceId, key, mapping.OrderId, new OrderBatchItem { Order = mapping.Request }, null);
    }

    /// <summary>The platform deleted an order's document: the kitchen cancels the order it became, if any.</summary>
    /// <param name="documentId">The deleted document's <c>_id</c>.</param>
    /// <param name="revision">The deletion's position in the platform's history.</param>
    public static PreparedChange PrepareDeletion(BsonValue documentId, ulong revision)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        return Cancellation(documentId, null, DocumentSourceId.Of(documentId), revision, "order deleted by the platform");
    }

    /// <summary>
    /// Sends one prepared change until the kitchen acknowledges it, or records it as rejected. When this returns, the
    /// change is dealt with and may be checkpointed. Only an unavailable kitchen or MongoDB, or an unplanned failure
    /// (an <see cref="OrderRelayException"/> naming the document), holds it.
    /// </summary>
    public async Task RelayAsync(PreparedChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        try
        {
            if (change.Item is not { } item)
            {
                await RejectAsync(change, change.Reasons!, "document", cancellationToken);
                return;
            }

            var outcome = item.ChangeCase == OrderBatchItem.ChangeOneofCase.Order
                ? await forwarder.ForwardAsync(item.Order, item.Order.SourceId, cancellationToken)
                : await forwarder.CancelAsync(item.Cancellation, cancellationToken);
            if (outcome is ForwardOutcome.Refused refused)
            {
                await RejectAsync(change, refused.Reasons, "kitchen", cancellationToken);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Named, so that health says which document the flow waits on; an unreachable MongoDB is still
            // recognised as such by ChangeStreamFailure.
            throw new OrderRelayException(change.SourceId, change.OrderId, ex);
        }
    }

    /// <summary>Records a change that cannot reach the kitchen, with why.</summary>
    /// <param name="change">The change.</param>
    /// <param name="reasons">Why.</param>
    /// <param name="stage"><c>document</c> when the order service refused it, <c>kitchen</c> when the kitchen did.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public Task RejectAsync(PreparedChange change, IReadOnlyList<string> reasons, string stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return rejections.RecordAsync(change.SourceId, change.OrderId, reasons, stage, cancellationToken);
    }

    private static PreparedChange Cancellation(BsonValue documentId, string? orderId, string sourceId, ulong revision, string reason)
    {
        var cancellation = new OrderCancellation { OrderId = orderId ?? string.Empty, SourceId = sourceId, Revision = revision, Reason = reason };
        var violations = OrderRequestValidator.Validate(cancellation);
        return violations.Count > 0
            ? new PreparedChange(documentId, sourceId, orderId, null, [.. violations.Select(v => v.ToString())])
            : new PreparedChange(documentId, sourceId, orderId, new OrderBatchItem { Cancellation = cancellation }, null);
    }

    /// <summary>
    /// The mapper handles every shape it knows of; this guards against the ones nobody thought of (a value the
    /// BSON library cannot convert, say), which must become a rejection, not an endless retry of one change.
    /// </summary>
    private static OrderMapping Map(BsonDocument document, DateTime observedAt, OrderDocumentFields? fields)
    {
        try
        {
            return OrderDocumentMapper.Map(document, observedAt, fields);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var orderId = document.TryGetValue("OtterOrderId", out var id) && id is BsonString text ? text.Value : null;
            return new OrderMapping(null, orderId, [$"the document cannot be read as an order: {ex.GetType().Name}: {ex.Message}"]);
        }
    }
}
