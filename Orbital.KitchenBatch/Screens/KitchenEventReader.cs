using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Screens;

/// <summary>Reads kitchen events from their table: the source of truth for dispatch and for replay alike.</summary>
public sealed class KitchenEventReader(IServiceScopeFactory scopes)
{
    /// <summary>
    /// Up to <paramref name="limit"/> events after <paramref name="afterId"/>, oldest first; with a station, only
    /// that station's events and the ones for every screen. The page says whether it is complete: whether no event
    /// after <paramref name="afterId"/> had been pruned when it was read.
    /// </summary>
    public async Task<EventPage> ReadAfterAsync(long afterId, string? station, int limit, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // One round trip: screens wait on it after every commit. The horizon is read after the page (the batch's
            // statements run in order), so that pruning that ran before the page was read shows: the horizon only grows.
            var events = new NpgsqlBatchCommand(station is null ? ReadAll : ReadStation)
            {
                Parameters = { new NpgsqlParameter<long> { TypedValue = afterId }, new NpgsqlParameter<int> { TypedValue = limit } },
            };
            if (station is not null)
            {
                events.Parameters.Add(new NpgsqlParameter<string> { TypedValue = station });
            }

            await using var batch = new NpgsqlBatch(connection) { BatchCommands = { events, new NpgsqlBatchCommand(ReadHorizon) } };

            // Prepared once per pooled connection (which keeps it: no reset on close), then bind and execute only.
            await batch.PrepareAsync(cancellationToken);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            var page = new List<KitchenEvent>();
            while (await reader.ReadAsync(cancellationToken))
            {
                page.Add(new KitchenEvent
                {
                    Id = reader.GetInt64(0),
                    Type = reader.GetString(1),
                    Station = reader.IsDBNull(2) ? null : reader.GetString(2),
                    Payload = reader.GetString(3),
                    OccurredAt = reader.GetFieldValue<DateTimeOffset>(4),
                    TraceParent = reader.IsDBNull(5) ? null : reader.GetString(5),
                });
            }

            await reader.NextResultAsync(cancellationToken);
            var prunedThrough = await reader.ReadAsync(cancellationToken) ? reader.GetInt64(0) : 0;
            return new EventPage(page, Complete: prunedThrough <= afterId);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private const string Columns = "SELECT id, type, station, payload, occurred_at, trace_parent FROM kitchen_events";

    private const string ReadAll = Columns + " WHERE id > $1 ORDER BY id LIMIT $2";

    // The station's own events and the ones for every screen.
    private const string ReadStation = Columns + " WHERE id > $1 AND (station IS NULL OR station = $3) ORDER BY id LIMIT $2";

    private const string ReadHorizon = "SELECT pruned_through FROM kitchen_event_horizon";

    /// <summary>The id of the newest event, 0 when there is none.</summary>
    public async Task<long> LastIdAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<KitchenDbContext>().Events.LastIdAsync(cancellationToken);
    }
}

/// <summary>
/// A page of events, and whether it is complete: false when events after the position it was read from had been
/// pruned, so a screen reading from there must reset rather than miss them silently.
/// </summary>
public sealed record EventPage(List<KitchenEvent> Events, bool Complete);
