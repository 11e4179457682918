using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Devices;

/// <summary>
/// Writes and checks device tokens: <c>v1.&lt;payload&gt;.&lt;signature&gt;</c>, both parts base64url, the payload
/// JSON (<c>{ d: device id, s: station, e: expiry in Unix seconds }</c>) and the signature its HMAC-SHA256 under a
/// key derived from the manager key. A token says who it is for; whether that device is still allowed is the
/// <see cref="DeviceRegistry"/>'s to say.
/// </summary>
public sealed class DeviceTokenCodec(IOptions<KitchenAuthOptions> options)
{
    private const string Version = "v1";
    private const string ManagerRole = "m";
    private static readonly JsonSerializerOptions s_payloadOptions = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    private static readonly byte[] s_purpose = "orbital device tokens v1"u8.ToArray();
    private readonly byte[]? _key = options.Value.ManagerKey is { Length: > 0 } managerKey
        ? HMACSHA256.HashData(Encoding.UTF8.GetBytes(managerKey), s_purpose)
        : null;

    public string Write(DeviceToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var key = _key ?? throw new InvalidOperationException($"{KitchenAuthOptions.SectionName}:ManagerKey is not set: no device token can be issued.");
        var payload = JsonSerializer.SerializeToUtf8Bytes(new Payload(token.DeviceId, token.Station, token.ExpiresAt.ToUnixTimeSeconds(), token.Role == Model.DeviceRole.Manager ? ManagerRole : null), s_payloadOptions);
        var signature = HMACSHA256.HashData(key, payload);
        return $"{Version}.{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>The token's content when it is well formed and its signature is ours; null for anything else.</summary>
    public DeviceToken? Read(string text)
    {
        if (_key is null || string.IsNullOrEmpty(text) || text.Length > 1_024)
        {
            return null;
        }

        var parts = text.Split('.');
        if (parts.Length != 3 || parts[0] != Version || !Base64Url.IsValid(parts[1]) || !Base64Url.IsValid(parts[2]))
        {
            return null;
        }

        var payload = Base64Url.DecodeFromChars(parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(_key, payload)))
        {
            return null;
        }

        try
        {
            var content = JsonSerializer.Deserialize<Payload>(payload);
            return content is null ? null : new DeviceToken(content.D, content.S, DateTimeOffset.FromUnixTimeSeconds(content.E)) { Role = content.R == ManagerRole ? Model.DeviceRole.Manager : Model.DeviceRole.Screen };
        }
        catch (Exception ex) when (ex is JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>D: the device, S: its station, E: expiry (Unix seconds), R: "m" for a manager device (absent for a screen).</summary>
    private sealed record Payload(Guid D, string? S, long E, string? R = null);
}
