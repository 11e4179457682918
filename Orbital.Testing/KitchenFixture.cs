using Orbital.Contracts.Orders;

namespace Orbital.Testing;

/// <summary>One in-process kitchen with its own database, shared by a test class; tests use their own station names.</summary>
public sealed class KitchenFixture(LocalPostgresServer postgres) : IAsyncLifetime
{
    public KitchenAppFactory Kitchen { get; private set; } = null!;

    public OrderIntake.OrderIntakeClient Intake { get; private set; } = null!;

    public KitchenDatabase Database { get; private set; } = null!;

    public string ConnectionString => Kitchen.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        Kitchen = await KitchenAppFactory.StartAsync(postgres);
        Intake = Kitchen.CreateIntakeClient();
        Database = new KitchenDatabase(ConnectionString);
    }

    public async ValueTask DisposeAsync() => await Kitchen.DisposeAsync();

    public HttpClient CreateClient() => Kitchen.CreateClient();
}
