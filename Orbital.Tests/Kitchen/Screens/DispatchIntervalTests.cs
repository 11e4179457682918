using Orbital.KitchenBatch.Screens;

namespace Orbital.Tests.Kitchen.Screens;

/// <summary>
/// Dispatches are spaced by the dispatch interval, and further apart when the screens connected would otherwise
/// cost more writes a second than the budget: the kitchen's work for screens stays bounded however many connect.
/// </summary>
public sealed class DispatchIntervalTests
{
    [Theory]
    [InlineData(0, 20)]
    [InlineData(4, 20)]
    [InlineData(200, 20)]
    [InlineData(500, 50)]
    [InlineData(2_000, 200)]
    [InlineData(100_000, 200)]
    public void Dispatches_are_spaced_by_the_interval_or_by_the_write_budget_of_the_screens_connected(int screens, int expectedMilliseconds)
    {
        var options = new KitchenEventOptions();

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), options.DispatchIntervalFor(screens));
    }

    [Fact]
    public void A_larger_budget_or_interval_is_kept_and_the_budget_spaces_dispatches_at_most_200_ms_apart()
    {
        var options = new KitchenEventOptions { DispatchInterval = TimeSpan.FromMilliseconds(100), ScreenWritesPerSecond = 100_000 };

        Assert.Equal(TimeSpan.FromMilliseconds(100), options.DispatchIntervalFor(5_000));
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.DispatchIntervalFor(20_000));
        Assert.Equal(TimeSpan.FromMilliseconds(500), new KitchenEventOptions { DispatchInterval = TimeSpan.FromMilliseconds(500) }.DispatchIntervalFor(100_000));
    }
}
