using System.Security.Claims;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Batches;

/// <summary>What the REST handlers need, bound with <c>[AsParameters]</c>.</summary>
public sealed class BatchServices(BatchQueries queries, BatchItemService batches, ClaimsPrincipal user, CancellationToken cancellationToken)
{
    public BatchQueries Queries { get; } = queries;

    public BatchItemService Batches { get; } = batches;

    public ClaimsPrincipal User { get; } = user;

    /// <summary>Who is calling: a manager, or a device (for one station or all).</summary>
    public KitchenCaller Caller => KitchenCaller.From(User);

    /// <summary>Aborted when the caller goes away.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;
}
