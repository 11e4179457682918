namespace Orbital.Benchmarks.Chaos;

/// <summary>The faults a chaos run injects, one every few seconds, in this order.</summary>
internal enum FaultKind
{
    /// <summary>kill -9 of the order service, then a restart (as a supervisor would).</summary>
    KillOrderService,

    /// <summary>kill -9 of the kitchen, then a restart.</summary>
    KillKitchen,

    /// <summary>PostgreSQL stopped for the outage time, then started again.</summary>
    StopPostgres,

    /// <summary>MongoDB refuses and drops every connection for the outage time.</summary>
    MongoOutage,

    /// <summary>The change-stream history is truncated, as an oplog that rolled over.</summary>
    TruncateHistory,
}

/// <summary>One injected fault: what, when it began, when it ended, and how long the flow took to recover.</summary>
internal sealed record Fault(int Number, FaultKind Kind, DateTime StartedAt, DateTime EndedAt)
{
    /// <summary>From the fault's end until the first order written after it reached the kitchen.</summary>
    public TimeSpan? Recovery { get; set; }
}
