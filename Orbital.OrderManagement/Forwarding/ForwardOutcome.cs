using Orbital.Contracts.Orders;

namespace Orbital.OrderManagement.Forwarding;

/// <summary>How handing one order to the kitchen ended; anything else is retried until it ends one of these ways.</summary>
public abstract record ForwardOutcome
{
    private ForwardOutcome()
    {
    }

    /// <summary>The kitchen stored the order (or already had it).</summary>
    public sealed record Acknowledged(OrderAck Ack) : ForwardOutcome;

    /// <summary>The kitchen refused the order as invalid; retrying cannot change that.</summary>
    public sealed record Refused(IReadOnlyList<string> Reasons) : ForwardOutcome;
}
