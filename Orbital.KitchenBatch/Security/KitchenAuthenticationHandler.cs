using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Orbital.KitchenBatch.Security;

/// <summary>
/// Authenticates kitchen API callers by what they present, first found wins: <c>Authorization: Bearer</c>, the
/// sign-in cookie (how a browser's <c>EventSource</c>, which cannot set headers, is authenticated), or
/// <c>?access_token=</c> on the event stream only. The manager key makes a manager; a device token this kitchen
/// signed, unexpired, for a device not revoked, makes a device. Failures answer 401 (403 when authenticated but
/// not allowed) as ProblemDetails; the presented secret never reaches a log.
/// </summary>
public sealed class KitchenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<KitchenAuthOptions> authOptions,
    DeviceTokenCodec codec,
    DeviceRegistry devices,
    TimeProvider time,
    IProblemDetailsService problems) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Kitchen";
    public const string CookieName = "orbital_device";

    private readonly byte[]? _managerKeyHash = authOptions.Value.ManagerKey is { Length: > 0 } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    /// <summary>Whether <paramref name="presented"/> is the manager key (compared in constant time).</summary>
    public static bool IsKey(string? presented, byte[]? keyHash)
        => presented is not null && keyHash is not null
           && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), keyHash);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // gRPC callers present the intake key, which IntakeKeyInterceptor checks; it is no device token, and reading
        // it as one would log a failed sign-in for every order.
        if (Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presented = Presented(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (IsKey(presented, _managerKeyHash))
        {
            return Task.FromResult(Success([new(ClaimTypes.Role, KitchenCaller.ManagerRole)]));
        }

        var token = codec.Read(presented);
        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.Fail("The token is not one this kitchen issued."));
        }

        if (token.ExpiresAt <= time.GetUtcNow())
        {
            return Task.FromResult(AuthenticateResult.Fail($"The token expired at {token.ExpiresAt:O}; pair the device again."));
        }

        var result = devices.Check(token.DeviceId) switch
        {
            DeviceStatus.Revoked => AuthenticateResult.Fail("The device was revoked; pair it again."),
            DeviceStatus.Unknown => AuthenticateResult.Fail("The kitchen does not know this device any more; pair it again."),

            // Active, or the list is not read yet (the database is not ready, so nothing can be read or written):
            // an event stream waits, and checks again once it can.
            _ => Success(DeviceClaims(token)),
        };
        return Task.FromResult(result);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Credentials needed",
                Detail = failure ?? "Every /api call needs a device token or the manager key: Authorization: Bearer <token>, the sign-in cookie, or ?access_token= on /api/events.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Not allowed",
                Detail = "This needs the manager key.",
            },
        });
    }

    private static string? Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        if (request.Cookies.TryGetValue(CookieName, out var cookie) && cookie.Length > 0)
        {
            return cookie;
        }

        return request.Path.StartsWithSegments("/api/events") && request.Query.TryGetValue("access_token", out var query)
            ? query.ToString()
            : null;
    }

    private static Claim[] DeviceClaims(DeviceToken token) => token.Station is null
        ? [new(ClaimTypes.Role, KitchenCaller.DeviceRole), new(KitchenCaller.DeviceClaim, token.DeviceId.ToString())]
        : [new(ClaimTypes.Role, KitchenCaller.DeviceRole), new(KitchenCaller.DeviceClaim, token.DeviceId.ToString()), new(KitchenCaller.StationClaim, token.Station)];

    private AuthenticateResult Success(Claim[] claims)
        => AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
}
