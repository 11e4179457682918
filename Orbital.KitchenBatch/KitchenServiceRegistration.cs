using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Analytics;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Devices;
using Orbital.KitchenBatch.Diagnostics;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Idempotency;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Intake;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Production;
using Orbital.KitchenBatch.Schedule;
using Orbital.KitchenBatch.Screens;
using Orbital.KitchenBatch.Stations;
using Orbital.KitchenBatch.Surplus;
using Orbital.ServiceDefaults.Configuration;

namespace Orbital.KitchenBatch;

public static class KitchenServiceRegistration
{
    /// <summary>Everything the kitchen runs on, feature by feature.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddInfrastructure();
        builder.Services.AddIntake();
        builder.Services.AddKitchenFeatures();
        builder.Services.AddScreens();
        builder.Services.AddDevicesAndHttp();
        return builder;
    }

    /// <summary>PostgreSQL, its schema, the write transaction with its event outbox, and the kitchen's telemetry.</summary>
    private static void AddInfrastructure(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<KitchenDbContext>(
            "kitchen",
            settings =>
            {
                // Writes run in explicit transactions and failures surface as UNAVAILABLE / 503 to callers that
                // retry; an execution strategy retrying underneath them would only double the waiting.
                settings.DisableRetry = true;
                // Read from the configuration as it is when services are registered (the pool is sized before the
                // options system runs); Kitchen:Limits:DatabaseConnections is validated like every other limit.
                settings.ConnectionString = WithPoolLimit(settings.ConnectionString, builder.Configuration.GetSection(KitchenLimitsOptions.SectionName).Get<KitchenLimitsOptions>() ?? new());

                // An intake has a few named spans of its own (KitchenTelemetry); a span per SQL command is for
                // looking into one.
                settings.DisableTracing = !builder.Configuration.GetValue(KitchenTelemetry.DatabaseCommandSpansKey, defaultValue: false);
            },
            options => options.UseSnakeCaseNamingConvention());

        builder.Services.AddSingleton<KitchenSchemaState>();
        builder.Services.AddSingleton<OpenQuantityCache>();
        builder.Services.AddSingleton<IOpenQuantitySource>(sp => sp.GetRequiredService<OpenQuantityCache>());
        builder.Services.AddSingleton<KitchenTelemetry>();
        builder.Services.AddHostedService<KitchenSchemaMigrator>();
        builder.Services.AddHealthChecks().AddCheck<KitchenSchemaHealthCheck>("kitchen-schema");
        builder.Services.AddSingleton<KitchenEventSignal>();
        builder.Services.AddSingleton<KitchenEventNotifications>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KitchenEventNotifications>());
        builder.Services.AddHealthChecks().AddCheck<KitchenEventNotifications>("kitchen-events");
        builder.Services.AddScoped<KitchenEventOutbox>();
        builder.Services.AddScoped<KitchenTransactions>();
    }

    /// <summary>The gRPC intake: its interceptors (the intake key, then how failures answer) and the intake itself.</summary>
    private static void AddIntake(this IServiceCollection services)
    {
        // The batch cap of the shared limits is the message limit: a batch the sender filled up to it, and any order
        // that passes the validator, always fits.
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = OrderLimits.MaxBatchBytes;
            grpc.Interceptors.Add<IntakeKeyInterceptor>();
            grpc.Interceptors.Add<IntakeErrorInterceptor>();
        });
        services.AddSingleton<IntakeKeyInterceptor>();
        services.AddSingleton<IntakeErrorInterceptor>();
        services.AddOptions<KitchenIntakeOptions>().BindConfiguration(KitchenIntakeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<NewOrderWriter>();
        services.AddScoped<NewOrderReceiver>();
        services.AddSingleton<NewOrderQueue>();
        services.AddSingleton<ISchemaReadyListener, IntakeRehearsal>();
        services.AddSingleton<IntakeRules>();
        services.AddScoped<KitchenOrderIntake>();
    }

    /// <summary>Batches, orders, surplus and the stations' boards.</summary>
    private static void AddKitchenFeatures(this IServiceCollection services)
    {
        services.AddOptions<KitchenScheduleOptions>().BindConfiguration(KitchenScheduleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KitchenProductionOptions>().BindConfiguration(KitchenProductionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FireSchedule>();
        services.AddSingleton<ProductionCatalog>();
        services.AddSingleton<ISchemaReadyListener>(sp => sp.GetRequiredService<ProductionCatalog>());
        services.AddHostedService<ProductionCatalogRefresh>();
        services.AddScoped<ProductionService>();
        services.AddOptions<KitchenAnalyticsOptions>().BindConfiguration(KitchenAnalyticsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<KitchenAnalytics>();
        services.AddHostedService<MeasurementRetention>();
        services.AddScoped<OrderClosingService>();
        services.AddSingleton<KitchenClockService>();
        services.AddHostedService(sp => sp.GetRequiredService<KitchenClockService>());
        services.AddScoped<OrderReadiness>();
        services.AddScoped<BatchItemService>();
        services.AddScoped<BatchQueries>();
        services.AddScoped<OrderQueries>();
        services.AddOptions<KitchenSurplusOptions>().BindConfiguration(KitchenSurplusOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<SurplusQueries>();
        services.AddScoped<SurplusService>();
        services.AddHostedService<SurplusExpiryService>();
        services.AddScoped<StationQueries>();
    }

    /// <summary>The screens' event stream: dispatch, per-screen feeds, their limits, and the events' retention.</summary>
    private static void AddScreens(this IServiceCollection services)
    {
        services.AddOptions<KitchenEventOptions>().BindRenamedSection(KitchenEventOptions.SectionName, KitchenEventOptions.FormerSectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<KitchenEventReader>();
        services.AddSingleton<KitchenEventDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<KitchenEventDispatcher>());
        services.AddSingleton<ISchemaReadyListener>(sp => sp.GetRequiredService<KitchenEventDispatcher>());
        services.AddSingleton<KitchenEventFeed>();
        services.AddSingleton<EventStreamLimiter>();
        services.AddHostedService<KitchenEventRetention>();
    }

    /// <summary>Devices and their tokens, the kitchen's keys, and what every HTTP endpoint shares: limits, idempotency, problems.</summary>
    private static void AddDevicesAndHttp(this IServiceCollection services)
    {
        services.AddOptions<KitchenAuthOptions>().BindConfiguration(KitchenAuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KitchenLimitsOptions>().BindConfiguration(KitchenLimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DeviceTokenCodec>();
        services.AddSingleton<DeviceRegistry>();
        services.AddScoped<DeviceService>();
        services.AddHostedService(sp => sp.GetRequiredService<DeviceRegistry>());
        services.AddOptions<IdempotencyOptions>().BindConfiguration(IdempotencyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<IdempotencyStore>();
        services.AddHostedService<IdempotencyKeyPruning>();
        services.AddHealthChecks().AddCheck<KitchenAuthHealthCheck>("kitchen-auth");
        services.AddAuthentication(KitchenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, KitchenAuthenticationHandler>(KitchenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(DevicesApi.ManagerPolicy, policy => policy.RequireRole(KitchenCaller.ManagerRole))
            .AddPolicy(DevicesApi.AnalyticsPolicy, policy => policy.RequireRole(KitchenCaller.ManagerRole, KitchenCaller.ManagerDeviceRole));
        services.AddKitchenRateLimits();

        services.AddProblemDetails();
        services.AddExceptionHandler<KitchenExceptionHandler>();
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(json => json.SerializerOptions.PropertyNamingPolicy = KitchenJson.Options.PropertyNamingPolicy);
        services.AddOpenApi();
    }

    /// <summary>
    /// Caps the connection pool at <see cref="KitchenLimitsOptions.DatabaseConnections"/>, keeps
    /// <see cref="KitchenLimitsOptions.WarmDatabaseConnections"/> of them open when quiet, and keeps what a connection
    /// has when it goes back to the pool, unless the connection string says otherwise. No kitchen connection leaves
    /// session state behind (the one that LISTENs is outside the pool), so the reset (<c>DISCARD ALL</c>, sent before
    /// the next command) would only cost the server work on every intake and throw away PL/pgSQL's cached plans.
    /// </summary>
    private static string? WithPoolLimit(string? connectionString, KitchenLimitsOptions limits)
    {
        if (string.IsNullOrEmpty(connectionString))
        {
            return connectionString;
        }

        // What the connection string sets itself, by any of the names Npgsql takes ("Max Pool Size", "MaxPoolSize", ...).
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Select(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet();
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Overlaps(["MAXPOOLSIZE", "MAXIMUMPOOLSIZE"]))
        {
            builder.MaxPoolSize = limits.DatabaseConnections;
        }

        if (!given.Overlaps(["MINPOOLSIZE", "MINIMUMPOOLSIZE"]))
        {
            // Below the cap, so that warming them (IntakeRehearsal) always leaves one for everything else.
            builder.MinPoolSize = Math.Min(limits.WarmDatabaseConnections, builder.MaxPoolSize - 1);
        }

        if (!given.Overlaps(["NORESETONCLOSE"]))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }
}
