using System.Diagnostics;
using System.Diagnostics.Metrics;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Diagnostics;

/// <summary>
/// The kitchen's traces and meters (both <c>Orbital.KitchenBatch</c>). An intake is one <c>apply order changes</c>
/// span with a named span per step (look, lock, allocate surplus, write, write events, commit) instead of a span per
/// SQL command (those are off unless <c>Kitchen:Telemetry:DatabaseCommandSpans</c> is true); each event row keeps the
/// trace that wrote it, and the dispatch of events to screens joins that trace.
/// </summary>
public sealed class KitchenTelemetry
{
    public const string SourceName = "Orbital.KitchenBatch";

    /// <summary>Configuration: whether every PostgreSQL command gets a span of its own.</summary>
    public const string DatabaseCommandSpansKey = "Kitchen:Telemetry:DatabaseCommandSpans";

    private const int MaxLinks = 64;

    private static readonly ActivitySource s_source = new(SourceName);

    private readonly Counter<long> _changes;
    private readonly Counter<long> _dispatched;
    private readonly Counter<long> _cutOff;
    private readonly UpDownCounter<long> _screens;
    private readonly Histogram<double> _applyDuration;
    private readonly Histogram<double> _prepTime;
    private readonly Histogram<double> _ticketTime;
    private readonly Counter<long> _lateOrders;
    private readonly Counter<long> _waste;

    public KitchenTelemetry(IMeterFactory meterFactory, IOpenQuantitySource openQuantity)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(openQuantity);
        var meter = meterFactory.Create(SourceName);
        _changes = meter.CreateCounter<long>("orbital.kitchen.orders.received", "{change}", "Order changes the kitchen received, by what they did: new, changed, cancelled, duplicate (already applied or stale).");
        _dispatched = meter.CreateCounter<long>("orbital.kitchen.events.dispatched", "{event}", "Events handed to the connected screens.");
        _cutOff = meter.CreateCounter<long>("orbital.kitchen.screens.cut_off", "{screen}", "Screens disconnected for falling too far behind (they reconnect and replay).");
        _screens = meter.CreateUpDownCounter<long>("orbital.kitchen.screens.connected", "{screen}", "Screens connected to /api/events.");
        _applyDuration = meter.CreateHistogram<double>("orbital.kitchen.intake.duration", "s", "One intake transaction, from the first look to the commit.");
        _prepTime = meter.CreateHistogram<double>("orbital.kitchen.prep_time", "s", "One batch, from the cook's start to the completion of its last item, by station and production item.");
        _ticketTime = meter.CreateHistogram<double>("orbital.kitchen.ticket_time", "s", "From an order's receipt until its lines at a station were ready, by station.");
        _lateOrders = meter.CreateCounter<long>("orbital.kitchen.orders.late", "{order}", "Orders ready after their due time, by brand.");
        _waste = meter.CreateCounter<long>("orbital.kitchen.waste", "{item}", "Cooked items thrown away, by station and how: discarded by a cook, or expired at the pass.");
        meter.CreateObservableGauge(
            "orbital.kitchen.open_quantity",
            () => openQuantity.Current.Select(s => new Measurement<long>(s.Value, new KeyValuePair<string, object?>("station", s.Key))),
            "{item}",
            "Items ordered and not yet completed, by station (read at most every 5 s, when collected).");
    }

    /// <summary>An order change applied (or found already applied).</summary>
    public void Received(string change) => _changes.Add(1, new KeyValuePair<string, object?>("change", change));

    public void IntakeApplied(TimeSpan duration, int changes)
        => _applyDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("batch", changes == 1 ? "single" : "many"));

    public void BatchCompleted(BatchRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.PrepTime is { } prep)
        {
            _prepTime.Record(prep.TotalSeconds, new KeyValuePair<string, object?>("station", run.Station), new KeyValuePair<string, object?>("production_item", run.ItemName));
        }
    }

    public void LineReady(string station, TimeSpan sinceReceived)
        => _ticketTime.Record(Math.Max(0, sinceReceived.TotalSeconds), new KeyValuePair<string, object?>("station", station));

    public void OrderLate(string brand) => _lateOrders.Add(1, new KeyValuePair<string, object?>("brand", brand));

    public void Wasted(string station, int quantity, string how)
        => _waste.Add(quantity, new KeyValuePair<string, object?>("station", station), new KeyValuePair<string, object?>("how", how));

    public void ScreenConnected() => _screens.Add(1);

    public void ScreenDisconnected() => _screens.Add(-1);

    public void ScreenCutOff() => _cutOff.Add(1);

    public void Dispatched(int events) => _dispatched.Add(events);

    /// <summary>The span of one intake transaction; its steps are <see cref="Step"/>s under it.</summary>
    public static Activity? StartApply(int changes)
    {
        var activity = s_source.StartActivity("apply order changes");
        activity?.SetTag("orbital.intake.changes", changes);
        return activity;
    }

    /// <summary>One named step of the current intake (current until disposed).</summary>
    public static Activity? Step(string name) => Activity.Current is null ? null : s_source.StartActivity(name);

    /// <summary>
    /// A step that several intakes share (new orders of concurrent calls received together): under the first one's
    /// span, linked to the others'.
    /// </summary>
    public static Activity? SharedStep(string name, IReadOnlyList<ActivityContext> intakes)
    {
        ArgumentNullException.ThrowIfNull(intakes);
        var traced = intakes.Where(c => c != default).ToList();
        if (traced.Count == 0)
        {
            return null;
        }

        return s_source.StartActivity(name, ActivityKind.Internal, traced[0], links: [.. traced.Skip(1).Select(c => new ActivityLink(c))]);
    }

    /// <summary>The trace an event is written in, as a W3C <c>traceparent</c>; null outside a trace.</summary>
    public static string? CurrentTraceParent()
        => Activity.Current is { IdFormat: ActivityIdFormat.W3C, Recorded: true } current ? current.Id : null;

    /// <summary>
    /// Handing events to the screens: a span in the trace that wrote the first of them, linked to the traces that
    /// wrote the others, so an order's trace shows when its events went out.
    /// </summary>
    public static Activity? StartDispatch(IReadOnlyList<KitchenEvent> events, int screens)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (!s_source.HasListeners())
        {
            return null;
        }

        // Events no trace wrote (none of the kitchen's own are) need no span: it would be a trace of its own.
        var writers = events
            .Select(e => e.TraceParent)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Select(t => ActivityContext.TryParse(t, null, isRemote: true, out var context) ? context : default)
            .Where(c => c != default)
            .Take(MaxLinks + 1)
            .ToList();
        if (writers.Count == 0)
        {
            return null;
        }

        // The writer's context is the parent, whatever is current: the dispatcher's loop has no trace of its own.
        var activity = s_source.StartActivity(
            "dispatch events to screens",
            ActivityKind.Producer,
            writers[0],
            links: writers.Skip(1).Select(c => new ActivityLink(c)));
        activity?.SetTag("orbital.events.count", events.Count);
        activity?.SetTag("orbital.events.first_id", events[0].Id);
        activity?.SetTag("orbital.events.last_id", events[^1].Id);
        activity?.SetTag("orbital.screens", screens);
        return activity;
    }
}

/// <summary>Where the open-quantity gauge reads its values: the open items per station, as last read.</summary>
public interface IOpenQuantitySource
{
    /// <summary>The open quantity of each station that has a batch item (empty before the first read).</summary>
    IReadOnlyDictionary<string, long> Current { get; }
}
