using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orbital.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Orbital service shares: service discovery, resilience, health checks and OpenTelemetry.
/// </summary>
public static class Extensions
{
    /// <summary>The readiness endpoint: every dependency check must pass.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>The liveness endpoint: only checks tagged <c>live</c> run.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Configuration: whether calls no trace asked for (polling) are traced too; false by default.</summary>
    public const string TraceBackgroundCallsKey = "Orbital:Telemetry:TraceBackgroundCalls";

    /// <summary>The tag of checks that say the process itself is responsive.</summary>
    public const string LiveTag = "live";

    /// <summary>How long a service has to stop cleanly once asked to (SIGTERM, Ctrl+C, a rolling deploy).</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Adds service discovery, standard resilience on HTTP clients, health checks and OpenTelemetry.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();

        builder.AddDefaultHealthChecks();

        // The grace period the product promises for a clean stop: the order service checkpoints what the kitchen
        // acknowledged, and the kitchen ends screens' streams (they reconnect elsewhere) within it.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);

        // Time is injected wherever it matters, so that tests can move it.
        builder.Services.TryAddSingleton(TimeProvider.System);

        // Every retry loop of the service waits by the same policy (section Backoff).
        builder.Services.AddBackoff();

        builder.Services.AddServiceDiscovery();

        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>Logs, metrics and traces through OpenTelemetry; exported over OTLP when an endpoint is configured.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Orbital.*");
            })
            .WithTracing(tracing =>
            {
                // Polling (getMore awaiting changes, quiet checkpoints, the event stream's table reads) would bury
                // the orders' traces; Orbital:Telemetry:TraceBackgroundCalls=true records it too.
                tracing.SetSampler(BackgroundCallSampler.For(builder.Configuration.GetValue(TraceBackgroundCallsKey, defaultValue: false)))
                    .AddSource(builder.Environment.ApplicationName)
                    .AddSource("Orbital.*")
                    .AddAspNetCoreInstrumentation(aspNetCore =>
                        // Probes would drown the traces an operator is looking for.
                        aspNetCore.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                    .AddHttpClientInstrumentation();
            });

        builder.AddOpenTelemetryExporters();

        return builder;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var useOtlpExporter = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

        if (useOtlpExporter)
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Adds the <c>self</c> liveness check; dependency checks are added by the integrations.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (readiness: every check) and <c>/alive</c> (liveness: checks tagged <c>live</c>).
    /// Both answer JSON with each check's status and description, so an operator reads what a service waits for.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions
        {
            ResponseWriter = HealthReportWriter.WriteAsync,
        });

        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });

        return app;
    }
}
