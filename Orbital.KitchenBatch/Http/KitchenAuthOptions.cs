using System.ComponentModel.DataAnnotations;

namespace Orbital.KitchenBatch.Http;

/// <summary>
/// Who may use the kitchen (section <c>Kitchen:Auth</c>). Both keys are secrets: the AppHost generates them as
/// secret parameters; they never belong in a repository or a log.
/// </summary>
public sealed class KitchenAuthOptions
{
    public const string SectionName = "Kitchen:Auth";

    /// <summary>
    /// The manager key: creates, lists and revokes devices, and may do anything a device may. Device tokens are
    /// signed with a key derived from it, so rotating it revokes every device.
    /// </summary>
    public string? ManagerKey { get; set; }

    /// <summary>The key the order service sends with every <c>OrderIntake</c> call; no other caller may submit orders.</summary>
    public string? IntakeKey { get; set; }

    /// <summary>How long a device token is valid unless its creation says otherwise.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan DeviceTokenLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How long a pairing code may be used (once).</summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan PairingCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often the device list is re-read anyway. A revocation on any instance is heard at once (LISTEN/NOTIFY); while
    /// it cannot be heard, a revoked token stops working within this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RevocationRefresh { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Both keys are set, and long enough to be keys rather than passwords someone typed.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        Check(problems, nameof(ManagerKey), ManagerKey);
        Check(problems, nameof(IntakeKey), IntakeKey);
        return problems;
    }

    private static void Check(List<string> problems, string name, string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            problems.Add($"{SectionName}:{name} is not set");
        }
        else if (key.Length < 16)
        {
            problems.Add($"{SectionName}:{name} is shorter than 16 characters");
        }
    }
}
