using MongoDB.Bson;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.OrderManagement.Model;

namespace Orbital.OrderManagement.Services;

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
    /// <param name="document">The platform's order document, as it is after the change.</param>
    /// <param name="observedAt">When the change was seen; the placed-at time of last resort.</param>
    /// <param name="revision">The change's position in the platform's history: the kitchen applies each order's changes in its order, once.</param>
    /// <param name="cancellationToken">Stops waiting for the kitchen.</param>
    public async Task RelayAsync(BsonDocument document, DateTime observedAt, ulong revision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var sourceId = document.GetValue("_id", BsonNull.Value);

        var mapping = Map(document, observedAt);
        try
        {
            if (!mapping.IsValid)
            {
                await rejections.RecordAsync(sourceId, mapping.OrderId, mapping.Reasons, "document", cancellationToken);
                return;
            }

            if (mapping.IsCancellation)
            {
                await CancelAsync(sourceId, mapping.OrderId, mapping.SourceId, revision, "cancelled by the platform", cancellationToken);
                return;
            }

            mapping.Request!.Revision = revision;
            var outcome = await forwarder.ForwardAsync(mapping.Request, mapping.Request.SourceId, cancellationToken);
            if (outcome is ForwardOutcome.Refused refused)
            {
                await rejections.RecordAsync(sourceId, mapping.OrderId, refused.Reasons, "kitchen", cancellationToken);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Named, so that health says which document the flow waits on; an unreachable MongoDB is still
            // recognised as such by ChangeStreamFailure.
            throw new OrderRelayException(sourceId, mapping.OrderId, ex);
        }
    }

    /// <summary>The platform deleted an order's document: the kitchen cancels the order it became, if any.</summary>
    /// <param name="documentId">The deleted document's <c>_id</c>.</param>
    /// <param name="revision">The deletion's position in the platform's history.</param>
    /// <param name="cancellationToken">Stops waiting for the kitchen.</param>
    public async Task RelayDeletionAsync(BsonValue documentId, ulong revision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documentId);
        try
        {
            await CancelAsync(documentId, null, OrderDocumentMapper.SourceIdOf(documentId), revision, "order deleted by the platform", cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OrderRelayException(documentId, null, ex);
        }
    }

    private async Task CancelAsync(BsonValue documentId, string? orderId, string sourceId, ulong revision, string reason, CancellationToken cancellationToken)
    {
        var cancellation = new OrderCancellation { OrderId = orderId ?? string.Empty, SourceId = sourceId, Revision = revision, Reason = reason };
        var violations = OrderRequestValidator.Validate(cancellation);
        if (violations.Count > 0)
        {
            await rejections.RecordAsync(documentId, orderId, [.. violations.Select(v => v.ToString())], "document", cancellationToken);
            return;
        }

        if (await forwarder.CancelAsync(cancellation, cancellationToken) is ForwardOutcome.Refused refused)
        {
            await rejections.RecordAsync(documentId, orderId, refused.Reasons, "kitchen", cancellationToken);
        }
    }

    /// <summary>
    /// The mapper handles every shape it knows of; this guards against the ones nobody thought of (a value the
    /// BSON library cannot convert, say), which must become a rejection, not an endless retry of one change.
    /// </summary>
    private static OrderMapping Map(BsonDocument document, DateTime observedAt)
    {
        try
        {
            return OrderDocumentMapper.Map(document, observedAt);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var orderId = document.TryGetValue("OtterOrderId", out var id) && id is BsonString text ? text.Value : null;
            return new OrderMapping(null, orderId, [$"the document cannot be read as an order: {ex.GetType().Name}: {ex.Message}"]);
        }
    }
}
