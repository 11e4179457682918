using Microsoft.EntityFrameworkCore;
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
        var events = db.Events.AsNoTracking().Where(e => e.Id > afterId);
        if (station is not null)
        {
            events = events.Where(e => e.Station == null || e.Station == station);
        }

        var page = await events.OrderBy(e => e.Id).Take(limit).ToListAsync(cancellationToken);

        // Read after the page, so that pruning that ran before the page was read shows here: the horizon only grows.
        var prunedThrough = await db.Database.SqlQuery<long>($"SELECT pruned_through AS \"Value\" FROM kitchen_event_horizon").FirstOrDefaultAsync(cancellationToken);
        return new EventPage(page, Complete: prunedThrough <= afterId);
    }

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
