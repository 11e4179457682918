using Orbital.KitchenBatch.Services;

namespace Orbital.KitchenBatch.Apis;

/// <summary>What the REST handlers need, bound with <c>[AsParameters]</c>.</summary>
public sealed class KitchenServices(KitchenQueries queries, BatchItemService batches, CancellationToken cancellationToken)
{
    public KitchenQueries Queries { get; } = queries;

    public BatchItemService Batches { get; } = batches;

    /// <summary>Aborted when the caller goes away.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;
}
