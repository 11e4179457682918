using MongoDB.Bson;

namespace Orbital.OrderManagement.Checkpoints;

/// <summary>Where the next change stream starts, and why.</summary>
public abstract record StreamStart
{
    private StreamStart()
    {
    }

    /// <summary>After a checkpointed change (<c>resumeAfter</c>).</summary>
    public sealed record Resume(Checkpoint Checkpoint, BsonDocument Token) : StreamStart;

    /// <summary>After an invalidate event (<c>startAfter</c>): the orders collection was dropped or renamed.</summary>
    public sealed record AfterInvalidate(Checkpoint Checkpoint, BsonDocument Token) : StreamStart;

    /// <summary>A first start: with the orders written from now on.</summary>
    public sealed record Now(string Reason) : StreamStart;

    /// <summary>
    /// A stream opened now, and a scan of the collection for what was written since <paramref name="Since"/> (null:
    /// everything), because the stream cannot tell.
    /// </summary>
    /// <param name="Since">The time of the last change known to be dealt with.</param>
    /// <param name="Reason">Why, for the log and the health report.</param>
    /// <param name="Kind">A short name for the metrics: history-lost, checkpoint-lost, beginning.</param>
    public sealed record CatchUp(DateTime? Since, string Reason, string Kind) : StreamStart;

    /// <summary>The scan a start needs: a catch-up's, or after an invalidation, what the replaced collection holds.</summary>
    public static CatchUp? ScanOf(StreamStart start) => start switch
    {
        CatchUp catchUp => catchUp,

        // A collection that replaced the orders collection (a restore, a rename onto it, $out) may hold documents
        // that never produced an insert event on this stream.
        AfterInvalidate invalidated => new CatchUp(invalidated.Checkpoint.EventTime, "the orders collection was dropped, renamed or replaced", "invalidated"),
        _ => null,
    };
}
