using System.Globalization;
using Microsoft.Extensions.Options;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Options;

namespace Orbital.OrderManagement.Services;

/// <summary>
/// Decides where the next change stream starts: after the checkpoint; after the invalidate it holds; from a
/// catch-up when the stream's position was lost; and, without any checkpoint, from what the kitchen says it
/// holds. A kitchen with no orders means a first start; a kitchen with orders means the checkpoint was lost
/// (deleted, a renamed listener, a restored database), and starting "from now" would silently skip whatever was
/// written meanwhile, so the listener catches up from the kitchen's newest order instead, and says so.
/// </summary>
public sealed partial class ListenerStartPlanner(
    ResumeTokenStore checkpoints,
    KitchenOrderForwarder kitchen,
    IOptions<OrderListenerOptions> options,
    OrderListenerStatus status,
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

        var receivedAt = state.LatestReceivedAt?.ToDateTime();
        var reason = string.Create(
            CultureInfo.InvariantCulture,
            $"no checkpoint was found, but the kitchen already holds {state.OrderCount} orders (the newest, {state.LatestOrderId}, received at {receivedAt:O}): the checkpoint was lost (deleted, a renamed listener or a restored database)");
        status.Started($"Lost checkpoint: {reason}.");
        LogCheckpointLost(logger, state.OrderCount, state.LatestOrderId, receivedAt);
        return new StreamStart.CatchUp(_options.StartFrom == StartPosition.Beginning ? null : receivedAt, reason, "checkpoint-lost");
    }

    private async Task<DateTime?> LatestKnownAsync(CancellationToken cancellationToken)
    {
        var state = await kitchen.GetIntakeStateAsync(
            (answer, retryIn) => status.DecidingStart($"Position lost and no checkpoint: waiting for the kitchen to say what it holds (it answered {answer}; next attempt in {retryIn.TotalSeconds:0.#} s)."),
            cancellationToken);
        return state.OrderCount == 0 ? null : state.LatestReceivedAt?.ToDateTime();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No checkpoint and an empty kitchen: first start, reading from {StartFrom}")]
    private static partial void LogFirstStart(ILogger logger, StartPosition startFrom);

    [LoggerMessage(Level = LogLevel.Error, Message = "No checkpoint, but the kitchen already holds {OrderCount} orders (newest {OrderId}, received at {ReceivedAt:O}): the checkpoint was lost; catching up from the kitchen's newest order")]
    private static partial void LogCheckpointLost(ILogger logger, long orderCount, string orderId, DateTime? receivedAt);
}
