using System.Diagnostics;
using MongoDB.Bson;
using Orbital.Contracts.Orders;

namespace Orbital.OrderManagement.Mapping;

/// <summary>
/// One platform change, made ready for the kitchen before anything is sent: the order's state or its cancellation
/// (<see cref="Item"/>), or the reasons it cannot be one (<see cref="Reasons"/>).
/// </summary>
/// <param name="SourceId">The platform document's <c>_id</c>: what a rejection is recorded under.</param>
/// <param name="DocumentKey">The <c>_id</c> as text: changes with the same key are applied in the order they happened.</param>
/// <param name="OrderId">The platform's order id, when the document had a readable one.</param>
/// <param name="Item">What the kitchen is sent; null for a rejection.</param>
/// <param name="Reasons">Why the change cannot reach the kitchen; null when it can.</param>
public sealed record PreparedChange(BsonValue SourceId, string DocumentKey, string? OrderId, OrderBatchItem? Item, IReadOnlyList<string>? Reasons)
{
    /// <summary>How the logs and the health report name it.</summary>
    public string Name => OrderId ?? $"(document {DocumentKey})";

    /// <summary>The change's trace (<see cref="Diagnostics.OrderTracing"/>), ended when the change is checkpointed; null when nobody listens.</summary>
    public Activity? Trace { get; set; }
}
