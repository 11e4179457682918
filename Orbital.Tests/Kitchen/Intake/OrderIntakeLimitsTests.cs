using Google.Rpc;
using Grpc.Core;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Intake;

/// <summary>
/// The limits of <c>OrderIntake</c>: whatever passes the shared validator fits the gRPC message limit and the
/// kitchen's storage, and whatever PostgreSQL refuses as data is <c>INVALID_ARGUMENT</c>, never a status the
/// sender would retry forever. Also <c>GetIntakeState</c>, which a listener without a checkpoint asks.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderIntakeLimitsTests(LocalPostgresServer postgres) : IAsyncLifetime
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
    public async Task An_item_with_the_most_modifiers_the_validator_allows_in_multibyte_text_is_stored_as_one_batch_item()
    {
        // 10 modifiers of 100 three-byte characters: 3,000 bytes, more than PostgreSQL's index row limit if the
        // batch key were the modifiers' text.
        var modifiers = Enumerable.Range(0, 10).Select(i => $"{i}{new string('€', 99)}").ToList();
        var first = Orders.Request("limits-modifiers-1");
        var second = Orders.Request("limits-modifiers-2");
        first.Stations[0].Items[0].Modifiers.AddRange(modifiers);
        second.Stations[0].Items[0].Modifiers.AddRange(Enumerable.Reverse(modifiers).Select(m => m.ToLowerInvariant()));
        Assert.Empty(OrderRequestValidator.Validate(first));

        await _client.SubmitOrderAsync(first, cancellationToken: Cancellation);
        await _client.SubmitOrderAsync(second, cancellationToken: Cancellation);

        Assert.Equal(1L, await _database.ScalarAsync<long>("SELECT count(*) FROM batch_items WHERE station = 'Grill Station' AND cardinality(modifiers) = 10"));
        Assert.Equal(4, await _database.ScalarAsync<int>("SELECT open_quantity FROM batch_items WHERE station = 'Grill Station' AND cardinality(modifiers) = 10"));
    }

    [Fact]
    public async Task An_order_of_exactly_the_size_cap_is_stored_one_byte_more_is_invalid_and_a_message_over_the_batch_limit_is_refused()
    {
        var atCap = SizedRequest("limits-at-cap", OrderLimits.MaxOrderBytes);
        var overCap = SizedRequest("limits-over-cap", OrderLimits.MaxOrderBytes + 1);
        var overMessage = SizedRequest("limits-over-message", OrderLimits.MaxBatchBytes + 1);
        Assert.Empty(OrderRequestValidator.Validate(atCap));
        Assert.Contains(OrderRequestValidator.Validate(overCap), e => e.Field == "order");

        var ack = await _client.SubmitOrderAsync(atCap, cancellationToken: Cancellation);
        var invalid = await Assert.ThrowsAsync<RpcException>(() => _client.SubmitOrderAsync(overCap, cancellationToken: Cancellation).ResponseAsync);
        var refused = await Assert.ThrowsAsync<RpcException>(() => _client.SubmitOrderAsync(overMessage, cancellationToken: Cancellation).ResponseAsync);

        Assert.False(ack.Duplicate);
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("bytes, over the limit", invalid.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Empty(await _database.OrderRowCountsAsync(["limits-over-cap", "limits-over-message"]));
    }

    [Fact]
    public async Task Data_PostgreSQL_refuses_is_INVALID_ARGUMENT_naming_the_column_and_nothing_is_stored()
    {
        // Stands for any value the validator lets through and PostgreSQL cannot store (SQLSTATE class 22 or 54).
        await _database.ExecuteAsync("""
            CREATE FUNCTION orbital_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.item_name = 'Refused Burger' THEN
                    RAISE EXCEPTION 'invalid byte sequence for encoding "UTF8": 0x00' USING ERRCODE = '22021', COLUMN = 'item_name';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER orbital_test_refuse BEFORE INSERT ON order_lines FOR EACH ROW EXECUTE FUNCTION orbital_test_refuse();
            """);

        var error = await Assert.ThrowsAsync<RpcException>(() => _client.SubmitOrderAsync(
            Orders.Request("limits-refused", ("Grill Station", "Refused Burger", 1)), cancellationToken: Cancellation).ResponseAsync);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        var next = await _client.SubmitOrderAsync(Orders.Request("limits-after-refused"), cancellationToken: Cancellation);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("item_name", violation.Field);
        Assert.Contains("SQLSTATE 22021", violation.Description, StringComparison.Ordinal);
        Assert.Empty(await _database.OrderRowCountsAsync(["limits-refused"]));
        Assert.False(next.Duplicate);
    }

    [Fact]
    public async Task The_intake_state_says_how_many_orders_the_kitchen_holds_and_which_came_last()
    {
        var empty = await _client.GetIntakeStateAsync(new IntakeStateRequest(), cancellationToken: Cancellation);
        await _client.SubmitOrderAsync(Orders.Request("limits-state-1"), cancellationToken: Cancellation);
        var second = Orders.Request("limits-state-2");
        var ack = await _client.SubmitOrderAsync(second, cancellationToken: Cancellation);

        var state = await _client.GetIntakeStateAsync(new IntakeStateRequest(), cancellationToken: Cancellation);

        Assert.Equal(0, empty.OrderCount);
        Assert.Null(empty.LatestReceivedAt);
        Assert.Equal(2, state.OrderCount);
        Assert.Equal("limits-state-2", state.LatestOrderId);
        Assert.Equal(ack.AcceptedAt, state.LatestReceivedAt);
        Assert.Equal(second.SourceId, state.LatestSourceId);
    }

    /// <summary>A valid order whose serialized size is exactly <paramref name="bytes"/>, padded with item notes.</summary>
    private static OrderRequest SizedRequest(string orderId, int bytes)
    {
        var request = Orders.Request(orderId);
        request.Stations.Clear();
        OrderItem Add()
        {
            if (request.Stations.Count == 0 || request.Stations[^1].Items.Count == OrderLimits.MaxItemsPerStation)
            {
                request.Stations.Add(new StationOrder { Station = $"Station {request.Stations.Count}" });
            }

            var station = request.Stations[^1];
            var item = new OrderItem { LineId = $"{request.Stations.Count}-{station.Items.Count}", Name = "Burger", Quantity = 1 };
            station.Items.Add(item);
            return item;
        }

        while (request.CalculateSize() + 1_000 < bytes)
        {
            Add().Note = new string('n', OrderLimits.MaxNoteLength);
        }

        // Then one character at a time; a length prefix that grows a byte is given back by a full note.
        var last = Add();
        for (var step = 0; step < 10_000 && request.CalculateSize() != bytes; step++)
        {
            if (request.CalculateSize() > bytes)
            {
                request.Stations[0].Items[0].Note = request.Stations[0].Items[0].Note[..^1];
            }
            else if (last.Note.Length < OrderLimits.MaxNoteLength)
            {
                last.Note += "n";
            }
            else
            {
                last = Add();
            }
        }

        Assert.Equal(bytes, request.CalculateSize());
        return request;
    }
}
