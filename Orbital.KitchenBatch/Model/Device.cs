namespace Orbital.KitchenBatch.Model;

/// <summary>A screen or tablet allowed to use the kitchen, by a token a manager had issued for it.</summary>
public sealed class Device
{
    public Guid Id { get; set; }

    /// <summary>What the manager called it ("grill tablet").</summary>
    public required string Name { get; set; }

    /// <summary>The one station it may act on; null for every station.</summary>
    public string? Station { get; set; }

    /// <summary>What it may do besides working the boards: a manager device reads the analytics (the manager page).</summary>
    public DeviceRole Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When its token stops working by itself.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When a manager revoked it; its token stops working within seconds.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}
