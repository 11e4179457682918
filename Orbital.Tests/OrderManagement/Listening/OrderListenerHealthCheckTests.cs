using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Listening;

namespace Orbital.Tests.OrderManagement.Listening;

/// <summary>What the order listener's health check says for each state, on a clock the test moves.</summary>
public sealed class OrderListenerHealthCheckTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly OrderListenerStatus _status;
    private readonly OrderListenerHealthCheck _check;

    public OrderListenerHealthCheckTests()
    {
        _status = new OrderListenerStatus(_time);
        _check = new OrderListenerHealthCheck(_status, Microsoft.Extensions.Options.Options.Create(new OrderListenerOptions()), _time);
    }

    [Fact]
    public async Task A_listener_deciding_where_to_start_is_not_ready()
    {
        _status.DecidingStart("No checkpoint: asking the kitchen.");

        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync()).Status);
    }

    [Fact]
    public async Task A_stream_that_stops_answering_is_reported_after_thirty_seconds_of_silence()
    {
        _status.Listening("Listening for orders in 'orders'.");
        _time.Advance(TimeSpan.FromSeconds(20));
        var quiet = await CheckAsync();
        _time.Advance(TimeSpan.FromSeconds(15));
        var silent = await CheckAsync();
        _status.Read();
        var answered = await CheckAsync();

        Assert.Equal(HealthStatus.Healthy, quiet.Status);
        Assert.Equal(HealthStatus.Degraded, silent.Status);
        Assert.Contains("has not answered for 35 s", silent.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, answered.Status);
    }

    [Fact]
    public async Task An_order_held_for_an_unavailable_kitchen_is_degraded_and_one_held_for_an_unknown_failure_is_unhealthy()
    {
        _status.Listening("Listening for orders in 'orders'.");
        _status.Hold("order-7", "source-7", HoldReason.KitchenUnavailable, "the kitchen answered Unavailable (restarting)", 3, TimeSpan.FromSeconds(4));
        _time.Advance(TimeSpan.FromSeconds(10));
        var unavailable = await CheckAsync();
        _status.Hold("order-7", "source-7", HoldReason.KitchenFailed, "the kitchen answered Unknown (bug)", 4, TimeSpan.FromSeconds(8));
        var failed = await CheckAsync();

        Assert.Equal(HealthStatus.Degraded, unavailable.Status);
        Assert.Equal(HealthStatus.Unhealthy, failed.Status);
        Assert.StartsWith("Holding order order-7 (source _id source-7) for 10 s after 4 failed attempts: the kitchen answered Unknown (bug).", failed.Description, StringComparison.Ordinal);
    }

    private Task<HealthCheckResult> CheckAsync() => _check.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);
}
