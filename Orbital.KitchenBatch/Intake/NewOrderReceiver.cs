using System.Diagnostics;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Screens.Payloads;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// The common case of intake in one round trip: orders the kitchen has never seen, given to PostgreSQL's
/// <c>orbital_receive_orders</c> in one call that is its own transaction. It locks their batch items, inserts the
/// orders and their lines, adds their demand to the batch items (the schedule and the brands served moved by what
/// was added, not aggregated again over every open line), and writes <c>order.received</c> and <c>batch.updated</c>
/// for screens, exactly as the full path (<see cref="KitchenOrderIntake"/>) would.
/// </summary>
/// <remarks>
/// Which orders go this way is decided twice. Here, from the changes alone: a new state (not a cancellation, not
/// finished), the only change of its order and of its platform document in the call, with lines. In the database,
/// under the batch items' locks: the order id is new (the unique index decides), none of its lines meets surplus
/// (which goes to the oldest open lines first), and its document carries no other order still standing. Whatever
/// the database leaves is applied by the full path afterwards, so a repeat, a change or a surplus costs one more
/// round trip and nothing else.
/// </remarks>
public sealed class NewOrderReceiver(KitchenDbContext db, KitchenEventOutbox events, IntakeRules rules, IOptions<KitchenScheduleOptions> schedule)
{
    private const string Receive = """
        SELECT received_n, received_id FROM orbital_receive_orders(
            $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29)
        """;

    /// <summary>
    /// The changes that may be new orders received in one round trip, with the lines each asks for: the only change
    /// of its order and of its document in <paramref name="changes"/>, a state that is neither a cancellation nor
    /// finished, and lines that each need something cooked.
    /// </summary>
    internal List<NewOrder> Candidates(IReadOnlyList<OrderChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var orders = changes.Where(c => c.OrderId is not null).CountBy(c => c.OrderId!, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var documents = changes.Where(c => c.SourceId is not null).CountBy(c => c.SourceId!, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal);
        var candidates = new List<NewOrder>();
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            if (change is not { OrderId: { } orderId, State: { } state } || change.Finishes || orders[orderId] > 1
                || (change.SourceId is { } sourceId && documents[sourceId] > 1))
            {
                continue;
            }

            var lines = rules.LinesOf(state);
            if (lines.Count == 0 || lines.Any(l => l.ProductionQuantity <= 0) || lines.DistinctBy(l => l.LineId, StringComparer.Ordinal).Count() != lines.Count)
            {
                continue;
            }

            candidates.Add(new NewOrder(i, change, lines, KitchenTelemetry.CurrentTraceParent()));
        }

        return candidates;
    }

    /// <summary>A made-up order no one else names: what a rehearsal receives and rolls back.</summary>
    internal static OrderRequest RehearsalRequest()
    {
        var request = new OrderRequest { OrderId = $"orbital-rehearsal-{Guid.NewGuid():N}", Brand = "Orbital rehearsal", Revision = 1, PlacedAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        var station = new StationOrder { Station = "Orbital rehearsal" };
        station.Items.Add(new OrderItem { LineId = "rehearsal", Name = "Orbital rehearsal", Quantity = 1 });
        request.Stations.Add(station);
        return request;
    }

    /// <summary>
    /// Receives a made-up order and rolls it back: everything the first real order would do for the first time (the
    /// service's code compiled, the connection opened, PostgreSQL's function compiled and its plans made) is done
    /// before the kitchen says it is ready, so the first order after a start is as quick as the next.
    /// </summary>
    public Task RehearseAsync(CancellationToken cancellationToken)
        => ReceiveAsync(Candidates([OrderChange.Of(RehearsalRequest())]), DateTimeOffset.UtcNow, rehearsal: true, cancellationToken);

    /// <summary>Receives <paramref name="orders"/> in one round trip, as far as they are new and meet no surplus.</summary>
    /// <param name="orders">The candidates, from <see cref="Candidates"/>.</param>
    /// <param name="now">When they are received.</param>
    /// <param name="rehearsal">Rolls the transaction back: nothing is received, and the screens hear of nothing.</param>
    /// <param name="cancellationToken">Stops the round trip.</param>
    /// <returns>The indexes (<see cref="NewOrder.Index"/>) of the orders received; the others are the full path's.</returns>
    internal async Task<HashSet<int>> ReceiveAsync(IReadOnlyList<NewOrder> orders, DateTimeOffset now, bool rehearsal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (orders.Count == 0)
        {
            return [];
        }

        var keys = new List<BatchKey>();
        var keyIndex = new Dictionary<(string, string, string), int>();
        var placedAt = new DateTimeOffset[orders.Count];
        var dueAt = new DateTimeOffset[orders.Count];
        var received = new string[orders.Count];
        var lines = new List<(int Order, int Batch, LineSnapshot Line)>();
        for (var i = 0; i < orders.Count; i++)
        {
            var (_, change, wanted, _) = orders[i];
            var state = change.State!;
            placedAt[i] = rules.PlacedAt(state, now);
            dueAt[i] = rules.DueAt(state, placedAt[i]);
            received[i] = JsonSerializer.Serialize(
                new OrderReceivedPayload(change.OrderId!, state.Brand, placedAt[i], dueAt[i], [.. wanted.Select(l => l.ProductionStation).Distinct()], wanted.Sum(l => l.ProductionQuantity)),
                KitchenJson.Options);
            foreach (var line in wanted)
            {
                if (!keyIndex.TryGetValue(line.Key.Identity, out var batch))
                {
                    keys.Add(line.Key);
                    batch = keyIndex[line.Key.Identity] = keys.Count;
                }

                lines.Add((i + 1, batch, line));
            }
        }

        var options = schedule.Value;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var rehearsing = rehearsal ? await connection.BeginTransactionAsync(cancellationToken) : null;
            await using var command = new NpgsqlCommand(Receive, connection, rehearsing);
            command.Parameters.Add(Array(orders.Select(o => o.Change.OrderId!)));
            command.Parameters.Add(Array(orders.Select(o => o.Change.State!.Brand)));
            command.Parameters.Add(Array(placedAt));
            command.Parameters.Add(Array(dueAt));
            command.Parameters.Add(Array(dueAt.Select(ToTheMinute)));
            command.Parameters.Add(Array(orders.Select(o => o.Change.SourceId)));
            command.Parameters.Add(Array(orders.Select(o => (decimal)o.Change.Revision)));
            command.Parameters.Add(Array(received));
            command.Parameters.Add(Array(keys.Select(k => k.Station)));
            command.Parameters.Add(Array(keys.Select(k => k.ItemName)));
            command.Parameters.Add(Array(keys.Select(k => JsonSerializer.Serialize(k.Modifiers))));
            command.Parameters.Add(Array(keys.Select(k => k.ModifiersKey)));
            command.Parameters.Add(Array(keys.Select(rules.PrepSecondsOf)));
            command.Parameters.Add(Array(lines.Select(l => l.Order)));
            command.Parameters.Add(Array(lines.Select(l => l.Batch)));
            command.Parameters.Add(Array(lines.Select(l => l.Line.LineId)));
            command.Parameters.Add(Array(lines.Select(l => l.Line.ProductionStation)));
            command.Parameters.Add(Array(lines.Select(l => l.Line.ProductionItem)));
            command.Parameters.Add(Array(lines.Select(l => l.Line.Station)));
            command.Parameters.Add(Array(lines.Select(l => l.Line.ItemName)));
            command.Parameters.Add(Array(lines.Select(l => JsonSerializer.Serialize(l.Line.Modifiers))));
            command.Parameters.Add(Array(lines.Select(l => l.Line.Note)));
            command.Parameters.Add(Array(lines.Select(l => l.Line.Quantity)));
            command.Parameters.Add(Array(lines.Select(l => l.Line.Multiplier)));
            command.Parameters.Add(new NpgsqlParameter { Value = now });
            command.Parameters.Add(new NpgsqlParameter { Value = options.FireHorizon });
            command.Parameters.Add(new NpgsqlParameter { Value = options.ComingUp() });
            command.Parameters.Add(new NpgsqlParameter { Value = options.StaleAfter });
            command.Parameters.Add(new NpgsqlParameter { Value = orders.Select(o => o.TraceParent).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });

            // Prepared once per connection (the pool keeps them: no reset on close), so a call is bind and execute.
            await command.PrepareAsync(cancellationToken);
            var taken = new HashSet<int>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    taken.Add(orders[reader.GetInt32(0) - 1].Index);
                }
            }

            if (rehearsing is not null)
            {
                await rehearsing.RollbackAsync(cancellationToken);
                return taken;
            }

            Activity.Current?.SetTag("orbital.intake.received", taken.Count);
            if (taken.Count > 0)
            {
                events.Committed();
            }

            return taken;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
        {
            // Rolled back whole: every order is left to the full path, which retries such failures.
            Activity.Current?.SetTag("orbital.intake.retry", ex.SqlState);
            return [];
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    // The schedule keeps demand to the minute, rounded down, as the full path's aggregate does.
    private static DateTimeOffset ToTheMinute(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private static NpgsqlParameter Array<T>(IEnumerable<T> values) => new() { Value = values.ToArray() };

    /// <summary>
    /// A change that may be a new order, where it stands among the changes, the lines it asks for, and the trace its
    /// events join (the intake's, as a W3C <c>traceparent</c>).
    /// </summary>
    internal sealed record NewOrder(int Index, OrderChange Change, IReadOnlyList<LineSnapshot> Lines, string? TraceParent);
}
