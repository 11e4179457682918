using System.ComponentModel.DataAnnotations;

namespace Orbital.OrderManagement.Forwarding;

/// <summary>How many changes travel to the kitchen at once, and in what batches (section <c>OrderListener</c>).</summary>
public sealed class RelayOptions
{
    /// <summary>The section these settings are read from: the listener's, where they have always been.</summary>
    public const string SectionName = "OrderListener";

    /// <summary>
    /// How many changes may be on their way to the kitchen at once (sent and not acknowledged, or waiting to be
    /// sent). A crash re-sends at most these and the ones not checkpointed yet; the kitchen deduplicates them.
    /// </summary>
    [Range(1, 100_000)]
    public int Window { get; set; } = 2_000;

    /// <summary>How many changes one <c>SubmitOrders</c> call carries at most (one kitchen transaction).</summary>
    [Range(1, Orbital.Contracts.Validation.OrderLimits.MaxBatchItems)]
    public int BatchSize { get; set; } = 250;

    /// <summary>
    /// How many <c>SubmitOrders</c> calls may be under way at once. One is fastest when the kitchen is near: its
    /// transactions would wait on each other's batch item locks anyway, and while a call is under way the next batch
    /// gathers (measured in docs/benchmarks.md). More help a kitchen far away, whose calls spend their time travelling.
    /// </summary>
    [Range(1, 64)]
    public int BatchesInFlight { get; set; } = 1;
}
