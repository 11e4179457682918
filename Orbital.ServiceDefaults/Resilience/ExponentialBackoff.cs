namespace Orbital.ServiceDefaults.Resilience;

/// <summary>
/// The one backoff policy of every Orbital retry loop: exponential from <see cref="Initial"/> to
/// <see cref="Maximum"/>, with jitter so that services recovering together do not retry in lockstep.
/// </summary>
/// <param name="Initial">The first delay, and the smallest any delay can be.</param>
/// <param name="Maximum">The cap the delays grow to.</param>
public sealed record ExponentialBackoff(TimeSpan Initial, TimeSpan Maximum)
{
    /// <summary>1 s doubling to 60 s: the policy the product promises for MongoDB and the kitchen.</summary>
    public static ExponentialBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

    /// <summary>
    /// The delay before retry number <paramref name="attempt"/> (0 for the first retry): the exponential
    /// step, with its upper half jittered, never below <see cref="Initial"/> nor above <see cref="Maximum"/>.
    /// </summary>
    /// <param name="attempt">How many retries came before this one.</param>
    /// <param name="random">The randomness source; tests pass a seeded one.</param>
    public TimeSpan DelayFor(int attempt, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        random ??= Random.Shared;

        // 2^attempt overflows long before the cap matters; 30 doublings of even 1 ms exceed any sane maximum.
        var step = Initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(step, Maximum.TotalMilliseconds);
        var jittered = (capped / 2) + (random.NextDouble() * capped / 2);
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, Initial.TotalMilliseconds, Maximum.TotalMilliseconds));
    }

    /// <summary>A fresh schedule for one retry loop on <paramref name="time"/>.</summary>
    public RetrySchedule Start(TimeProvider time) => new(this, time);
}
