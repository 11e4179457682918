using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orbital.AppHost.Hosting;

namespace Orbital.AppHost.Simulation;

/// <summary>
/// The kitchen's cooks, simulated through its API with the manager key: every few seconds each station with open
/// demand is read; what fires now and nobody started is started (a cook sometimes holds a small quantity back a while
/// to cook it together with what comes in next), and each started batch is completed after its prep time × 0.8–1.3
/// (÷ <c>speed</c>). What is in progress and not theirs (started on a screen, or before the AppHost restarted) they
/// finish too. Seeded, so a run cooks the same way each time the kitchen answers the same way; a kitchen that is down
/// is looked at again later.
/// </summary>
internal sealed partial class SimulatedCooks(KitchenClient kitchen, double speed, TimeProvider time, ILogger<SimulatedCooks> logger) : BackgroundService
{
    private const int Seed = 20_261_207;

    // A cook with one or two to start may wait for more, for at most this long (÷ speed).
    private static readonly TimeSpan s_longestHold = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_summaryInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_retryInterval = TimeSpan.FromSeconds(10);

    private readonly Random _random = new(Seed);
    private readonly List<Batch> _cooking = [];
    private readonly Dictionary<long, Hold> _holding = [];
    private int _started;
    private int _completed;
    private DateTimeOffset _lastSummary;
    private string? _lastProblem;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogCooksStarted(logger, speed, PollInterval.TotalSeconds);
        _lastSummary = time.GetUtcNow();
        var unreachable = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = PollInterval;
                try
                {
                    await CookRoundAsync(stoppingToken).ConfigureAwait(false);
                    unreachable = false;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !stoppingToken.IsCancellationRequested)
                {
                    // Not up yet, restarting, or gone for a while: the cooks look again later; said once.
                    if (!unreachable)
                    {
                        LogKitchenUnreachable(logger, ex.Message, s_retryInterval.TotalSeconds);
                        unreachable = true;
                    }

                    wait = s_retryInterval;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // A simulation never stops the AppHost: say what went wrong and look again later.
                    LogRoundFailed(logger, ex);
                    wait = s_retryInterval;
                }

                Summarize();
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The app stops.
        }
    }

    /// <summary>One look at every station with something open: each is read at most once a round.</summary>
    private async Task CookRoundAsync(CancellationToken cancellationToken)
    {
        var stations = await kitchen.StationsAsync(cancellationToken).ConfigureAwait(false);
        if (stations.Value is not { } all)
        {
            Report(stations.Problem);
            return;
        }

        foreach (var station in all)
        {
            if (station.OpenQuantity == 0)
            {
                // Nothing open: whatever was on the stove there went to orders that were cancelled or closed.
                _cooking.RemoveAll(b => b.Station == station.Station);
                continue;
            }

            var items = await kitchen.BatchItemsAsync(station.Station, cancellationToken).ConfigureAwait(false);
            if (items.Value is not { } batchItems)
            {
                Report(items.Problem);
                continue;
            }

            await CookAtAsync(station.Station, batchItems, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CookAtAsync(string station, IReadOnlyList<KitchenBatchItem> items, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        _cooking.RemoveAll(b => b.Station == station && !items.Any(i => i.Id == b.ItemId));
        foreach (var gone in _holding.Where(h => h.Value.Station == station && !items.Any(i => i.Id == h.Key)).Select(h => h.Key).ToList())
        {
            _holding.Remove(gone);
        }

        foreach (var item in items)
        {
            Reconcile(station, item, now);

            foreach (var batch in _cooking.Where(b => b.ItemId == item.Id && b.ReadyAt <= now).ToList())
            {
                _cooking.Remove(batch);
                if (await kitchen.CompleteAsync(item.Id, batch.Quantity, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    Report(problem);
                    continue;
                }

                _completed += batch.Quantity;
                LogCompleted(logger, batch.Quantity, item.ItemName, station);
            }

            // Due now and not started: in-progress demand is the earliest due, so what fires now beyond it waits.
            var due = Math.Min(item.WaitingQuantity, Math.Max(0, item.NowQuantity - item.InProgressQuantity));
            if (due == 0)
            {
                _holding.Remove(item.Id);
                continue;
            }

            if (!StartsNow(station, item, due, now))
            {
                continue;
            }

            if (await kitchen.StartAsync(item.Id, due, cancellationToken).ConfigureAwait(false) is { } refused)
            {
                Report(refused);
                continue;
            }

            _started += due;
            _cooking.Add(new Batch(item.Id, station, due, now + PrepTime(item)));
            LogStarted(logger, due, item.ItemName, station);
        }
    }

    /// <summary>
    /// Makes the batches followed for <paramref name="item"/> add up to what the kitchen has in progress: more there
    /// (started elsewhere) is followed from now; less (orders cancelled) is taken off the latest batches.
    /// </summary>
    private void Reconcile(string station, KitchenBatchItem item, DateTimeOffset now)
    {
        var mine = _cooking.Where(b => b.ItemId == item.Id).OrderByDescending(b => b.ReadyAt).ToList();
        var excess = mine.Sum(b => b.Quantity) - item.InProgressQuantity;
        if (excess < 0)
        {
            _cooking.Add(new Batch(item.Id, station, -excess, now + PrepTime(item)));
            return;
        }

        foreach (var batch in mine)
        {
            if (excess == 0)
            {
                break;
            }

            var cut = Math.Min(excess, batch.Quantity);
            _cooking.Remove(batch);
            if (batch.Quantity > cut)
            {
                _cooking.Add(batch with { Quantity = batch.Quantity - cut });
            }

            excess -= cut;
        }
    }

    /// <summary>
    /// Whether a cook starts <paramref name="due"/> now: at once when any is late or there are as many as the cook
    /// wants to batch (one to four, drawn per wave, so some cooks never wait); otherwise after holding a while.
    /// </summary>
    private bool StartsNow(string station, KitchenBatchItem item, int due, DateTimeOffset now)
    {
        if (!_holding.TryGetValue(item.Id, out var hold))
        {
            hold = new Hold(station, _random.Next(1, 5), now);
            _holding[item.Id] = hold;
        }

        if (item.LateQuantity > 0 || due >= hold.Target || now - hold.Since >= s_longestHold / speed)
        {
            _holding.Remove(item.Id);
            return true;
        }

        return false;
    }

    /// <summary>How often each station is looked at: every 5 s ÷ the speed, never more often than every 2 s.</summary>
    private TimeSpan PollInterval => TimeSpan.FromSeconds(Math.Max(2, 5 / speed));

    /// <summary>The item's prep time × 0.8–1.3, ÷ the speed; at least a second.</summary>
    private TimeSpan PrepTime(KitchenBatchItem item)
        => TimeSpan.FromSeconds(Math.Max(1, item.PrepSeconds * (0.8 + 0.5 * _random.NextDouble()) / speed));

    /// <summary>A refusal is said once until another one comes; a lost race with a screen (409) is not worth saying.</summary>
    private void Report(KitchenProblem? problem)
    {
        if (problem is null || problem.Status == HttpStatusCode.Conflict || problem.ToString() == _lastProblem)
        {
            return;
        }

        _lastProblem = problem.ToString();
        LogRefused(logger, _lastProblem);
    }

    private void Summarize()
    {
        var now = time.GetUtcNow();
        if (now - _lastSummary < s_summaryInterval)
        {
            return;
        }

        if (_started + _completed > 0)
        {
            LogSummary(logger, _started, _completed, _cooking.Sum(b => b.Quantity), (int)Math.Round((now - _lastSummary).TotalMinutes));
        }

        (_started, _completed, _lastSummary) = (0, 0, now);
    }

    /// <summary>A quantity of a batch item on the stove, ready at a time.</summary>
    private sealed record Batch(long ItemId, string Station, int Quantity, DateTimeOffset ReadyAt);

    /// <summary>A cook holding a batch item back: until this many are due, or a while after this time.</summary>
    private sealed record Hold(string Station, int Target, DateTimeOffset Since);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated cooks at work: speed {Speed}, each station looked at every {PollSeconds} s")]
    private static partial void LogCooksStarted(ILogger logger, double speed, double pollSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated cooks cannot reach the kitchen ({Reason}); they look again every {RetrySeconds} s")]
    private static partial void LogKitchenUnreachable(ILogger logger, string reason, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of the simulated cooks failed; they look again shortly")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kitchen refused the simulated cooks: {Problem}")]
    private static partial void LogRefused(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated cooks started {Started} and completed {Completed} items in the last {Minutes} min; {Cooking} cooking")]
    private static partial void LogSummary(ILogger logger, int started, int completed, int cooking, int minutes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulated cook started {Quantity} × {Item} at {Station}")]
    private static partial void LogStarted(ILogger logger, int quantity, string item, string station);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulated cook completed {Quantity} × {Item} at {Station}")]
    private static partial void LogCompleted(ILogger logger, int quantity, string item, string station);
}
