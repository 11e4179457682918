namespace Orbital.KitchenBatch.Model;

/// <summary>
/// A short code a manager gives to someone standing at a screen: entered on the board, it becomes a device token
/// once. Only its hash is stored.
/// </summary>
public sealed class PairingCode
{
    public long Id { get; set; }

    /// <summary>SHA-256 of the code, hex.</summary>
    public required string CodeHash { get; set; }

    /// <summary>The name the device will have.</summary>
    public required string DeviceName { get; set; }

    /// <summary>The station the device will be limited to; null for every station.</summary>
    public string? Station { get; set; }

    /// <summary>What the device will be: a screen, or a manager device.</summary>
    public DeviceRole Role { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The device it became, once used.</summary>
    public Guid? DeviceId { get; set; }
}
