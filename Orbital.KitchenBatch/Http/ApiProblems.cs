using Microsoft.AspNetCore.Http.HttpResults;

namespace Orbital.KitchenBatch.Http;

/// <summary>The API's errors, each a ProblemDetails with a detail a caller can act on.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(detail: what, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult OtherStation(string? deviceStation, string station) =>
        TypedResults.Problem(
            detail: $"This device is for {deviceStation}; '{station}' is another station's.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Another station");

    public static ProblemHttpResult Conflict(string reason) =>
        TypedResults.Problem(detail: reason, statusCode: StatusCodes.Status409Conflict, title: "Quantity not available");
}
