using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Orbital.Tests.ServiceDefaults;

/// <summary>What <c>/health</c> tells whom: the status to anyone, the details (hosts, errors) only to this machine or the details key.</summary>
public sealed class HealthReportWriterTests
{
    private static readonly HealthReport s_report = new(
        new Dictionary<string, HealthReportEntry>
        {
            ["kitchen-db"] = new(HealthStatus.Unhealthy, "PostgreSQL at db.internal:5432 refused the connection", TimeSpan.FromMilliseconds(3), null, null),
        },
        TimeSpan.FromMilliseconds(3));

    [Fact]
    public async Task An_anonymous_remote_caller_gets_the_status_only()
    {
        var body = await WriteAsync(IPAddress.Parse("203.0.113.9"), authorization: null);

        Assert.Equal("""{"status":"Unhealthy"}""", body);
    }

    [Fact]
    public async Task A_remote_caller_with_a_wrong_key_gets_the_status_only()
    {
        var body = await WriteAsync(IPAddress.Parse("203.0.113.9"), authorization: "Bearer not-the-key");

        Assert.DoesNotContain("db.internal", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("203.0.113.9", "Bearer details-key-0123456789")]
    [InlineData("127.0.0.1", null)]
    [InlineData("::1", null)]
    public async Task The_details_key_or_a_local_caller_gets_the_details(string address, string? authorization)
    {
        var body = await WriteAsync(IPAddress.Parse(address), authorization);

        Assert.Contains("db.internal:5432", body, StringComparison.Ordinal);
    }

    private static async Task<string> WriteAsync(IPAddress remote, string? authorization)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(HealthReportWriter.DetailsKeySetting, "details-key-0123456789")]).Build();
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton<IConfiguration>(configuration).BuildServiceProvider(),
        };
        context.Connection.RemoteIpAddress = remote;
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        using var body = new MemoryStream();
        context.Response.Body = body;
        await HealthReportWriter.WriteAsync(context, s_report);
        return System.Text.Encoding.UTF8.GetString(body.ToArray());
    }
}
