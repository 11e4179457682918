using Orbital.Contracts.Orders;

namespace Orbital.OrderManagement.Mapping;

/// <summary>
/// What a platform document became: an order the kitchen can cook, a cancellation, or the reasons it is neither.
/// The order id is kept whenever the document had one, so a rejection can be traced to the platform's order.
/// </summary>
public sealed record OrderMapping(OrderRequest? Request, string? OrderId, IReadOnlyList<string> Reasons)
{
    public bool IsValid => (Request is not null || IsCancellation) && Reasons.Count == 0;

    /// <summary>The platform cancelled the order; only its id (or, without one, its source id) matters.</summary>
    public bool IsCancellation { get; private init; }

    /// <summary>The document's id as the kitchen keeps it; how a cancellation without an order id names the order.</summary>
    public string SourceId { get; private init; } = string.Empty;

    public static OrderMapping Cancellation(string? orderId, string sourceId)
        => new(null, orderId, []) { IsCancellation = true, SourceId = sourceId };
}
