namespace Orbital.KitchenBatch.Model;

/// <summary>
/// One change in the kitchen, written in the same transaction as the change itself (an outbox). Ids are
/// assigned in commit order, so a screen that saw event N has seen every event before it.
/// </summary>
public sealed class KitchenEvent
{
    public long Id { get; set; }

    /// <summary>One of <see cref="Screens.KitchenEventTypes"/>.</summary>
    public required string Type { get; set; }

    /// <summary>The station the event concerns; null when it concerns every screen (an order arriving or ready).</summary>
    public string? Station { get; set; }

    /// <summary>The event's JSON payload, as screens receive it.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>The W3C <c>traceparent</c> of the trace that wrote the event (an order's intake, a cook's tap), if any.</summary>
    public string? TraceParent { get; set; }
}
