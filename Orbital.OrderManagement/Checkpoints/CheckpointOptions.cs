using System.ComponentModel.DataAnnotations;

namespace Orbital.OrderManagement.Checkpoints;

/// <summary>Where the listener's checkpoint is kept (section <c>OrderListener</c>).</summary>
public sealed class CheckpointOptions
{
    /// <summary>The section these settings are read from: the listener's, where they have always been.</summary>
    public const string SectionName = "OrderListener";

    /// <summary>Where the listener keeps the resume token of the last change the kitchen acknowledged.</summary>
    [Required]
    public string CheckpointsCollection { get; set; } = "orbital_checkpoints";

    /// <summary>This listener's checkpoint document; two listeners on one collection need two names.</summary>
    [Required]
    public string ListenerName { get; set; } = "order-listener";
}
