namespace Orbital.ServiceDefaults.Resilience;

/// <summary>
/// The state of one retry loop: how many attempts failed since the loop last made progress, and so how long
/// the next wait is. A loop calls <see cref="WaitAsync"/> after each failure and <see cref="Reset"/> only when
/// it made real progress (an order acknowledged, a checkpoint saved); a loop that reconnects but gets nowhere
/// keeps growing its delay to the maximum instead of hammering a dependency once a second.
/// </summary>
/// <param name="policy">The delays.</param>
/// <param name="time">The clock the waits run on.</param>
public sealed class RetrySchedule(ExponentialBackoff policy, TimeProvider time)
{
    private int _failures;

    /// <summary>Failed attempts since the last progress.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>The delay before the next attempt, counting this failure.</summary>
    public TimeSpan NextDelay() => policy.DelayFor(Interlocked.Increment(ref _failures) - 1);

    /// <summary>Counts a failure and waits out its delay; returns early (without throwing) when cancelled.</summary>
    /// <param name="delay">The delay <see cref="NextDelay"/> gave, when the caller reported it before waiting.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    public async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
        => await Task.Delay(delay, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    /// <summary>Progress was made: the next failure waits the initial delay again.</summary>
    public void Reset() => Interlocked.Exchange(ref _failures, 0);
}
