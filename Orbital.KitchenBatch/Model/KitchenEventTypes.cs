namespace Orbital.KitchenBatch.Model;

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
}
