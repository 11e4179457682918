using Microsoft.AspNetCore.Http.HttpResults;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Idempotency;

namespace Orbital.KitchenBatch.Devices;

/// <summary>
/// Devices: a manager creates them (with a token at once, or a pairing code to enter on the device's board),
/// lists and revokes them. A board signs in to get the cookie its <c>EventSource</c> needs.
/// </summary>
public static class DevicesApi
{
    public const string ManagerPolicy = "manager";

    /// <summary>The manager key, or a device paired with the manager role: what reads the kitchen's analytics.</summary>
    public const string AnalyticsPolicy = "analytics";

    public static IEndpointRouteBuilder MapDevicesApi(this IEndpointRouteBuilder app)
    {
        var devices = app.MapGroup("/api/devices").WithTags("Devices");

        devices.MapPost("/", CreateDevice).RequireAuthorization(ManagerPolicy).RequireRateLimiting(KitchenRateLimits.Writes).WithIdempotency()
            .WithName("CreateDevice")
            .WithSummary("Creates a device and returns its token (shown once). Needs the manager key.");
        devices.MapGet("/", ListDevices).RequireAuthorization(ManagerPolicy)
            .WithName("ListDevices")
            .WithSummary("Lists the devices, revoked ones included. Needs the manager key.");
        devices.MapDelete("/{id:guid}", RevokeDevice).RequireAuthorization(ManagerPolicy).RequireRateLimiting(KitchenRateLimits.Writes).WithIdempotency()
            .WithName("RevokeDevice")
            .WithSummary("Revokes a device: its token stops working within seconds, open event streams included. Needs the manager key.");
        devices.MapPost("/pairing-codes", CreatePairingCode).RequireAuthorization(ManagerPolicy).RequireRateLimiting(KitchenRateLimits.Writes).WithIdempotency()
            .WithName("CreatePairingCode")
            .WithSummary("Creates a pairing code for a device to be, usable once for a few minutes. Needs the manager key.");
        devices.MapPost("/pair", Pair).AllowAnonymous().RequireRateLimiting(KitchenRateLimits.Pairing).WithIdempotency()
            .WithName("PairDevice")
            .WithSummary("Turns a pairing code into a device token, and signs the browser in with it.");

        app.MapPost("/api/sign-in", SignIn).RequireAuthorization().RequireRateLimiting(KitchenRateLimits.Writes).WithTags("Devices")
            .WithName("SignIn")
            .WithSummary("Sets the cookie a browser's EventSource authenticates with, from the device token this call bears. The manager key is refused: it never goes into a browser.");
        app.MapPost("/api/sign-out", SignOut).AllowAnonymous().WithTags("Devices")
            .WithName("SignOut")
            .WithSummary("Removes the sign-in cookie.");
        return app;
    }

    public static async Task<Results<Created<DeviceTokenView>, ValidationProblem>> CreateDevice(DeviceRequest request, DeviceService devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(devices);
        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var lifetime = request.ValidForDays is { } days ? TimeSpan.FromDays(days) : (TimeSpan?)null;
        var (device, token) = await devices.CreateAsync(request.Name!.Trim(), request.Station?.Trim(), request.DeviceRole, lifetime, cancellationToken);
        return TypedResults.Created($"/api/devices/{device.Id}", new DeviceTokenView(DeviceView.From(device), token));
    }

    public static async Task<Ok<List<DeviceView>>> ListDevices(DeviceService devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        return TypedResults.Ok((await devices.ListAsync(cancellationToken)).Select(DeviceView.From).ToList());
    }

    public static async Task<Results<Ok<DeviceView>, ProblemHttpResult>> RevokeDevice(Guid id, DeviceService devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var device = await devices.RevokeAsync(id, cancellationToken);
        return device is null ? ApiProblems.NotFound($"No device has id {id}. GET /api/devices lists them.") : TypedResults.Ok(DeviceView.From(device));
    }

    public static async Task<Results<Created<PairingCodeView>, ValidationProblem>> CreatePairingCode(DeviceRequest request, DeviceService devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(devices);
        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (code, expiresAt) = await devices.CreatePairingCodeAsync(request.Name!.Trim(), request.Station?.Trim(), request.DeviceRole, cancellationToken);
        return TypedResults.Created("/api/devices/pair", new PairingCodeView(code, expiresAt));
    }

    public static async Task<Results<Ok<DeviceTokenView>, ProblemHttpResult>> Pair(PairingRequest request, HttpContext context, DeviceService devices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(devices);
        var paired = await devices.PairAsync(request.Code ?? string.Empty, cancellationToken);
        if (paired is not { } result)
        {
            return TypedResults.Problem(
                detail: "The pairing code is not valid: it may be mistyped, used already, or expired. Ask a manager for a new one.",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Pairing failed");
        }

        SetCookie(context, result.Token, result.Device.ExpiresAt);
        return TypedResults.Ok(new DeviceTokenView(DeviceView.From(result.Device), result.Token));
    }

    public static Results<NoContent, ProblemHttpResult> SignIn(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (KitchenCaller.From(context.User).IsManager)
        {
            // A browser keeps what it signs in with (a cookie, and the board its local storage): the manager key must
            // never be there. A manager pairs the browser as a device instead.
            return TypedResults.Problem(
                detail: "The manager key is not a device token and never goes into a browser: create a pairing code with it and pair this screen instead.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Not a device token");
        }

        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        if (token is not null)
        {
            SetCookie(context, token, expires: null);
        }

        return TypedResults.NoContent();
    }

    public static NoContent SignOut(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Delete(KitchenAuthenticationHandler.CookieName, new CookieOptions { Path = "/api" });
        return TypedResults.NoContent();
    }

    private static void SetCookie(HttpContext context, string token, DateTimeOffset? expires)
        => context.Response.Cookies.Append(KitchenAuthenticationHandler.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/api",
            Expires = expires,
            IsEssential = true,
        });
}
