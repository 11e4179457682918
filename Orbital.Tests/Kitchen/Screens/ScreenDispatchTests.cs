using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Screens;

/// <summary>
/// How events go out to screens under load: the commits of one dispatch interval go out together, as one burst per
/// screen, and a screen that keeps up is never cut off by a burst, however large.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ScreenDispatchTests(LocalPostgresServer postgres)
{
    private const string Station = "Dispatch Station";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commits_within_the_dispatch_interval_reach_the_screens_in_one_dispatch()
    {
        // The longest interval allowed, so that the two orders after the first surely commit within it.
        await using var kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, builder =>
            builder.UseSetting("KitchenEvents:DispatchInterval", "00:00:01"));
        var intake = kitchen.CreateIntakeClient();
        await using var screen = await SseTestClient.ConnectAsync(kitchen.HttpAddress!, $"?station={Uri.EscapeDataString(Station)}");
        using var dispatched = new MetricCollector<long>(kitchen.Services.GetRequiredService<IMeterFactory>(), KitchenTelemetry.SourceName, "orbital.kitchen.events.dispatched");

        // The first commit after a quiet while goes out on its own...
        await intake.SubmitOrderAsync(Orders.Request("dispatch-first", (Station, "Burger", 1)), cancellationToken: Cancellation);
        var first = await screen.TakeUntilAsync(e => e.EventType == "batch.updated");

        // A dispatch is counted once it has been handed to every screen, which may be just after this one has it.
        await Eventually.HoldsAsync(() => Task.FromResult(dispatched.GetMeasurementSnapshot().Count > 0), "the first dispatch is counted");
        var afterFirst = dispatched.GetMeasurementSnapshot().Count;

        // ...the next, within the interval after it, is held back...
        await intake.SubmitOrderAsync(Orders.Request("dispatch-second", (Station, "Fries", 1)), cancellationToken: Cancellation);
        var heldBack = await screen.NextAsync(TimeSpan.FromMilliseconds(100));

        // ...and goes out together with what commits until the interval is over.
        await intake.SubmitOrderAsync(Orders.Request("dispatch-third", (Station, "Shake", 1)), cancellationToken: Cancellation);
        var rest = await screen.TakeAsync(4);

        Assert.Equal(["order.received", "batch.updated"], first.Select(e => e.EventType));
        Assert.Equal(1, afterFirst);
        Assert.Null(heldBack);
        Assert.Equal(["order.received", "batch.updated", "order.received", "batch.updated"], rest.Select(e => e.EventType));
        Assert.Contains("dispatch-third", rest[2].Data, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => Task.FromResult(dispatched.GetMeasurementSnapshot().Skip(afterFirst).Sum(m => m.Value) >= 4), "the later dispatches are counted");
        var later = dispatched.GetMeasurementSnapshot().Skip(afterFirst).ToList();
        Assert.Equal(4, Assert.Single(later).Value);
    }

    [Fact]
    public async Task A_screen_that_keeps_up_takes_a_burst_larger_than_its_buffer()
    {
        await using var kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, builder =>
            builder.UseSetting("KitchenEvents:SubscriberBufferCapacity", "50"));
        var intake = kitchen.CreateIntakeClient();
        await using var screen = await SseTestClient.ConnectAsync(kitchen.HttpAddress!, $"?station={Uri.EscapeDataString(Station)}");
        await screen.NextAsync(TimeSpan.FromSeconds(5), includeHeartbeats: true);

        // One call, one transaction, one dispatch: 120 orders' arrivals and their batch item, far over the 50 a screen may have waiting.
        var batch = new OrderBatch();
        batch.Items.AddRange(Enumerable.Range(0, 120).Select(i => new OrderBatchItem { Order = Orders.Request($"burst-{i:D3}", (Station, "Burger", 1)) }));
        await intake.SubmitOrdersAsync(batch, cancellationToken: Cancellation);
        var received = await screen.TakeUntilAsync(e => e.EventType == "order.received" && e.Data.Contains("burst-119", StringComparison.Ordinal));

        Assert.Equal(120, received.Count(e => e.EventType == "order.received"));
        Assert.False(screen.Ended.IsCompleted, "the screen was cut off");
    }
}
