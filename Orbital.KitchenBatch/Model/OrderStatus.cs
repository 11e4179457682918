namespace Orbital.KitchenBatch.Model;

/// <summary>Where an order stands in the kitchen.</summary>
public enum OrderStatus
{
    /// <summary>Some of its lines still have food to cook.</summary>
    Open = 0,

    /// <summary>Every line is cooked: the order can be packed.</summary>
    Ready = 1,

    /// <summary>The platform cancelled it (or deleted it): nothing is cooked for it any more.</summary>
    Cancelled = 2,

    /// <summary>
    /// Closed without being cooked to the end: the platform finished it (picked up, delivered), or it was stale
    /// (long past its due time) and a manager or its expiry closed it. What was still open is recorded on the order.
    /// </summary>
    Closed = 3,
}
