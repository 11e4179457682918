using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using MongoDB.Driver.Core.Configuration;
using Orbital.ServiceDefaults.MongoDB;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers a MongoDB client the way Aspire's client integrations do (the Aspire MongoDB packages are not
/// available to us): <see cref="IMongoClient"/> and <see cref="IMongoDatabase"/> from
/// <c>ConnectionStrings:{connectionName}</c>, a ping health check, and the driver's own tracing source.
/// </summary>
public static class MongoDBClientExtensions
{
    /// <summary>
    /// Registers <see cref="IMongoClient"/> and <see cref="IMongoDatabase"/> for <paramref name="connectionName"/>.
    /// Without a connection string nothing is registered but a health check that reports the missing
    /// configuration: the service starts, and says what it needs, instead of crashing.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">The connection string's name, e.g. <c>orders</c>.</param>
    /// <param name="configureSettings">Adjusts the settings after they are bound from configuration.</param>
    /// <param name="configureClientSettings">Adjusts the driver's settings before the client is created.</param>
    /// <returns>The bound settings.</returns>
    public static MongoDBClientSettings AddMongoDBClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<MongoDBClientSettings>? configureSettings = null,
        Action<MongoClientSettings>? configureClientSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = new MongoDBClientSettings();
        var section = builder.Configuration.GetSection(MongoDBClientSettings.SectionName);
        section.Bind(settings);
        section.GetSection(connectionName).Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);

        var healthCheckName = $"mongodb-{connectionName}";
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            builder.Services.AddHealthChecks().AddCheck(
                healthCheckName,
                () => HealthCheckResult.Unhealthy(
                    $"MongoDB '{connectionName}' is not configured: set ConnectionStrings:{connectionName}."));
            return settings;
        }

        var url = MongoUrl.Create(settings.ConnectionString);
        var databaseName = string.IsNullOrEmpty(url.DatabaseName) ? settings.DefaultDatabaseName : url.DatabaseName;

        builder.Services.AddSingleton<IMongoClient>(sp =>
        {
            var clientSettings = MongoClientSettings.FromUrl(url);
            configureClientSettings?.Invoke(clientSettings);
            clientSettings.LoggingSettings ??= new LoggingSettings(sp.GetService<ILoggerFactory>());
            clientSettings.TracingOptions ??= new TracingOptions { Disabled = settings.DisableTracing };
            return new MongoClient(clientSettings);
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IMongoClient>().GetDatabase(databaseName));

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(MongoTelemetry.ActivitySourceName));
        }

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
                healthCheckName,
                sp => new MongoDBHealthCheck(sp.GetRequiredService<IMongoClient>(), connectionName, settings.HealthCheckTimeout, settings.Emulator),
                failureStatus: HealthStatus.Unhealthy,
                tags: null));
        }

        return settings;
    }
}
