using MongoDB.Bson;

namespace Orbital.OrderManagement.Forwarding;

/// <summary>Relaying one platform document failed in a way that is neither a rejection nor an unavailable kitchen.</summary>
public sealed class OrderRelayException : Exception
{
    public OrderRelayException()
    {
    }

    public OrderRelayException(string message)
        : base(message)
    {
    }

    public OrderRelayException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OrderRelayException(BsonValue sourceId, string? orderId, Exception innerException)
        : base($"order {orderId ?? "(no order id)"} (source _id {sourceId}) could not be relayed: {innerException?.Message}", innerException)
    {
        SourceId = sourceId;
        OrderId = orderId;
    }

    /// <summary>The platform document's <c>_id</c>.</summary>
    public BsonValue? SourceId { get; }

    /// <summary>The platform's order id, when the document had one.</summary>
    public string? OrderId { get; }
}
