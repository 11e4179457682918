using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orbital.Contracts.Orders;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Intake;

/// <summary>The <c>OrderIntake.SubmitOrder</c> contract, through the real gRPC stack and real PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderIntakeContractTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private KitchenAppFactory _kitchen = null!;
    private OrderIntake.OrderIntakeClient _client = null!;
    private KitchenDatabase _database = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _kitchen = await KitchenAppFactory.StartAsync(postgres);
        _client = _kitchen.CreateIntakeClient();
        _database = _kitchen.Database;
    }

    public async ValueTask DisposeAsync() => await _kitchen.DisposeAsync();

    [Fact]
    public async Task A_valid_order_is_stored_with_its_lines_and_acknowledged()
    {
        var request = Orders.Request("intake-valid", ("Grill Station", "Burger", 2), ("Fry Station", "Fries", 3));
        request.Stations[0].Items[0].Modifiers.Add("no onions");

        var ack = await _client.SubmitOrderAsync(request, cancellationToken: Cancellation);
        var lines = await _database.LinesOfAsync("intake-valid");

        Assert.Equal("intake-valid", ack.OrderId);
        Assert.False(ack.Duplicate);
        Assert.InRange(ack.AcceptedAt.ToDateTime(), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(
            [("Grill Station", "Burger", 2, new[] { "no onions" }), ("Fry Station", "Fries", 3, Array.Empty<string>())],
            lines.Select(l => (l.Station, l.Item, l.Quantity, l.Modifiers)));
    }

    [Fact]
    public async Task A_repeated_order_is_acknowledged_as_a_duplicate_and_stored_once()
    {
        var request = Orders.Request("intake-repeat");

        var first = await _client.SubmitOrderAsync(request, cancellationToken: Cancellation);
        var second = await _client.SubmitOrderAsync(request, cancellationToken: Cancellation);
        var rows = await _database.OrderRowCountsAsync(["intake-repeat"]);

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.AcceptedAt, second.AcceptedAt);
        Assert.Equal(1, rows["intake-repeat"]);
        Assert.Single(await _database.LinesOfAsync("intake-repeat"));
    }

    [Fact]
    public async Task Racing_deliveries_of_one_order_store_it_once()
    {
        var request = Orders.Request("intake-race", ("Grill Station", "Burger", 1), ("Grill Station", "Hot Dog", 1));

        var acks = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _client.SubmitOrderAsync(request, cancellationToken: Cancellation).ResponseAsync));

        Assert.Single(acks, a => !a.Duplicate);
        Assert.Equal(1, (await _database.OrderRowCountsAsync(["intake-race"]))["intake-race"]);
        Assert.Equal(2, (await _database.LinesOfAsync("intake-race")).Count);
    }

    public static TheoryData<string, Action<OrderRequest>> InvalidRequests => new()
    {
        { "order_id", r => r.OrderId = "" },
        { "order_id", r => r.OrderId = new string('x', 129) },
        { "brand", r => r.Brand = "  " },
        { "placed_at", r => r.PlacedAt = null },
        { "stations", r => r.Stations.Clear() },
        { "stations[0].station", r => r.Stations[0].Station = "" },
        { "stations[0].items", r => r.Stations[0].Items.Clear() },
        { "stations[0].items[0].name", r => r.Stations[0].Items[0].Name = "" },
        { "stations[0].items[0].name", r => r.Stations[0].Items[0].Name = new string('n', 201) },
        { "stations[0].items[0].quantity", r => r.Stations[0].Items[0].Quantity = 0 },
        { "stations[0].items[0].quantity", r => r.Stations[0].Items[0].Quantity = -3 },
        { "stations[0].items[0].quantity", r => r.Stations[0].Items[0].Quantity = 1000 },
        { "stations[0].items[0].line_id", r => r.Stations[0].Items[0].LineId = "" },
        { "stations[0].items[0].modifiers", r => r.Stations[0].Items[0].Modifiers.AddRange(Enumerable.Repeat("extra", 21)) },
        { "stations[0].items[0].modifiers[0]", r => r.Stations[0].Items[0].Modifiers.Add("") },
        { "stations[0].items[0].note", r => r.Stations[0].Items[0].Note = new string('n', 501) },
        { "stations[0].items[1].line_id", r => r.Stations[0].Items.Add(new OrderItem { LineId = r.Stations[0].Items[0].LineId, Name = "Fries", Quantity = 1 }) },
        { "stations[0].items[0].name", r => r.Stations[0].Items[0].Name = "Bur\0ger" },
        { "stations[0].station", r => r.Stations[0].Station = "Grill\u001bStation" },
        { "brand", r => r.Brand = "Test\u0085Restaurant" },
        { "stations[0].items[0].modifiers", r => r.Stations[0].Items[0].Modifiers.AddRange(Enumerable.Repeat(new string('m', 100), 11)) },
        { "stations[0].items[0].note", r => r.Stations[0].Items[0].Note = "well done\0" },
        { "placed_at", r => r.PlacedAt = new Timestamp { Seconds = 300_000_000_000 } },
        { "placed_at", r => r.PlacedAt = new Timestamp { Seconds = 0, Nanos = -1 } },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task An_invalid_field_is_refused_with_INVALID_ARGUMENT_naming_the_field(string field, Action<OrderRequest> breakIt)
    {
        var request = Orders.Request($"intake-invalid-{Guid.NewGuid():N}");
        breakIt(request);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.SubmitOrderAsync(request, cancellationToken: Cancellation).ResponseAsync);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.NotNull(badRequest);
        Assert.Contains(badRequest.FieldViolations, v => v.Field == field);
        Assert.Empty(await _database.OrderRowCountsAsync([request.OrderId]));
    }

    [Fact]
    public async Task A_call_that_outlives_its_deadline_fails_with_DEADLINE_EXCEEDED_and_stores_nothing()
    {
        // Another session holds the orders table, so the insert waits past the caller's deadline.
        await using var blocker = new NpgsqlConnection(_kitchen.ConnectionString);
        await blocker.OpenAsync(Cancellation);
        await using (var transaction = await blocker.BeginTransactionAsync(Cancellation))
        {
            await using (var lockOrders = new NpgsqlCommand("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE", blocker, transaction))
            {
                await lockOrders.ExecuteNonQueryAsync(Cancellation);
            }

            var error = await Assert.ThrowsAsync<RpcException>(() => _client.SubmitOrderAsync(
                Orders.Request("intake-deadline"),
                deadline: DateTime.UtcNow.AddMilliseconds(500),
                cancellationToken: Cancellation).ResponseAsync);

            Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);

            // The server has the same deadline; wait until it has given up its insert before the lock goes.
            await Eventually.HoldsAsync(
                async () => await _database.ScalarAsync<long>("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'orders'::regclass") == 0,
                "the kitchen abandoned the insert at its deadline");
            await transaction.RollbackAsync(Cancellation);
        }

        Assert.Empty(await _database.OrderRowCountsAsync(["intake-deadline"]));
        var retried = await _client.SubmitOrderAsync(Orders.Request("intake-deadline"), cancellationToken: Cancellation);
        Assert.False(retried.Duplicate);
    }

    [Fact]
    public async Task Placed_at_is_kept_as_sent()
    {
        var request = Orders.Request("intake-placed-at");
        var now = DateTime.UtcNow;
        var placedAt = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, DateTimeKind.Utc).AddHours(-2);
        request.PlacedAt = Timestamp.FromDateTime(placedAt);

        await _client.SubmitOrderAsync(request, cancellationToken: Cancellation);
        var stored = await _database.ScalarAsync<DateTime>("SELECT placed_at FROM orders WHERE order_id = $1", "intake-placed-at");

        Assert.Equal(placedAt, stored.ToUniversalTime());
    }
}
