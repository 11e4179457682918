namespace Orbital.KitchenBatch.Model;

/// <summary>
/// The one row that says up to when the clock's changes (demand reaching its fire time, orders going stale) have been
/// announced to screens. Every kitchen instance's clock locks it, so each moment is announced once.
/// </summary>
public sealed class KitchenClock
{
    public int Id { get; set; }

    public DateTimeOffset AnnouncedUntil { get; set; }
}
