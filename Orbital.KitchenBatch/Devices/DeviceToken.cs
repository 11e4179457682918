namespace Orbital.KitchenBatch.Devices;

/// <summary>What a device token says: which device, which station it may act on (null: all), and until when.</summary>
public sealed record DeviceToken(Guid DeviceId, string? Station, DateTimeOffset ExpiresAt);
