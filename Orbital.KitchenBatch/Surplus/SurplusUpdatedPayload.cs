using Orbital.KitchenBatch.Screens.Payloads;

namespace Orbital.KitchenBatch.Surplus;

/// <summary>
/// The payload of <c>surplus.updated</c>: a batch item's surplus changed. <c>Surplus</c> is its new state (quantity
/// 0: none left); <c>Assigned</c> the open lines it was just given to; <c>Discarded</c> and <c>Reason</c> what a
/// cook threw away.
/// </summary>
public sealed record SurplusUpdatedPayload(
    SurplusView Surplus,
    IReadOnlyList<AllocationPayload> Assigned,
    int Discarded,
    string? Reason);
