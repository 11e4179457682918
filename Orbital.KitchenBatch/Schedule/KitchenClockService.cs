using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Screens;

namespace Orbital.KitchenBatch.Schedule;

/// <summary>
/// Tells screens what the clock changes: when open demand reaches its fire time (it moves from "coming up" to "fire
/// now") or goes stale (it leaves "fire now"), the batch item is announced again (<c>batch.updated</c>), though no
/// order changed. It wakes at the next such moment (at least every <see cref="KitchenScheduleOptions.ClockInterval"/>),
/// and closes orders past <see cref="KitchenScheduleOptions.CloseStaleAfter"/>. The announced moments are kept in the
/// database under a row lock, so with several kitchen instances each moment is announced once.
/// </summary>
public sealed partial class KitchenClockService(
    IServiceScopeFactory scopes,
    KitchenSchemaState schema,
    IOptions<KitchenScheduleOptions> options,
    TimeProvider time,
    ILogger<KitchenClockService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.Ready.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.ClockInterval;
            try
            {
                var next = await TickAsync(stoppingToken);
                wait = next - time.GetUtcNow();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogTickFailed(logger, ex);
            }

            var bounded = wait < TimeSpan.FromMilliseconds(200) ? TimeSpan.FromMilliseconds(200) : wait > options.Value.ClockInterval ? options.Value.ClockInterval : wait;
            try
            {
                await Task.Delay(bounded, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Announces what the clock changed since the last announcement, and closes what expired.</summary>
    /// <returns>When the clock changes something next (as far as it can tell now).</returns>
    public async Task<DateTimeOffset> TickAsync(CancellationToken cancellationToken)
    {
        var next = await AnnounceAsync(cancellationToken);
        await CloseExpiredAsync(cancellationToken);
        return next;
    }

    private async Task<DateTimeOffset> AnnounceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        var transactions = scope.ServiceProvider.GetRequiredService<KitchenTransactions>();
        var events = scope.ServiceProvider.GetRequiredService<KitchenEventOutbox>();
        var now = time.GetUtcNow();
        var window = ScheduleWindow.At(now, options.Value);

        await using var write = await transactions.BeginAsync(cancellationToken);
        var clock = (await db.Clock.FromSql($"SELECT * FROM kitchen_clock WHERE id = 1 FOR UPDATE").ToListAsync(cancellationToken)).SingleOrDefault();
        if (clock is null)
        {
            clock = new KitchenClock { Id = 1, AnnouncedUntil = now };
            db.Clock.Add(clock);
        }

        var from = clock.AnnouncedUntil;
        var open = await db.BatchItems.AsNoTracking().Where(b => b.OpenQuantity > 0).ToListAsync(cancellationToken);
        var next = now + options.Value.ClockInterval;
        var announced = 0;
        foreach (var item in open)
        {
            var crossings = item.Schedule.SelectMany(s =>
            {
                var (fires, stale) = window.Crossings(s.DueAt, item.PrepSeconds);
                return new[] { fires, stale };
            }).ToList();
            if (crossings.Any(c => c > from && c <= now))
            {
                events.Add(KitchenEventTypes.BatchUpdated, item.Station, BatchItemView.From(item, window));
                announced++;
            }

            foreach (var crossing in crossings.Where(c => c > now && c < next))
            {
                next = crossing;
            }
        }

        if (now > from)
        {
            clock.AnnouncedUntil = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        await write.CommitAsync(cancellationToken);
        if (announced > 0)
        {
            LogAnnounced(logger, announced);
        }

        return next;
    }

    /// <summary>
    /// Closes the open orders past their due time by more than <see cref="KitchenScheduleOptions.CloseStaleAfter"/>, in
    /// rounds of 100, at most 1,000 a tick (a kitchen that was off for a day catches up over a few ticks).
    /// </summary>
    private async Task CloseExpiredAsync(CancellationToken cancellationToken)
    {
        for (var round = 0; round < 10 && await CloseExpiredRoundAsync(cancellationToken) == 100; round++)
        {
        }
    }

    /// <returns>How many orders it looked at (100: there may be more).</returns>
    private async Task<int> CloseExpiredRoundAsync(CancellationToken cancellationToken)
    {
        if (options.Value.CloseStaleAfter is not { } after)
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        // An order that arrived late (a backlog after an outage) is on the screens as stale for a while before it goes.
        var now = time.GetUtcNow();
        var cutoff = now - after;
        var seenSince = now - options.Value.StaleAfter;
        var expired = await db.Orders.AsNoTracking()
            .Where(o => o.Status == OrderStatus.Open && o.DueAt <= cutoff && o.ReceivedAt <= seenSince)
            .OrderBy(o => o.DueAt)
            .Select(o => o.OrderId)
            .Take(100)
            .ToListAsync(cancellationToken);
        foreach (var orderId in expired)
        {
            await using var orderScope = scopes.CreateAsyncScope();
            var closing = orderScope.ServiceProvider.GetRequiredService<OrderClosingService>();
            var result = await closing.CloseAsync(orderId, $"stale: not ready {Minutes(after)} after its due time", cancellationToken);
            if (result.Closing is { } closed)
            {
                LogClosedStale(logger, orderId, closed.OpenQuantity);
            }
        }

        return expired.Count;
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 120 ? $"{span.TotalHours:0.#} h" : $"{span.TotalMinutes:0} min";

    [LoggerMessage(Level = LogLevel.Debug, Message = "The clock moved {Count} batch items into or out of fire now")]
    private static partial void LogAnnounced(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed stale order {OrderId}: {Open} items were still open")]
    private static partial void LogClosedStale(ILogger logger, string orderId, int open);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kitchen clock could not announce what time changed; it tries again")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
