namespace Orbital.KitchenBatch.Devices;

/// <summary>What the kitchen knows of a device.</summary>
public enum DeviceStatus
{
    /// <summary>The device list has not been read yet: the device is looked up.</summary>
    NotLoaded,

    Active,

    Revoked,

    /// <summary>No such device: its token was signed with this kitchen's key, but the device is gone (a restored database).</summary>
    Unknown,

    /// <summary>The list does not have the device and the database cannot be asked now: refused for now (503), not for good.</summary>
    Unverifiable,
}
