namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>
/// Wakes the event stream when this process committed kitchen events, so screens see them at once; the stream
/// also polls, which is how events committed by another instance reach this one's screens.
/// </summary>
public sealed class KitchenEventSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Pulse"/>.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
