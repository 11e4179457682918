using MongoDB.Bson;
using Orbital.OrderManagement.Model;

namespace Orbital.OrderManagement.Services;

/// <summary>
/// What happens to one platform document, whether it came from the change stream or a catch-up scan: it is
/// mapped and validated, then either handed to the kitchen until acknowledged, or recorded as rejected. When
/// this returns, the document is dealt with and its change may be checkpointed.
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

        var mapping = OrderDocumentMapper.Map(document, observedAt);
        if (!mapping.IsValid)
        {
            await rejections.RecordAsync(sourceId, mapping.OrderId, mapping.Reasons, "document", cancellationToken);
            return;
        }

        var outcome = await forwarder.ForwardAsync(mapping.Request!, cancellationToken);
        if (outcome is ForwardOutcome.Refused refused)
        {
            await rejections.RecordAsync(sourceId, mapping.OrderId, refused.Reasons, "kitchen", cancellationToken);
        }
    }
}
