using Microsoft.Extensions.DependencyInjection;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Intake;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Intake;

/// <summary>
/// Before it says it is ready, the kitchen rehearses intake on each connection it keeps open when quiet (PostgreSQL
/// prepares the intake function once per session): those connections stay open, and nothing of the rehearsals is
/// stored or reaches a screen.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IntakeRehearsalTests(LocalPostgresServer postgres)
{
    private const int Warm = 6;

    [Fact]
    public async Task A_started_kitchen_keeps_its_rehearsed_connections_open_and_stores_nothing_of_the_rehearsals()
    {
        await using var kitchen = await KitchenAppFactory.StartAsync(postgres, builder =>
            builder.UseSetting("Kitchen:Limits:WarmDatabaseConnections", Warm.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var database = kitchen.Database;
        // The connection that listens for commits opens on its own schedule, not the schema's.
        var notifications = kitchen.Services.GetRequiredService<KitchenEventNotifications>();
        await Eventually.HoldsAsync(() => Task.FromResult(notifications.IsListening), "the kitchen listens for commits");

        // The warm connections, besides the one that listens for commits and this one.
        var open = await database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        Assert.True(open >= Warm + 1, $"{open} connections are open; {Warm} warm ones and the listening one were expected");

        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM orders"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM order_lines"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM batch_items"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM kitchen_events"));
        Assert.True(kitchen.Services.GetServices<ISchemaReadyListener>().OfType<IntakeRehearsal>().Single().Completed, "the rehearsal went through intake");
    }
}
