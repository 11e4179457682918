using Orbital.Contracts.Validation;

namespace Orbital.KitchenBatch.Devices;

/// <summary>A device to create (or a pairing code for one): its name, and the one station it may act on (none: all).</summary>
public sealed record DeviceRequest(string? Name, string? Station, int? ValidForDays, string? Role = null)
{
    /// <summary>The role asked for: <c>screen</c> (the default) or <c>manager</c> (a device that also opens the manager page).</summary>
    public Model.DeviceRole DeviceRole => string.Equals(Role?.Trim(), "manager", StringComparison.OrdinalIgnoreCase) ? Model.DeviceRole.Manager : Model.DeviceRole.Screen;

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > OrderLimits.MaxNameLength || Name.Any(char.IsControl))
        {
            errors["name"] = [$"A name is required: 1 to {OrderLimits.MaxNameLength} characters, no control characters."];
        }

        if (Station is not null && (string.IsNullOrWhiteSpace(Station) || Station.Length > OrderLimits.MaxNameLength || Station.Any(char.IsControl)))
        {
            errors["station"] = [$"A station is a name of 1 to {OrderLimits.MaxNameLength} characters, or left out for every station."];
        }

        if (Role is not null && !string.Equals(Role.Trim(), "screen", StringComparison.OrdinalIgnoreCase) && !string.Equals(Role.Trim(), "manager", StringComparison.OrdinalIgnoreCase))
        {
            errors["role"] = ["A role is \"screen\" (works the boards; the default) or \"manager\" (also opens the manager page)."];
        }

        if (ValidForDays is < 1 or > 3650)
        {
            errors["validForDays"] = ["A token is valid for 1 to 3650 days."];
        }

        return errors;
    }
}

/// <summary>A pairing code entered on a board.</summary>
public sealed record PairingRequest(string? Code);

/// <summary>A device as managers see it (never with its token).</summary>
public sealed record DeviceView(Guid Id, string Name, string? Station, string Role, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt)
{
    public static DeviceView From(Model.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return new(device.Id, device.Name, device.Station, device.Role == Model.DeviceRole.Manager ? "manager" : "screen", device.CreatedAt, device.ExpiresAt, device.RevokedAt);
    }
}

/// <summary>A new device and the token it authenticates with; the token is shown this once.</summary>
public sealed record DeviceTokenView(DeviceView Device, string Token);

/// <summary>A pairing code to enter on the device's board before it expires.</summary>
public sealed record PairingCodeView(string Code, DateTimeOffset ExpiresAt);
