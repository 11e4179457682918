using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>
/// Collects the events of one kitchen transaction and writes them as its last step. Event ids come from a
/// sequence, and PostgreSQL sequence values commit out of order: two transactions could commit ids 8 and 7 in
/// that order, and a screen that read up to 8 would never see 7. So every event write takes one
/// transaction-scoped advisory lock first: writers queue for it, take their ids, and commit, one at a time, and
/// ids become visible in order. The lock is held only from the event insert to the commit.
/// </summary>
public sealed class KitchenEventOutbox(KitchenDbContext db, KitchenEventSignal signal, TimeProvider time)
{
    /// <summary>
    /// The channel every event write notifies when it commits, with the new high-water event id: how other kitchen
    /// instances' screens hear of it at once (<see cref="KitchenEventNotifications"/>).
    /// </summary>
    public const string NotificationChannel = "orbital_kitchen_events";

    /// <summary>The advisory lock key that orders event writes ("ORBITAL" in ASCII).</summary>
    private const long EventOrderLock = 0x4F524249544154;

    private readonly List<KitchenEvent> _pending = [];

    public void Add<T>(string type, string? station, T payload)
        => _pending.Add(new KitchenEvent
        {
            Type = type,
            Station = station,
            Payload = JsonSerializer.Serialize(payload, KitchenJson.Options),
            OccurredAt = time.GetUtcNow(),
            TraceParent = KitchenTelemetry.CurrentTraceParent(),
        });

    /// <summary>Writes the pending events; call it right before committing the transaction.</summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        // One round trip whatever the number of events: the lock, every event in the order it was added, and the
        // notification other instances hear when the transaction commits.
        var types = _pending.Select(e => e.Type).ToArray();
        var stations = _pending.Select(e => e.Station).ToArray();
        var payloads = _pending.Select(e => e.Payload).ToArray();
        var occurredAt = _pending.Select(e => e.OccurredAt).ToArray();
        var traceParents = _pending.Select(e => e.TraceParent).ToArray();
        await db.Database.ExecuteSqlAsync(
            $"""
            SELECT pg_advisory_xact_lock({EventOrderLock});
            INSERT INTO kitchen_events (type, station, payload, occurred_at, trace_parent)
            SELECT e.type, e.station, e.payload::jsonb, e.occurred_at, e.trace_parent
            FROM unnest({types}::varchar[], {stations}::varchar[], {payloads}::text[], {occurredAt}::timestamptz[], {traceParents}::varchar[]) WITH ORDINALITY AS e(type, station, payload, occurred_at, trace_parent, n)
            ORDER BY e.n;
            SELECT pg_notify('orbital_kitchen_events', currval(pg_get_serial_sequence('kitchen_events', 'id'))::text);
            """,
            cancellationToken);
        _pending.Clear();
    }

    /// <summary>Tells the event stream that events were committed; call it after the commit.</summary>
    public void Committed() => signal.Pulse();
}

/// <summary>The one query for "where the events stand", used inside other transactions too (a snapshot's id).</summary>
public static class KitchenEventQueries
{
    /// <summary>The id of the newest event, 0 when there is none.</summary>
    public static async Task<long> LastIdAsync(this IQueryable<KitchenEvent> events, CancellationToken cancellationToken)
        => await events.MaxAsync(e => (long?)e.Id, cancellationToken) ?? 0;
}
