using System.ComponentModel.DataAnnotations;
using Orbital.ServiceDefaults.Resilience;

namespace Orbital.OrderManagement.Options;

/// <summary>The delays of every retry loop of the service (section <c>Backoff</c>): MongoDB and the kitchen alike.</summary>
public sealed class BackoffOptions
{
    public const string SectionName = "Backoff";

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan Initial { get; set; } = ExponentialBackoff.Default.Initial;

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan Maximum { get; set; } = ExponentialBackoff.Default.Maximum;

    public ExponentialBackoff ToBackoff() => new(Initial, Maximum < Initial ? Initial : Maximum);
}
