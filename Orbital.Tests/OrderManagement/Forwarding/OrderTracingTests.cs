using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MongoDB.Bson;
using Orbital.OrderManagement.Diagnostics;
using Orbital.Testing;
using Orbital.Testing.MongoDB;

namespace Orbital.Tests.OrderManagement.Forwarding;

/// <summary>
/// Every order's path as the dashboard shows it, read through OpenTelemetry's in-memory exporter: one trace per
/// change, named for its order, from read to checkpoint; the kitchen call runs in an order's trace; the listener's
/// lag is measured.
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class OrderTracingTests(MongoDBFixture mongo) : IDisposable
{
    private readonly ListenerHarness _harness = new(mongo, "tracing");
    private readonly TraceRecorder _traces = new(OrderTracing.SourceName);

    public void Dispose()
    {
        _traces.Dispose();
        _harness.Dispose();
    }

    [Fact]
    public async Task An_order_has_one_trace_named_for_it_from_map_to_forward_to_checkpoint()
    {
        await using var service = await _harness.StartAsync();
        var document = Orders.Document("tracing-one", brand: "Burger Barn");

        await _harness.Platform.InsertAsync(document);

        var root = await _traces.SpanAsync(s => s.DisplayName == "order tracing-one", "the order's trace, ended by its checkpoint");
        Assert.Equal((ActivityKind.Consumer, default), (root.Kind, root.ParentSpanId));
        Assert.Equal("tracing-one", root.GetTagItem("orbital.order.id"));
        Assert.Equal("Burger Barn", root.GetTagItem("orbital.order.brand"));
        Assert.Equal(document["_id"].AsObjectId.ToString(), root.GetTagItem("orbital.order.source_id"));
        Assert.Equal("insert", root.GetTagItem("orbital.change.operation"));
        Assert.Equal(true, root.GetTagItem("orbital.change.checkpointed"));
        var children = _traces.Trace(root.TraceId).Where(s => s.ParentSpanId == root.SpanId).ToList();
        Assert.Equal(["map", "forward", "checkpoint"], children.OrderBy(s => s.StartTimeUtc).Select(s => s.DisplayName));
        Assert.Contains(_harness.Kitchen.BatchTraces, b => b.Trace == root.TraceId && b.OrderIds.Contains("tracing-one"));
    }

    [Fact]
    public async Task Orders_that_travel_together_each_have_their_trace_and_link_to_the_call()
    {
        var ids = Enumerable.Range(0, 30).Select(i => $"tracing-many-{i:D2}").ToArray();
        await _harness.Platform.InsertAsync([.. ids.Select(id => Orders.Document(id))]);
        _harness.Kitchen.Latency = TimeSpan.FromMilliseconds(20);

        await using var service = await _harness.StartAsync(("OrderListener:StartFrom", "Beginning"));
        await _harness.StoredAsync(ids);

        var roots = await Eventually.ReturnsAsync(
            () => Task.FromResult(_traces.Spans.Where(s => s.DisplayName.StartsWith("order tracing-many-", StringComparison.Ordinal)).ToList()),
            spans => spans.Count == ids.Length,
            "a trace for every order");
        Assert.Equal(ids.Length, roots.Select(r => r.TraceId).Distinct().Count());
        Assert.All(roots, r => Assert.Equal("catch-up", r.GetTagItem("orbital.change.operation")));
        var forwards = _traces.Spans.Where(s => s.DisplayName == "forward" && roots.Any(r => r.TraceId == s.TraceId)).ToList();
        Assert.Equal(ids.Length, forwards.Count);
        var calls = forwards.Where(f => !f.Links.Any()).ToList();
        Assert.True(calls.Count < ids.Length, "orders travelled together");
        Assert.All(forwards.Where(f => f.Links.Any()), f => Assert.Contains(calls, c => c.SpanId == Assert.Single(f.Links).Context.SpanId));
    }

    [Fact]
    public async Task A_deleted_document_is_traced_as_the_cancellation_of_its_order()
    {
        await using var service = await _harness.StartAsync();
        var document = Orders.Document("tracing-deleted");
        await _harness.Platform.InsertAsync(document);
        await _harness.StoredAsync("tracing-deleted");

        await _harness.Platform.Orders.DeleteOneAsync(new BsonDocument("_id", document["_id"]), TestContext.Current.CancellationToken);

        var root = await _traces.SpanAsync(s => s.DisplayName.StartsWith("cancel order", StringComparison.Ordinal) && Equals(s.GetTagItem("orbital.order.source_id"), document["_id"].ToString()), "the deletion's trace");
        Assert.Equal("delete", root.GetTagItem("orbital.change.operation"));
        Assert.Equal("order deleted by the platform", root.GetTagItem("orbital.order.cancel_reason"));
    }

    [Fact]
    public async Task The_listeners_lag_behind_each_change_is_measured()
    {
        await using var service = await _harness.StartAsync();
        using var lag = new MetricCollector<double>(service.Services.GetRequiredService<IMeterFactory>(), OrderFlowMetrics.MeterName, "orbital.order_listener.lag");

        await _harness.Platform.InsertAsync(Orders.Document("tracing-lag"));
        await _harness.StoredAsync("tracing-lag");

        var measured = Assert.Single(lag.GetMeasurementSnapshot());
        Assert.InRange(measured.Value, 0, 60);
    }
}
