using System.ComponentModel.DataAnnotations;

namespace Orbital.ServiceDefaults.Resilience;

/// <summary>
/// The delays of every retry loop of a service (section <c>Backoff</c>): MongoDB, the kitchen, the schema
/// migration alike. The product promises 1 s doubling to 60 s; tests shorten both.
/// </summary>
public sealed class BackoffOptions
{
    public const string SectionName = "Backoff";

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan Initial { get; set; } = ExponentialBackoff.Default.Initial;

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan Maximum { get; set; } = ExponentialBackoff.Default.Maximum;

    /// <summary>The policy these options describe; a maximum below the initial delay is raised to it.</summary>
    public ExponentialBackoff ToPolicy() => new(Initial, Maximum < Initial ? Initial : Maximum);
}
