using System.Security.Claims;

namespace Orbital.KitchenBatch.Http;

/// <summary>Who is calling, as the kitchen's authentication established it.</summary>
public sealed record KitchenCaller(bool IsManager, Guid? DeviceId, string? Station)
{
    /// <summary>
    /// A device whose token verifies but which the kitchen could not look up yet (its database was not ready): only
    /// an event stream lets it wait, and sends it nothing until it is looked up.
    /// </summary>
    public const string UnverifiedClaim = "orbital:unverified";

    public const string ManagerRole = "manager";
    public const string DeviceRole = "device";

    /// <summary>A device paired as a manager device: it may read the analytics, never manage the kitchen.</summary>
    public const string ManagerDeviceRole = "manager-device";
    public const string DeviceClaim = "orbital:device";
    public const string StationClaim = "orbital:station";

    /// <summary>Whether the caller may act on <paramref name="station"/>: a manager and an all-stations device may act anywhere.</summary>
    public bool MayActOn(string station) => Station is null || string.Equals(Station, station, StringComparison.Ordinal);

    /// <summary>A name for rate limits and stream caps: the device, or the manager.</summary>
    public string Subject => IsManager ? "manager" : DeviceId?.ToString("N") ?? "anonymous";

    /// <summary>Whether the device is not looked up yet (<see cref="UnverifiedClaim"/>).</summary>
    public bool IsUnverified { get; init; }

    public static KitchenCaller From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var device = user.FindFirstValue(DeviceClaim);
        return new KitchenCaller(
            user.IsInRole(ManagerRole),
            device is null ? null : Guid.Parse(device),
            user.FindFirstValue(StationClaim))
        {
            IsUnverified = user.HasClaim(c => c.Type == UnverifiedClaim),
        };
    }
}
