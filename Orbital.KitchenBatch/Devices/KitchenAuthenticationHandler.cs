using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Devices;

/// <summary>
/// Authenticates kitchen API callers by what they present, first found wins: <c>Authorization: Bearer</c>, the
/// sign-in cookie (how a browser's <c>EventSource</c>, which cannot set headers, is authenticated), or
/// <c>?access_token=</c> on the event stream only. The manager key makes a manager; a device token this kitchen
/// signed, unexpired, for a device not revoked, makes a device; the manager key only ever in the header. Failures
/// answer 401 (403 when authenticated but not allowed), and a device the kitchen cannot look up now 503, as
/// ProblemDetails; the presented secret never reaches a log.
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

    private const string UnverifiableKey = "orbital.auth.unverifiable";

    private readonly byte[]? _managerKeyHash = authOptions.Value.ManagerKey is { Length: > 0 } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    /// <summary>Whether <paramref name="presented"/> is the manager key (compared in constant time).</summary>
    public static bool IsKey(string? presented, byte[]? keyHash)
        => presented is not null && keyHash is not null
           && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), keyHash);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // gRPC callers present the intake key, which IntakeKeyInterceptor checks; it is no device token, and reading
        // it as one would log a failed sign-in for every order.
        if (Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
        {
            return AuthenticateResult.NoResult();
        }

        var (presented, fromHeader) = Presented(Request);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (IsKey(presented, _managerKeyHash))
        {
            // The manager key is a header for tools and scripts; in a cookie or a URL it has been put where it must
            // never be (a browser, a log), and it is refused there.
            return fromHeader
                ? Success([new(ClaimTypes.Role, KitchenCaller.ManagerRole)])
                : AuthenticateResult.Fail("The manager key is accepted only in the Authorization header.");
        }

        var token = codec.Read(presented);
        if (token is null)
        {
            return AuthenticateResult.Fail("The token is not one this kitchen issued.");
        }

        if (token.ExpiresAt <= time.GetUtcNow())
        {
            return AuthenticateResult.Fail($"The token expired at {token.ExpiresAt:O}; pair the device again.");
        }

        switch (await devices.CheckAsync(token.DeviceId, Context.RequestAborted))
        {
            case DeviceStatus.Active:
                return Success(DeviceClaims(token));
            case DeviceStatus.Revoked:
                return AuthenticateResult.Fail("The device was revoked; pair it again.");
            case DeviceStatus.Unknown:
                return AuthenticateResult.Fail("The kitchen does not know this device any more; pair it again.");
            case DeviceStatus.Unverifiable when Request.Path.StartsWithSegments("/api/events"):
                // A screen reconnecting while the kitchen restarts is accepted: its stream sends heartbeats only, and
                // the device is looked up before anything else goes out (KitchenEventFeed).
                return Success([.. DeviceClaims(token), new(KitchenCaller.UnverifiedClaim, "true")]);
            default:
                // Neither allowed nor refused: the kitchen cannot tell now. Never waved through; answered 503, which a
                // board retries, rather than 401, which would make it forget its pairing.
                Context.Items[UnverifiableKey] = true;
                return AuthenticateResult.NoResult();
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        if (Context.Items.ContainsKey(UnverifiableKey))
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "2";
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = Context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Device cannot be checked now",
                    Detail = "The kitchen cannot look this device up right now (its database is unavailable); try again shortly.",
                },
            });
            return;
        }

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

    /// <summary>What the caller presents, and whether it came in the Authorization header.</summary>
    private static (string? Presented, bool FromHeader) Presented(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (header["Bearer ".Length..].Trim(), true);
        }

        if (request.Cookies.TryGetValue(CookieName, out var cookie) && cookie.Length > 0)
        {
            return (cookie, false);
        }

        return (request.Path.StartsWithSegments("/api/events") && request.Query.TryGetValue("access_token", out var query) ? query.ToString() : null, false);
    }

    private static Claim[] DeviceClaims(DeviceToken token) =>
    [
        new(ClaimTypes.Role, KitchenCaller.DeviceRole),
        new(KitchenCaller.DeviceClaim, token.DeviceId.ToString()),
        .. token.Station is null ? Array.Empty<Claim>() : [new(KitchenCaller.StationClaim, token.Station)],
        .. token.Role == Model.DeviceRole.Manager ? [new Claim(ClaimTypes.Role, KitchenCaller.ManagerDeviceRole)] : Array.Empty<Claim>(),
    ];

    private AuthenticateResult Success(Claim[] claims)
        => AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
}
