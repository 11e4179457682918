namespace Orbital.Benchmarks.Chaos;

/// <summary>The faults a chaos run injects, one every few seconds, in turn.</summary>
internal enum FaultKind
{
    /// <summary>kill -9 of the order service (with replicas: the one that leads the listener), then a restart.</summary>
    KillOrderService,

    /// <summary>kill -9 of the kitchen (with replicas: one of them, in turn), then a restart.</summary>
    KillKitchen,

    /// <summary>A rolling restart, as a deploy does it: each replica of each service stopped gracefully and started again, one at a time.</summary>
    RollingRestart,

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

    /// <summary>With replicas: from the leading order service's end (killed, or stopped) until another instance led.</summary>
    public TimeSpan? Failover { get; init; }

    /// <summary>What was done to which instance.</summary>
    public string? Detail { get; init; }
}
