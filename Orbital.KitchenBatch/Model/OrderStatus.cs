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
}
