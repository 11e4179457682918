namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>Whether the kitchen's schema is in place, and if not, why and until when the migrator waits.</summary>
public sealed class KitchenSchemaState
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Snapshot _current = new(false, "the schema migration has not run yet", null);

    public bool IsReady => _current.Ready;

    public Snapshot Current => _current;

    /// <summary>Completes when the schema is ready, once and for all.</summary>
    public Task Ready => _ready.Task;

    public void MarkReady()
    {
        _current = new(true, null, null);
        _ready.TrySetResult();
    }

    public void MarkWaiting(string error, DateTimeOffset nextAttemptAt) => _current = new(false, error, nextAttemptAt);

    /// <summary>One consistent reading of the state.</summary>
    public sealed record Snapshot(bool Ready, string? LastError, DateTimeOffset? NextAttemptAt);
}
