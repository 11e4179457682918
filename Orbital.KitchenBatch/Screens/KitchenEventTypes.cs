namespace Orbital.KitchenBatch.Screens;

/// <summary>The kinds of kitchen events, as they appear in the SSE stream's <c>event:</c> field.</summary>
public static class KitchenEventTypes
{
    /// <summary>An order arrived; its lines joined the batches.</summary>
    public const string OrderReceived = "order.received";

    /// <summary>A batch item's quantities changed; the payload is its whole new state.</summary>
    public const string BatchUpdated = "batch.updated";

    /// <summary>A cook started some of a batch item.</summary>
    public const string BatchStarted = "batch.started";

    /// <summary>A cook completed some of a batch item; the payload names the orders it went to.</summary>
    public const string BatchCompleted = "batch.completed";

    /// <summary>Every line of an order is cooked: it can be packed.</summary>
    public const string OrderReady = "order.ready";

    /// <summary>The platform changed an order the kitchen had: lines added, removed or with another quantity.</summary>
    public const string OrderUpdated = "order.updated";

    /// <summary>The platform cancelled an order (or deleted it): its demand is gone, what was cooked is surplus.</summary>
    public const string OrderCancelled = "order.cancelled";

    /// <summary>
    /// An order was closed without being cooked to the end: the platform finished it (picked up, delivered) or it was
    /// stale. Its open demand left the batches; nothing of it is surplus.
    /// </summary>
    public const string OrderClosed = "order.closed";

    /// <summary>The production catalog changed (a production item or a menu mapping); open demand may have moved.</summary>
    public const string ProductionUpdated = "production.updated";

    /// <summary>A batch item's surplus changed: cooked food freed by a change, assigned to an order, or discarded.</summary>
    public const string SurplusUpdated = "surplus.updated";

    /// <summary>The stream is alive (never stored; no id).</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>The screen's state is not the kitchen's any more: reload a snapshot (never stored).</summary>
    public const string Reset = "reset";
}
