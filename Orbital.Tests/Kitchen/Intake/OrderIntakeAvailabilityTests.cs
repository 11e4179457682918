using Grpc.Core;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Intake;

/// <summary>When PostgreSQL cannot take an order the kitchen says UNAVAILABLE, so the sender holds it and retries.</summary>
public sealed class OrderIntakeAvailabilityTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Orders_are_refused_with_UNAVAILABLE_after_PostgreSQL_goes_down()
    {
        await using var postgres = new LocalPostgresServer();
        await postgres.InitializeAsync();
        await using var kitchen = await KitchenAppFactory.StartAsync(postgres);
        var client = kitchen.CreateIntakeClient();
        var accepted = await client.SubmitOrderAsync(Orders.Request("availability-before"), cancellationToken: Cancellation);

        await postgres.StopAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => client.SubmitOrderAsync(Orders.Request("availability-after"), cancellationToken: Cancellation).ResponseAsync);

        Assert.False(accepted.Duplicate);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("unavailable", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Orders_are_refused_with_UNAVAILABLE_while_the_schema_cannot_be_applied()
    {
        await using var kitchen = new KitchenAppFactory("Host=127.0.0.1;Port=1;Username=postgres;Password=x;Database=kitchen;Timeout=2");
        kitchen.StartServer();
        var client = kitchen.CreateIntakeClient();

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SubmitOrderAsync(Orders.Request("availability-no-schema"), cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("not ready", error.Status.Detail, StringComparison.Ordinal);
    }
}
