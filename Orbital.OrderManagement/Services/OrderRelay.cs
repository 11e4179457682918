using MongoDB.Bson;
using Orbital.OrderManagement.Model;

namespace Orbital.OrderManagement.Services;

/// <summary>
/// What happens to one platform document, whether it came from the change stream or a catch-up scan: it is
/// mapped and validated, then either handed to the kitchen until acknowledged, or recorded as rejected. When
/// this returns, the document is dealt with and its change may be checkpointed. A document is never a reason
/// for the flow to stop: whatever the mapper cannot read is a rejection; only an unavailable kitchen or
/// MongoDB, or an unplanned failure (an <see cref="OrderRelayException"/>), holds it.
/// </summary>
public sealed class OrderRelay(KitchenOrderForwarder forwarder, RejectedOrderStore rejections)
{
    /// <param name="document">The platform's order document.</param>
    /// <param name="observedAt">When the change was seen; the placed-at time of last resort.</param>
    /// <param name="cancellationToken">Stops waiting for the kitchen.</param>
    public async Task RelayAsync(BsonDocument document, DateTime observedAt, CancellationToken cancellationToken)
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

            var outcome = await forwarder.ForwardAsync(mapping.Request!, mapping.Request!.SourceId, cancellationToken);
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
