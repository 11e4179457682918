namespace Orbital.KitchenBatch.Services;

/// <summary>What intake did with an order: stored it now, or found it stored before.</summary>
public sealed record IntakeResult(DateTimeOffset AcceptedAt, bool Duplicate);
