using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// Before the kitchen says it is ready, a made-up order goes through intake and is rolled back
/// (<see cref="NewOrderReceiver.RehearseAsync"/>): measured, the first order after a start otherwise took a few hundred
/// milliseconds longer than the next, compiling what it was the first to use. PostgreSQL prepares the intake function
/// once per session, so the rehearsal runs on each of the connections the pool keeps open when quiet
/// (<see cref="KitchenLimitsOptions.WarmDatabaseConnections"/>), after the connections opened while the schema was
/// being made ready are closed: the pool hands out its idle connections in turn, and each of them would otherwise
/// cost the first order it carries tens of milliseconds. A rehearsal that fails is logged and the kitchen starts
/// anyway: it costs the first orders time, nothing else.
/// </summary>
public sealed partial class IntakeRehearsal(IServiceScopeFactory scopes, ILogger<IntakeRehearsal> logger) : ISchemaReadyListener
{
    /// <summary>Whether the last rehearsal went all the way through (nothing depends on it but the first order's time).</summary>
    public bool Completed { get; private set; }

    public async Task OnSchemaReadyAsync(KitchenDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var held = new List<AsyncServiceScope>();
        try
        {
            try
            {
                // Idle connections opened before the function existed (migrations, health checks) are closed; the
                // ones in use are closed when they come back.
                var connection = (NpgsqlConnection)db.Database.GetDbConnection();
                NpgsqlConnection.ClearPool(connection);

                // As many as the pool keeps (which the connection string may set itself), and always fewer than it may
                // open. Each rehearsal keeps its connection until all are done, so that each runs on one of its own.
                var pool = new NpgsqlConnectionStringBuilder(connection.ConnectionString);
                var warm = Math.Clamp(pool.MinPoolSize, 1, Math.Max(1, pool.MaxPoolSize - 1));
                for (var i = 0; i < warm; i++)
                {
                    var scope = scopes.CreateAsyncScope();
                    held.Add(scope);
                    await scope.ServiceProvider.GetRequiredService<KitchenDbContext>().Database.OpenConnectionAsync(cancellationToken);
                    await scope.ServiceProvider.GetRequiredService<NewOrderReceiver>().RehearseAsync(cancellationToken);
                }

                // And once the way a call's new orders go (intake, then the grouping with other calls'), on one of them.
                await ReleaseAsync(held);
                await using var call = scopes.CreateAsyncScope();
                Completed = await call.ServiceProvider.GetRequiredService<KitchenOrderIntake>().RehearseAsync([OrderChange.Of(NewOrderReceiver.RehearsalRequest())], cancellationToken) is not null;
                if (!Completed)
                {
                    LogRehearsalIncomplete(logger);
                }
            }
            finally
            {
                await ReleaseAsync(held);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Completed = false;
            LogRehearsalFailed(logger, ex);
        }
    }

    private static async Task ReleaseAsync(List<AsyncServiceScope> scopes)
    {
        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }

        scopes.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The intake rehearsal did not receive its made-up order in one round trip; the first orders may take longer")]
    private static partial void LogRehearsalIncomplete(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The intake rehearsal failed; the first orders will take longer")]
    private static partial void LogRehearsalFailed(ILogger logger, Exception exception);
}
