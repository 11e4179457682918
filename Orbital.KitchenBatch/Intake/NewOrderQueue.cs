using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// Group commit for new orders: the new orders of calls that arrive while <see cref="KitchenIntakeOptions.NewOrderWriters"/>
/// transactions are under way wait, and go together in the next one (<see cref="NewOrderReceiver"/>, one round trip).
/// A single caller waits for nothing; 32 callers cost a few commits a moment rather than 32, which matters because
/// event-writing commits are serialized (<see cref="KitchenEventOutbox"/>) and cannot share a WAL flush otherwise.
/// </summary>
/// <remarks>
/// What goes together are orders, each answered on its own. Orders of different calls that name the same order or
/// the same platform document are not put in one transaction: they are left to their callers' full path. When
/// PostgreSQL refuses the data of a transaction that holds more than one call's orders, no call's orders are
/// received and each caller applies its own by the full path, so that only the call with the bad order fails.
/// </remarks>
public sealed partial class NewOrderQueue(IServiceScopeFactory scopes, IOptions<KitchenIntakeOptions> options, TimeProvider time, ILogger<NewOrderQueue> logger)
{
    private readonly ConcurrentQueue<Waiting> _waiting = new();
    private int _writers;

    /// <summary>Receives <paramref name="orders"/> in the next transaction of new orders.</summary>
    /// <param name="orders">The candidates.</param>
    /// <param name="rehearsal">
    /// Runs them through what a transaction of new orders does and rolls it back, so that the code and the connection
    /// are ready before the first real order needs them. A rehearsal's transaction holds its orders alone (a rollback
    /// must never take another call's orders with it), takes no writer's place and waits behind no one.
    /// </param>
    /// <param name="cancellationToken">Stops waiting; orders already in a transaction are received or not.</param>
    /// <returns>When they were received, and which of them (by <see cref="NewOrderReceiver.NewOrder.Index"/>); the others are the caller's full path.</returns>
    internal async Task<(DateTimeOffset ReceivedAt, HashSet<int> Received)> ReceiveAsync(IReadOnlyList<NewOrderReceiver.NewOrder> orders, bool rehearsal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (orders.Count == 0)
        {
            return (default, []);
        }

        var waiting = new Waiting(orders, Activity.Current?.Context ?? default);
        if (rehearsal)
        {
            // Stopped by its own caller's cancellation: no one else waits for it.
            waiting.TryTake();
            await ReceiveTogetherAsync([waiting], rehearsal: true, cancellationToken);
        }
        else
        {
            _waiting.Enqueue(waiting);

            // A caller that finds a writer's place free writes one transaction itself (its own orders and whatever
            // else waits): no hand-off to another thread and back when the kitchen is not busy.
            if (TryBecomeWriter())
            {
                await WriteAsync(groups: 1);
            }
        }

        try
        {
            return await waiting.Done.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // A caller that gives up while its orders still wait takes them back: nothing is applied for a call that
            // ended (a later change, a deleted document, must not find them applied after it). Orders already in a
            // transaction are received or not, as with any answer lost on the way.
            waiting.Withdraw();
            throw;
        }
    }

    /// <summary>Takes a writer's place if one is free; the count never goes past the limit, even for a moment.</summary>
    private bool TryBecomeWriter()
    {
        var limit = options.Value.NewOrderWriters;
        for (var writers = Volatile.Read(ref _writers); writers < limit; writers = Volatile.Read(ref _writers))
        {
            if (Interlocked.CompareExchange(ref _writers, writers + 1, writers) == writers)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes up to <paramref name="groups"/> transactions while orders wait. What still waits then goes on in the
    /// background (a caller answers its own call rather than everyone else's); a writer leaving always looks again,
    /// so no order is left waiting with no writer.
    /// </summary>
    private async Task WriteAsync(int groups)
    {
        try
        {
            for (var written = 0; written < groups && Take() is { Count: > 0 } group; written++)
            {
                await ReceiveGroupAsync(group);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _writers);
        }

        if (!_waiting.IsEmpty && TryBecomeWriter())
        {
            _ = Task.Run(() => WriteAsync(int.MaxValue));
        }
    }

    private List<Waiting> Take()
    {
        var group = new List<Waiting>();
        var count = 0;
        while (count < options.Value.MaxNewOrdersPerTransaction && _waiting.TryDequeue(out var next))
        {
            if (next.TryTake())
            {
                group.Add(next);
                count += next.Orders.Count;
            }
        }

        return group;
    }

    private async Task ReceiveGroupAsync(List<Waiting> group)
    {
        try
        {
            // No caller's cancellation stops what the others wait for.
            await ReceiveTogetherAsync(group, rehearsal: false, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Whatever failed, every caller of the group hears of it.
            foreach (var waiting in group)
            {
                waiting.Done.TrySetException(ex);
            }
        }
    }

    private async Task ReceiveTogetherAsync(List<Waiting> group, bool rehearsal, CancellationToken cancellationToken)
    {
        using var step = KitchenTelemetry.SharedStep("receive new orders", [.. group.Select(w => w.Intake)]);
        step?.SetTag("orbital.intake.calls", group.Count);

        // Orders that more than one call names (the order, or its document) are their callers' to apply in full.
        var all = group.SelectMany((w, g) => w.Orders.Select(o => (Group: g, Order: o))).ToList();
        var orderIds = all.CountBy(x => x.Order.Change.OrderId!, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var documents = all.Where(x => x.Order.Change.SourceId is not null).CountBy(x => x.Order.Change.SourceId!, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var chosen = all
            .Where(x => orderIds[x.Order.Change.OrderId!] == 1 && (x.Order.Change.SourceId is not { } source || documents[source] == 1))
            .ToList();
        var received = group.Select(_ => new HashSet<int>()).ToArray();
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var receiver = scope.ServiceProvider.GetRequiredService<NewOrderReceiver>();
            var taken = await receiver.ReceiveAsync([.. chosen.Select((x, k) => x.Order with { Index = k })], now, rehearsal, cancellationToken);
            foreach (var k in taken)
            {
                received[chosen[k].Group].Add(chosen[k].Order.Index);
            }
        }
        catch (Exception ex) when (group.Count > 1 && DatabaseFailures.IsDataError(ex, out var refusal))
        {
            // Whose order was refused cannot be told here: every caller applies its own.
            LogGroupRefused(logger, group.Count, refusal.SqlState, refusal.MessageText);
        }
        catch (Exception ex)
        {
            foreach (var waiting in group)
            {
                waiting.Done.TrySetException(ex);
            }

            return;
        }

        for (var g = 0; g < group.Count; g++)
        {
            group[g].Done.TrySetResult((now, received[g]));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL refused the new orders of {Calls} calls received together ({SqlState}: {Reason}); each call applies its own")]
    private static partial void LogGroupRefused(ILogger logger, int calls, string sqlState, string reason);

    /// <summary>One call's new orders, the intake span they belong to, and its answer.</summary>
    private sealed record Waiting(IReadOnlyList<NewOrderReceiver.NewOrder> Orders, ActivityContext Intake)
    {
        private const int Queued = 0;
        private const int Taken = 1;
        private const int Withdrawn = 2;
        private int _state;

        public TaskCompletionSource<(DateTimeOffset, HashSet<int>)> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>A writer takes the orders into its transaction; false when their caller withdrew them first.</summary>
        public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

        /// <summary>The caller gave up: the orders are not taken any more, unless a writer has them already.</summary>
        public void Withdraw() => Interlocked.CompareExchange(ref _state, Withdrawn, Queued);
    }
}
