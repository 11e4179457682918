namespace Orbital.KitchenBatch.Security;

/// <summary>What the kitchen knows of a device.</summary>
public enum DeviceStatus
{
    /// <summary>The device list has not been read yet (the database is not ready): nothing can be read or written anyway.</summary>
    NotLoaded,

    Active,

    Revoked,

    /// <summary>No such device: its token was signed with this kitchen's key, but the device is gone (a restored database).</summary>
    Unknown,
}
