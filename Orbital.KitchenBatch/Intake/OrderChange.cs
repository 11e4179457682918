using Orbital.Contracts.Orders;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// One change the platform made to an order, as intake applies it: the order as it is now (<see cref="State"/>),
/// or its cancellation (no state). An order is found by its id, or, for a deleted document, by its source id.
/// </summary>
public sealed record OrderChange(string? OrderId, string? SourceId, ulong Revision, OrderRequest? State, string? CancelReason)
{
    public static OrderChange Of(OrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(request.OrderId, LegacySourceIds.Normalize(NullIfEmpty(request.SourceId)), request.Revision, request, null);
    }

    public static OrderChange Of(OrderCancellation cancellation)
    {
        ArgumentNullException.ThrowIfNull(cancellation);
        return new(
            NullIfEmpty(cancellation.OrderId),
            LegacySourceIds.Normalize(NullIfEmpty(cancellation.SourceId)),
            cancellation.Revision,
            null,
            NullIfEmpty(cancellation.Reason) ?? "cancelled by the platform");
    }

    /// <summary>
    /// Whether this change may replace the state stored at revision <paramref name="stored"/>: it is not older. An
    /// equal revision is applied too, because the changes of one MongoDB transaction share a cluster time and the
    /// one read last is the newest; a repeat of the same state is recognised by its content instead. A change
    /// without revision never replaces anything: it only creates.
    /// </summary>
    public bool Supersedes(ulong stored) => Revision != 0 && Revision >= stored;

    /// <summary>Whether the platform says the order is finished (picked up, delivered): the kitchen closes it.</summary>
    public bool Finishes => State is { FinishedStatus.Length: > 0 };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
