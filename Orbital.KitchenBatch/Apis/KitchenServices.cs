using System.Security.Claims;
using Orbital.KitchenBatch.Security;
using Orbital.KitchenBatch.Services;

namespace Orbital.KitchenBatch.Apis;

/// <summary>What the REST handlers need, bound with <c>[AsParameters]</c>.</summary>
public sealed class KitchenServices(KitchenQueries queries, BatchItemService batches, ClaimsPrincipal user, CancellationToken cancellationToken)
{
    public KitchenQueries Queries { get; } = queries;

    public BatchItemService Batches { get; } = batches;

    public ClaimsPrincipal User { get; } = user;

    /// <summary>Who is calling: a manager, or a device (for one station or all).</summary>
    public KitchenCaller Caller => KitchenCaller.From(User);

    /// <summary>Aborted when the caller goes away.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;
}
