using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Screens;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen;

/// <summary>
/// What the kitchen shows in the dashboard, read as OpenTelemetry and a metrics collector read it: an intake is one
/// span with a few named steps, the dispatch of its events to screens joins its trace, and the meters count what was
/// received, what is open per station and how many screens are connected.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class KitchenTelemetryTests(KitchenFixture kitchen) : IClassFixture<KitchenFixture>, IDisposable
{
    private readonly TraceRecorder _traces = new(KitchenTelemetry.SourceName);
    private readonly string _station = $"Telemetry-{Guid.NewGuid():N}"[..20];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private IMeterFactory Meters => kitchen.Kitchen.Services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _traces.Dispose();

    [Fact]
    public async Task An_intake_is_one_span_with_named_steps_and_the_dispatch_of_its_events_joins_its_trace()
    {
        var orderId = $"traced-{Guid.NewGuid():N}"[..20];
        var order = Orders.Request(orderId, (_station, "Burger", 2));
        order.Revision = 1;

        // A new order is received in one round trip: one step.
        await kitchen.Intake.SubmitOrderAsync(order, cancellationToken: Cancellation);

        var apply = await _traces.SpanAsync(s => s.DisplayName == "apply order changes" && Equals(s.GetTagItem("orbital.order.id"), orderId), "the intake's span");
        // A dispatch is in the trace that wrote the first of its events and links to the others': the other tests'
        // orders on this kitchen may still be on their way out with this one's (on a busy machine, in one dispatch).
        var dispatch = await _traces.SpanAsync(
            s => s.DisplayName == "dispatch events to screens" && (s.ParentSpanId == apply.SpanId || s.Links.Any(l => l.Context.SpanId == apply.SpanId)),
            "the dispatch of the order's events, in its trace or linked to it");
        var steps = _traces.Trace(apply.TraceId).Where(s => s.ParentSpanId == apply.SpanId && s != dispatch).Select(s => s.DisplayName).ToList();
        Assert.Equal(["receive new orders"], steps);
        Assert.Equal(1, apply.GetTagItem("orbital.intake.changes"));
        Assert.Equal(1, apply.GetTagItem("orbital.intake.applied"));
        Assert.Equal(ActivityKind.Producer, dispatch.Kind);
        Assert.True((int)dispatch.GetTagItem("orbital.events.count")! >= 1);

        // A change of it is not new: the full path, after the one round trip found the order there.
        order.Revision = 2;
        order.Stations[0].Items[0].Quantity = 3;
        await kitchen.Intake.SubmitOrderAsync(order, cancellationToken: Cancellation);

        var change = await _traces.SpanAsync(s => s.DisplayName == "apply order changes" && Equals(s.GetTagItem("orbital.order.id"), orderId) && s.TraceId != apply.TraceId, "the change's span");
        var changeSteps = _traces.Trace(change.TraceId).Where(s => s.ParentSpanId == change.SpanId && s.DisplayName != dispatch.DisplayName).Select(s => s.DisplayName).ToList();
        Assert.Equal(["receive new orders", "look", "lock batch items and orders", "allocate surplus", "write orders and batch items", "write events and commit"], changeSteps);
        Assert.Equal(0, change.GetTagItem("orbital.intake.received_in_one_trip"));
    }

    [Fact]
    public async Task Changes_the_kitchen_receives_are_counted_by_what_they_did()
    {
        using var received = new MetricCollector<long>(Meters, KitchenTelemetry.SourceName, "orbital.kitchen.orders.received");
        var orderId = $"counted-{Guid.NewGuid():N}"[..20];
        var order = Orders.Request(orderId, (_station, "Burger", 2));
        order.Revision = 10;

        await kitchen.Intake.SubmitOrderAsync(order, cancellationToken: Cancellation);
        await kitchen.Intake.SubmitOrderAsync(order, cancellationToken: Cancellation);
        order.Revision = 20;
        order.Stations[0].Items[0].Quantity = 3;
        await kitchen.Intake.SubmitOrderAsync(order, cancellationToken: Cancellation);
        await kitchen.Intake.CancelOrderAsync(new OrderCancellation { OrderId = orderId, Revision = 30, Reason = "test" }, cancellationToken: Cancellation);

        Assert.Equal(["new", "duplicate", "changed", "cancelled"], received.GetMeasurementSnapshot().Select(m => (string)m.Tags["change"]!));
        Assert.All(received.GetMeasurementSnapshot(), m => Assert.Equal(1, m.Value));
    }

    [Fact]
    public async Task The_open_quantity_per_station_is_observed_from_the_batch_items()
    {
        using var open = new MetricCollector<long>(Meters, KitchenTelemetry.SourceName, "orbital.kitchen.open_quantity");
        await kitchen.Intake.SubmitOrderAsync(Orders.Request($"open-{Guid.NewGuid():N}"[..20], (_station, "Burger", 2), (_station, "Fries", 3)), cancellationToken: Cancellation);

        await kitchen.Kitchen.Services.GetRequiredService<OpenQuantityCache>().RefreshAsync(Cancellation);
        open.RecordObservableInstruments();

        var mine = Assert.Single(open.GetMeasurementSnapshot(), m => Equals(m.Tags["station"], _station));
        Assert.Equal(5, mine.Value);
    }

    [Fact]
    public void Connected_screens_are_counted_up_and_down()
    {
        using var screens = new MetricCollector<long>(Meters, KitchenTelemetry.SourceName, "orbital.kitchen.screens.connected");
        var stream = kitchen.Kitchen.Services.GetRequiredService<KitchenEventDispatcher>();

        using (stream.Subscribe(_station, () => { }))
        {
            Assert.Equal([1L], screens.GetMeasurementSnapshot().Select(m => m.Value));
        }

        Assert.Equal([1L, -1L], screens.GetMeasurementSnapshot().Select(m => m.Value));
    }
}
