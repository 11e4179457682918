using Orbital.Contracts.Orders;

namespace Orbital.OrderManagement.Model;

/// <summary>
/// What a platform document became: an order the kitchen can cook, or the reasons it cannot. The order id is
/// kept whenever the document had one, so a rejection can be traced to the platform's order.
/// </summary>
public sealed record OrderMapping(OrderRequest? Request, string? OrderId, IReadOnlyList<string> Reasons)
{
    public bool IsValid => Request is not null && Reasons.Count == 0;
}
