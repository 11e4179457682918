using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Writes a health report as JSON: the overall status and, per check, its status and description. The details
/// (which name hosts, ports and errors) go only to callers on this machine or presenting the details key
/// (<c>Health:DetailsKey</c>, which the AppHost sets to a secret parameter of its own, <c>health-details-key</c>); anyone else gets the status.
/// Exceptions are reduced to their message; stack traces stay in the logs.
/// </summary>
public static class HealthReportWriter
{
    /// <summary>The configuration key of the secret that unlocks the details for remote callers.</summary>
    public const string DetailsKeySetting = "Health:DetailsKey";

    // The report is JSON read by operators and probes, never embedded in HTML: keep quotes and apostrophes readable.
    private static readonly JsonWriterOptions s_options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <paramref name="report"/> to the response as <c>application/json</c>.</summary>
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);

        context.Response.ContentType = "application/json; charset=utf-8";
        if (!MayReadDetails(context))
        {
            await context.Response.WriteAsync($$"""{"status":"{{report.Status}}"}""", context.RequestAborted);
            return;
        }

        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer, s_options))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteString("description", entry.Description ?? entry.Exception?.Message);
                if (entry.Data.Count > 0)
                {
                    json.WriteStartObject("data");
                    foreach (var (key, value) in entry.Data)
                    {
                        WriteValue(json, key, value);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted);
    }

    /// <summary>A caller on this machine (the orchestrator, an operator's shell), or one that presents the details key.</summary>
    private static bool MayReadDetails(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null || System.Net.IPAddress.IsLoopback(remote))
        {
            return true;
        }

        var key = context.RequestServices.GetService<Microsoft.Extensions.Configuration.IConfiguration>()?[DetailsKeySetting];
        var header = context.Request.Headers.Authorization.ToString();
        // Both sides hashed first: FixedTimeEquals is constant-time only for equal lengths, and the length of the key
        // must not leak either.
        return !string.IsNullOrEmpty(key)
               && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
               && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                   System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim())),
                   System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>Times as ISO 8601, numbers as numbers, everything else as its invariant text.</summary>
    private static void WriteValue(Utf8JsonWriter json, string key, object value)
    {
        switch (value)
        {
            case DateTimeOffset time:
                json.WriteString(key, time);
                break;
            case DateTime time:
                json.WriteString(key, time);
                break;
            case bool flag:
                json.WriteBoolean(key, flag);
                break;
            case int or long or double:
                json.WriteNumber(key, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }
}
