using System.Diagnostics;
using Orbital.Contracts.Orders;
using Orbital.OrderManagement.Mapping;

namespace Orbital.OrderManagement.Diagnostics;

/// <summary>
/// One trace per order change (<c>Orbital.OrderManagement</c>): a root span named for the order, started when the
/// change is read, with a <c>map</c> span, a <c>forward</c> span for its trip to the kitchen (the kitchen's intake
/// continues the first order of each call's trace; the others link to it) and a <c>checkpoint</c> span; the root
/// ends when the change is checkpointed, so its duration is read-to-durable.
/// </summary>
public static class OrderTracing
{
    public const string SourceName = "Orbital.OrderManagement";

    /// <summary>How many other traces one span links to at most: a batch of 500 needs no 500 links to be understood.</summary>
    public const int MaxLinks = 64;

    private static readonly ActivitySource s_source = new(SourceName);

    /// <summary>
    /// Starts the trace of one change: a new root, whatever is current (a change stream's <c>getMore</c> is not its
    /// parent), with the time its mapping took as a <c>map</c> span. The caller's current activity is left as it was.
    /// </summary>
    /// <param name="change">The change, mapped.</param>
    /// <param name="operation">insert, update, replace, delete, or catch-up for a document a scan read.</param>
    /// <param name="started">When the change was picked up, before mapping.</param>
    /// <param name="changedAt">The change's wall time on the MongoDB server.</param>
    /// <param name="rehearsal">A made-up order rehearsed before the first one: its own span name and tag, from the start.</param>
    public static Activity? StartChange(PreparedChange change, string operation, DateTimeOffset started, DateTime? changedAt, bool rehearsal = false)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!s_source.HasListeners())
        {
            return null;
        }

        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            var name = rehearsal ? $"rehearse order {change.Name}"
                : change.Item?.ChangeCase == OrderBatchItem.ChangeOneofCase.Cancellation ? $"cancel order {change.Name}"
                : $"order {change.Name}";
            var root = rehearsal
                ? s_source.StartActivity(name, ActivityKind.Internal, parentContext: default, tags: [new("orbital.rehearsal", true)], startTime: started)
                : s_source.StartActivity(name, ActivityKind.Consumer, parentContext: default, startTime: started);
            if (root is null)
            {
                return null;
            }

            root.SetTag("orbital.order.id", change.OrderId);
            root.SetTag("orbital.order.source_id", change.DocumentKey);
            root.SetTag("orbital.change.operation", operation);
            if (change.Item?.Order is { } order)
            {
                root.SetTag("orbital.order.brand", order.Brand);
                root.SetTag("orbital.order.stations", order.Stations.Count);
                root.SetTag("orbital.change.revision", order.Revision);
            }
            else if (change.Item?.Cancellation is { } cancellation)
            {
                root.SetTag("orbital.change.revision", cancellation.Revision);
                root.SetTag("orbital.order.cancel_reason", cancellation.Reason);
            }

            if (changedAt is { } wallTime)
            {
                root.SetTag("orbital.change.wall_time", wallTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            }

            using (var map = s_source.StartActivity("map", ActivityKind.Internal, root.Context, startTime: started))
            {
                if (change.Item is null)
                {
                    map?.SetStatus(ActivityStatusCode.Error, "the document cannot be an order");
                    map?.SetTag("orbital.rejection.reasons", string.Join("; ", change.Reasons ?? []));
                }
            }

            return root;
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>
    /// The trip of a batch of changes to the kitchen: a <c>forward</c> span in each change's trace; the first one's is
    /// current while the call runs, so the gRPC call and the kitchen's intake belong to that trace, and the others
    /// link to it. Dispose the result when the kitchen answered.
    /// </summary>
    public static ForwardSpans StartForward(IReadOnlyList<PreparedChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var traced = changes.Where(c => c.Trace is not null).ToList();
        if (traced.Count == 0)
        {
            return new ForwardSpans(null, []);
        }

        var call = s_source.StartActivity("forward", ActivityKind.Internal, traced[0].Trace!.Context, StartTags(changes.Count));
        if (call is null)
        {
            return new ForwardSpans(null, []);
        }

        ActivityLink[] toCall = [new(call.Context)];
        var others = new List<Activity>(traced.Count - 1);
        foreach (var change in traced.Skip(1))
        {
            if (s_source.StartActivity("forward", ActivityKind.Internal, change.Trace!.Context, StartTags(changes.Count), toCall) is { } span)
            {
                others.Add(span);
            }
        }

        // Starting the others made the last of them current; the call runs under the first.
        Activity.Current = call;
        return new ForwardSpans(call, others);
    }

    /// <summary>A step of a change's work (recording a rejection, say) in its trace; current until disposed.</summary>
    public static Activity? StartStep(string name, Activity? order)
        => order is null ? null : s_source.StartActivity(name, ActivityKind.Internal, order.Context);

    /// <summary>
    /// Saving a checkpoint that makes <paramref name="orders"/> durable: a <c>checkpoint</c> span in the newest one's
    /// trace, linked from the others. Dispose it when saved; then <see cref="EndOrders"/>.
    /// </summary>
    public static Activity? StartCheckpoint(IReadOnlyList<Activity> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (orders.Count == 0)
        {
            return null;
        }

        var links = orders.Take(orders.Count - 1).TakeLast(MaxLinks).Select(o => new ActivityLink(o.Context)).ToList();
        var span = s_source.StartActivity("checkpoint", ActivityKind.Internal, orders[^1].Context, links: links);
        span?.SetTag("orbital.checkpoint.changes", orders.Count);
        return span;
    }

    /// <summary>Ends the traces of changes, checkpointed (or not, with why: they are read again after a restart).</summary>
    public static void EndOrders(IEnumerable<Activity> orders, string? notCheckpointed = null)
    {
        ArgumentNullException.ThrowIfNull(orders);
        foreach (var order in orders)
        {
            if (notCheckpointed is not null)
            {
                order.SetStatus(ActivityStatusCode.Error, notCheckpointed);
            }

            order.SetTag("orbital.change.checkpointed", notCheckpointed is null);
            order.Stop();
        }
    }

    private static KeyValuePair<string, object?>[] StartTags(int batchSize) => [new("orbital.forward.batch_size", batchSize)];

    /// <summary>The <c>forward</c> spans of one call; the first one is current until disposed.</summary>
    public sealed class ForwardSpans(Activity? call, List<Activity> others) : IDisposable
    {
        /// <summary>Marks every change's span as failed with why.</summary>
        public void Failed(Exception exception)
        {
            ArgumentNullException.ThrowIfNull(exception);
            foreach (var span in others.Prepend(call))
            {
                span?.SetStatus(ActivityStatusCode.Error, exception.Message);
            }
        }

        public void Dispose()
        {
            foreach (var span in others)
            {
                span.Stop();
            }

            // Stopping the current one makes current again what was current before it started.
            call?.Stop();
        }
    }
}
