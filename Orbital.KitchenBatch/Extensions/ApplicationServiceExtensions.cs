using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Services;

namespace Orbital.KitchenBatch.Extensions;

public static class ApplicationServiceExtensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDbContext<KitchenDbContext>(
            "kitchen",
            // Writes run in explicit transactions and failures surface as UNAVAILABLE / 503 to callers that
            // retry; an execution strategy retrying underneath them would only double the waiting.
            settings => settings.DisableRetry = true,
            options => options.UseSnakeCaseNamingConvention());

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<KitchenSchemaState>();
        builder.Services.AddHostedService<KitchenSchemaMigrator>();
        builder.Services.AddHealthChecks().AddCheck<KitchenSchemaHealthCheck>("kitchen-schema");

        builder.Services.AddGrpc();
        builder.Services.AddScoped<KitchenOrderIntake>();

        return builder;
    }
}
