using System.Diagnostics.Metrics;

namespace Orbital.OrderManagement.Diagnostics;

/// <summary>The order path's meters (<c>Orbital.OrderManagement</c>): what was forwarded, rejected, retried and recovered.</summary>
public sealed class OrderFlowMetrics
{
    public const string MeterName = "Orbital.OrderManagement";

    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _forwardRetries;
    private readonly Counter<long> _historyLost;
    private readonly Counter<long> _mongoRetries;
    private readonly Histogram<double> _forwardDuration;

    public OrderFlowMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _forwarded = meter.CreateCounter<long>("orbital.orders.forwarded", "{order}", "Orders the kitchen acknowledged.");
        _rejected = meter.CreateCounter<long>("orbital.orders.rejected", "{order}", "Documents that could not become orders, recorded as rejected.");
        _forwardRetries = meter.CreateCounter<long>("orbital.orders.forward_retries", "{attempt}", "SubmitOrder calls that will be retried.");
        _historyLost = meter.CreateCounter<long>("orbital.order_listener.history_lost", "{event}", "Change stream history lost; a catch-up scan followed.");
        _mongoRetries = meter.CreateCounter<long>("orbital.order_listener.retries", "{attempt}", "Times the listener lost MongoDB and backed off.");
        _forwardDuration = meter.CreateHistogram<double>("orbital.orders.forward.duration", "s", "From the first SubmitOrder attempt to the kitchen's acknowledgement.");
    }

    public void Forwarded(bool duplicate, TimeSpan duration)
    {
        _forwarded.Add(1, new KeyValuePair<string, object?>("duplicate", duplicate));
        _forwardDuration.Record(duration.TotalSeconds);
    }

    public void Rejected(string stage) => _rejected.Add(1, new KeyValuePair<string, object?>("stage", stage));

    public void ForwardRetry(string status) => _forwardRetries.Add(1, new KeyValuePair<string, object?>("status", status));

    public void HistoryLost(int code) => _historyLost.Add(1, new KeyValuePair<string, object?>("code", code));

    public void MongoRetry() => _mongoRetries.Add(1);
}
