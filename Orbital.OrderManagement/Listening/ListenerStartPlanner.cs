using System.Globalization;
using Microsoft.Extensions.Options;
using Orbital.Contracts.Orders;
using Orbital.OrderManagement.Checkpoints;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Forwarding;

namespace Orbital.OrderManagement.Listening;

/// <summary>
/// Decides where the next change stream starts: after the checkpoint; after the invalidate it holds; from a
/// catch-up when the stream's position was lost; and, without any checkpoint, from what the kitchen says it
/// holds. A kitchen with no orders means a first start; a kitchen with orders means the checkpoint was lost
/// (deleted, a renamed listener, a restored database), and starting "from now" would silently skip whatever was
/// written meanwhile, so the listener catches up from where the kitchen's orders reach in the platform's history (its
/// newest revision) instead, and says so.
/// </summary>
public sealed partial class ListenerStartPlanner(
    CheckpointStore checkpoints,
    KitchenOrderForwarder kitchen,
    IOptions<OrderListenerOptions> options,
    OrderListenerStatus status,
    TimeProvider time,
    ILogger<ListenerStartPlanner> logger)
{
    private readonly OrderListenerOptions _options = options.Value;

    /// <param name="positionLost">Why the last stream's position cannot be resumed, if it cannot.</param>
    /// <param name="cancellationToken">Stops the decision.</param>
    public async Task<StreamStart> PlanAsync(string? positionLost, CancellationToken cancellationToken)
    {
        var checkpoint = await checkpoints.LoadAsync(cancellationToken);
        if (checkpoint?.PendingCatchUp is { } unfinished)
        {
            // Cut short earlier: from the same time again, whatever the kitchen's newest order is by now.
            return unfinished;
        }

        if (positionLost is not null)
        {
            var since = checkpoint?.EventTime ?? await LatestKnownAsync(cancellationToken);
            return new StreamStart.CatchUp(since, positionLost, "history-lost");
        }

        if (checkpoint?.ResumeToken is { } token)
        {
            return checkpoint.StartAfter ? new StreamStart.AfterInvalidate(checkpoint, token) : new StreamStart.Resume(checkpoint, token);
        }

        status.DecidingStart("No checkpoint: asking the kitchen whether this is a first start or a lost checkpoint.");
        var state = await kitchen.GetIntakeStateAsync(
            (answer, retryIn) => status.DecidingStart($"No checkpoint: waiting for the kitchen to say whether this is a first start or a lost checkpoint (it answered {answer}; next attempt in {retryIn.TotalSeconds:0.#} s)."),
            cancellationToken);

        if (state is null)
        {
            return WithoutIntakeState();
        }

        if (state.OrderCount == 0)
        {
            var firstStart = _options.StartFrom == StartPosition.Beginning
                ? "First start (no checkpoint, and the kitchen holds no orders): reading every order already in the collection."
                : "First start (no checkpoint, and the kitchen holds no orders): reading the orders written from now on.";
            status.Started(firstStart);
            LogFirstStart(logger, _options.StartFrom);
            return _options.StartFrom == StartPosition.Beginning
                ? new StreamStart.CatchUp(null, "first start from the beginning", "beginning")
                : new StreamStart.Now(firstStart);
        }

        var (from, anchor) = Anchor(state);
        var reason = string.Create(
            CultureInfo.InvariantCulture,
            $"no checkpoint was found, but the kitchen already holds {state.OrderCount} orders (the newest, {state.LatestOrderId}; {anchor}): the checkpoint was lost (deleted, a renamed listener or a restored database)");
        status.Started($"Lost checkpoint: {reason}.");
        LogCheckpointLost(logger, state.OrderCount, state.LatestOrderId, from);
        return new StreamStart.CatchUp(_options.StartFrom == StartPosition.Beginning ? null : from, reason, "checkpoint-lost");
    }

    /// <summary>
    /// Where the kitchen's orders reach in the platform's history: its newest revision is the cluster time of the
    /// newest change it applied; an older kitchen that does not say gives only its newest receipt time, which lags
    /// behind while a backlog drains (documents inserted in between would be missed), so the margin must cover it.
    /// </summary>
    private static (DateTime? From, string Anchor) Anchor(IntakeState state)
    {
        if (state.LatestRevision > 0)
        {
            var at = DateTime.UnixEpoch.AddSeconds(state.LatestRevision >> 32);
            return (at, string.Create(CultureInfo.InvariantCulture, $"the newest change it applied was written at {at:O}"));
        }

        var receivedAt = state.LatestReceivedAt?.ToDateTime();
        return (receivedAt, string.Create(CultureInfo.InvariantCulture, $"received at {receivedAt:O}; the kitchen does not say its newest revision (an older version), so its newest receipt time is used"));
    }

    /// <summary>
    /// An older kitchen without <c>GetIntakeState</c> cannot tell a first start from a lost checkpoint. The listener
    /// neither starts blind from now (which would skip what was written while it had no checkpoint) nor re-reads the
    /// whole collection (which would cook every historical order on a first start): it catches up from now less the
    /// catch-up margin (what a scan by time re-reads anyway), and says so until the kitchen answers.
    /// </summary>
    private StreamStart WithoutIntakeState()
    {
        const string Detail = "The kitchen does not answer GetIntakeState (an older version), so a first start cannot be told from a lost checkpoint: the listener caught up from the orders written in the last catch-up margin. Upgrade the kitchen.";
        status.KitchenFallBack("GetIntakeState", Detail);
        status.Started(Detail);
        LogNoIntakeState(logger, _options.CatchUpMargin.TotalMinutes);
        return _options.StartFrom == StartPosition.Beginning
            ? new StreamStart.CatchUp(null, "first start from the beginning (the kitchen could not say what it holds)", "beginning")
            : new StreamStart.CatchUp(time.GetUtcNow().UtcDateTime, "no checkpoint, and the kitchen could not say whether it holds orders (an older version)", "checkpoint-unknown");
    }

    private async Task<DateTime?> LatestKnownAsync(CancellationToken cancellationToken)
    {
        var state = await kitchen.GetIntakeStateAsync(
            (answer, retryIn) => status.DecidingStart($"Position lost and no checkpoint: waiting for the kitchen to say what it holds (it answered {answer}; next attempt in {retryIn.TotalSeconds:0.#} s)."),
            cancellationToken);
        if (state is null)
        {
            status.KitchenFallBack("GetIntakeState", "The kitchen does not answer GetIntakeState (an older version): the catch-up after lost history starts from now less the catch-up margin. Upgrade the kitchen.");
            return time.GetUtcNow().UtcDateTime;
        }

        return state.OrderCount == 0 ? null : Anchor(state).From;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The kitchen cannot say what it holds (no GetIntakeState: an older version); catching up from the last {MarginMinutes:0.#} minutes")]
    private static partial void LogNoIntakeState(ILogger logger, double marginMinutes);

    [LoggerMessage(Level = LogLevel.Information, Message = "No checkpoint and an empty kitchen: first start, reading from {StartFrom}")]
    private static partial void LogFirstStart(ILogger logger, StartPosition startFrom);

    [LoggerMessage(Level = LogLevel.Error, Message = "No checkpoint, but the kitchen already holds {OrderCount} orders (newest {OrderId}): the checkpoint was lost; catching up from {From:O}, where the kitchen's orders reach")]
    private static partial void LogCheckpointLost(ILogger logger, long orderCount, string orderId, DateTime? from);
}
