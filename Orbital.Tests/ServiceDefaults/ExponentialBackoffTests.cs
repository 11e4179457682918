using Orbital.ServiceDefaults.Resilience;

namespace Orbital.Tests.ServiceDefaults;

public sealed class ExponentialBackoffTests
{
    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 1, 2)]
    [InlineData(2, 2, 4)]
    [InlineData(3, 4, 8)]
    [InlineData(5, 16, 32)]
    [InlineData(6, 30, 60)]
    [InlineData(7, 30, 60)]
    [InlineData(1000, 30, 60)]
    public void Delay_doubles_from_one_second_to_sixty_with_the_upper_half_jittered(int attempt, double minSeconds, double maxSeconds)
    {
        var random = new Random(attempt);

        for (var i = 0; i < 200; i++)
        {
            var delay = ExponentialBackoff.Default.DelayFor(attempt, random);

            Assert.InRange(delay.TotalSeconds, minSeconds, maxSeconds);
        }
    }

    [Fact]
    public void Jitter_spreads_retries_that_start_together()
    {
        var random = new Random(42);

        var delays = Enumerable.Range(0, 50).Select(_ => ExponentialBackoff.Default.DelayFor(4, random)).Distinct().Count();

        Assert.True(delays > 40, $"only {delays} distinct delays out of 50");
    }
}
