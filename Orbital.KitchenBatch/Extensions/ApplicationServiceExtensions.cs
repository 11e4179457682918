using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Apis;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Events;
using Orbital.KitchenBatch.Idempotency;
using Orbital.KitchenBatch.Security;
using Orbital.KitchenBatch.Services;

namespace Orbital.KitchenBatch.Extensions;

public static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<KitchenDbContext>(
            "kitchen",
            settings =>
            {
                // Writes run in explicit transactions and failures surface as UNAVAILABLE / 503 to callers that
                // retry; an execution strategy retrying underneath them would only double the waiting.
                settings.DisableRetry = true;
                settings.ConnectionString = WithPoolLimit(settings.ConnectionString);

                // An intake has a few named spans of its own (KitchenTelemetry); a span per SQL command is for
                // looking into one.
                settings.DisableTracing = !builder.Configuration.GetValue(KitchenTelemetry.DatabaseCommandSpansKey, defaultValue: false);
            },
            options => options.UseSnakeCaseNamingConvention());

        builder.Services.AddSingleton<KitchenSchemaState>();
        builder.Services.AddSingleton<OpenQuantityCache>();
        builder.Services.AddSingleton<KitchenTelemetry>();
        builder.Services.AddHostedService<KitchenSchemaMigrator>();
        builder.Services.AddHealthChecks().AddCheck<KitchenSchemaHealthCheck>("kitchen-schema");

        // The batch cap of the shared limits is the message limit: a batch the sender filled up to it, and any order
        // that passes the validator, always fits.
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = OrderLimits.MaxBatchBytes;
            grpc.Interceptors.Add<IntakeKeyInterceptor>();
        });
        builder.Services.AddScoped<KitchenEventOutbox>();
        builder.Services.AddScoped<KitchenTransactions>();
        builder.Services.AddOptions<KitchenIntakeOptions>().BindConfiguration(KitchenIntakeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<KitchenSurplusOptions>().BindConfiguration(KitchenSurplusOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<OrderReadiness>();
        builder.Services.AddScoped<NewOrderWriter>();
        builder.Services.AddScoped<KitchenOrderIntake>();
        builder.Services.AddScoped<BatchItemService>();
        builder.Services.AddScoped<KitchenQueries>();

        builder.Services.AddOptions<KitchenEventOptions>().BindConfiguration(KitchenEventOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<KitchenEventSignal>();
        builder.Services.AddSingleton<KitchenEventReader>();
        builder.Services.AddSingleton<KitchenEventStream>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KitchenEventStream>());
        builder.Services.AddSingleton<KitchenEventFeed>();

        // Screens' streams end when the kitchen stops (KitchenEventFeed), so the promised grace period holds.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));

        builder.Services.AddOptions<KitchenAuthOptions>().BindConfiguration(KitchenAuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<KitchenLimitsOptions>().BindConfiguration(KitchenLimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<DeviceTokenCodec>();
        builder.Services.AddSingleton<DeviceRegistry>();
        builder.Services.AddScoped<DeviceService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeviceRegistry>());
        builder.Services.AddSingleton<EventStreamLimiter>();
        builder.Services.AddSingleton<IntakeKeyInterceptor>();
        builder.Services.AddHostedService<KitchenEventRetention>();
        builder.Services.AddHostedService<SurplusExpiryService>();
        builder.Services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<IdempotencyStore>();
        builder.Services.AddHostedService<IdempotencyKeyPruning>();
        builder.Services.AddHealthChecks().AddCheck<KitchenAuthHealthCheck>("kitchen-auth");
        builder.Services.AddAuthentication(KitchenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, KitchenAuthenticationHandler>(KitchenAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(DevicesApi.ManagerPolicy, policy => policy.RequireRole(KitchenCaller.ManagerRole));
        builder.Services.AddKitchenRateLimits();

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<KitchenExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(json => json.SerializerOptions.PropertyNamingPolicy = KitchenJson.Options.PropertyNamingPolicy);
        builder.Services.AddOpenApi();

        return builder;
    }

    /// <summary>
    /// Hundreds of screens reconnecting at once each read their replay from the database; past a pool of this size
    /// they wait their turn for a connection (briefly) instead of exhausting the server's own connection limit
    /// (100 by default), which would refuse everyone, intake included. A connection string that sets its own wins.
    /// </summary>
    private static string? WithPoolLimit(string? connectionString)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return connectionString;
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Pool Size", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxPoolSize = 40;
        }

        return builder.ConnectionString;
    }
}
