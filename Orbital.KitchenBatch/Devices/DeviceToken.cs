namespace Orbital.KitchenBatch.Devices;

/// <summary>What a device token says: which device, which station it may act on (null: all), and until when.</summary>
public sealed record DeviceToken(Guid DeviceId, string? Station, DateTimeOffset ExpiresAt)
{
    /// <summary>What the device may do; signed into the token (a screen's token says nothing, as before roles).</summary>
    public Model.DeviceRole Role { get; init; }
}
