using System.Security.Claims;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Surplus;

/// <summary>What the surplus handlers that write need, bound with <c>[AsParameters]</c>.</summary>
public sealed class SurplusServices(SurplusQueries queries, SurplusService surplus, ClaimsPrincipal user, CancellationToken cancellationToken)
{
    public SurplusQueries Queries { get; } = queries;

    public SurplusService Surplus { get; } = surplus;

    public ClaimsPrincipal User { get; } = user;

    /// <summary>Who is calling: a manager, or a device (for one station or all).</summary>
    public KitchenCaller Caller => KitchenCaller.From(User);

    /// <summary>Aborted when the caller goes away.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;
}
