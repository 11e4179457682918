using System.Net;

namespace Orbital.AppHost.Hosting;

/// <summary>What the kitchen answered: the value, or the problem it reported instead.</summary>
internal sealed record KitchenAnswer<T>(T? Value, KitchenProblem? Problem)
    where T : class;

/// <summary>A refusal of the kitchen's API: its status, and its ProblemDetails title and detail.</summary>
internal sealed record KitchenProblem(HttpStatusCode Status, string Title, string? Detail)
{
    public override string ToString() => Detail is null ? Title : $"{Title}: {Detail}";
}

/// <summary>A station, as <c>GET /api/stations</c> lists it.</summary>
internal sealed record KitchenStation(string Station, int OpenQuantity, int InProgressQuantity);

/// <summary>A production item, as <c>GET /api/production-items</c> lists it (what the AppHost reads of it).</summary>
internal sealed record KitchenProductionItem(string Name, string Station);

/// <summary>A station's open batch item, as <c>GET /api/stations/{station}/batch-items</c> lists it (what a cook reads of it).</summary>
internal sealed record KitchenBatchItem(
    long Id,
    string ItemName,
    int InProgressQuantity,
    int WaitingQuantity,
    int NowQuantity,
    int LateQuantity,
    int PrepSeconds);

/// <summary>A pairing code, and when it stops working.</summary>
internal sealed record KitchenPairingCode(string Code, DateTimeOffset ExpiresAt);
