using System.Diagnostics.Metrics;

namespace Orbital.OrderManagement.Diagnostics;

/// <summary>
/// The order path's meters (<c>Orbital.OrderManagement</c>): what was forwarded, rejected, retried, held and
/// recovered.
/// </summary>
public sealed class OrderFlowMetrics
{
    public const string MeterName = "Orbital.OrderManagement";

    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _forwardRetries;
    private readonly Counter<long> _historyLost;
    private readonly Counter<long> _catchUps;
    private readonly Counter<long> _invalidations;
    private readonly Counter<long> _mongoRetries;
    private readonly Histogram<double> _forwardDuration;
    private readonly Histogram<double> _lag;

    public OrderFlowMetrics(IMeterFactory meterFactory, OrderListenerStatus status, TimeProvider time, Listening.ListenerLease? lease = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(time);
        var meter = meterFactory.Create(MeterName);
        _forwarded = meter.CreateCounter<long>("orbital.orders.forwarded", "{order}", "Orders the kitchen acknowledged.");
        _rejected = meter.CreateCounter<long>("orbital.orders.rejected", "{order}", "Documents that could not become orders, recorded as rejected.");
        _forwardRetries = meter.CreateCounter<long>("orbital.orders.forward_retries", "{attempt}", "SubmitOrder calls that will be retried.");
        _historyLost = meter.CreateCounter<long>("orbital.order_listener.history_lost", "{event}", "The change stream could not resume from its position; a catch-up scan followed.");
        _catchUps = meter.CreateCounter<long>("orbital.order_listener.catch_ups", "{scan}", "Catch-up scans of the orders collection, by why they ran.");
        _invalidations = meter.CreateCounter<long>("orbital.order_listener.invalidations", "{event}", "Change streams invalidated by a drop, rename or dropDatabase of the orders collection.");
        _mongoRetries = meter.CreateCounter<long>("orbital.order_listener.retries", "{attempt}", "Times the listener failed and backed off, by kind of failure.");
        _forwardDuration = meter.CreateHistogram<double>("orbital.orders.forward.duration", "s", "From the first SubmitOrder attempt to the kitchen's acknowledgement.");
        _lag = meter.CreateHistogram<double>(
            "orbital.order_listener.lag",
            "s",
            "From a change's wall time on the MongoDB server to the listener reading it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });
        meter.CreateObservableGauge(
            "orbital.orders.held",
            () => status.Held is { } held
                ? [new Measurement<double>((time.GetUtcNow() - held.Since).TotalSeconds, new("order_id", held.OrderId), new("reason", held.Reason.ToString()))]
                : Array.Empty<Measurement<double>>(),
            "s",
            "How long the order the flow waits on has been held; no measurement while orders flow.");
        if (lease is not null)
        {
            meter.CreateObservableGauge(
                "orbital.order_listener.leader",
                () => new Measurement<int>(lease.IsLeader ? 1 : 0, new KeyValuePair<string, object?>("instance", lease.Instance)),
                "{instance}",
                "1 while this instance holds the listener's lease (reads and forwards the orders), 0 while it stands by.");
        }
    }

    public void Forwarded(bool duplicate, TimeSpan duration)
    {
        _forwarded.Add(1, new KeyValuePair<string, object?>("duplicate", duplicate));
        _forwardDuration.Record(duration.TotalSeconds);
    }

    /// <summary>How long after it happened a change was read (never below zero: the clocks may differ a little).</summary>
    public void ListenerLag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds));

    public void Rejected(string stage, bool recorded) => _rejected.Add(1, new KeyValuePair<string, object?>("stage", stage), new KeyValuePair<string, object?>("recorded", recorded));

    public void ForwardRetry(string status) => _forwardRetries.Add(1, new KeyValuePair<string, object?>("status", status));

    public void HistoryLost(int? code) => _historyLost.Add(1, new KeyValuePair<string, object?>("code", code));

    public void CatchUp(string reason) => _catchUps.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Invalidated(string operation) => _invalidations.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void ListenerRetry(string kind) => _mongoRetries.Add(1, new KeyValuePair<string, object?>("kind", kind));
}
