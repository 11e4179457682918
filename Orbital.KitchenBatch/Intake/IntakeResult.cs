namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// What intake did with an order or a change to it: stored it now, changed an order it had (<paramref name="Changed"/>),
/// or found this revision or a newer one stored before (<paramref name="Duplicate"/>: nothing changed).
/// </summary>
public sealed record IntakeResult(DateTimeOffset AcceptedAt, bool Duplicate, bool Changed = false);
