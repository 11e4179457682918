using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Intake;

/// <summary>
/// <c>OrderIntake.SubmitOrders</c>: many orders and changes in one call and one transaction, each answered on its
/// own, in order; a change PostgreSQL refuses is refused alone.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrderBatchIntakeTests(LocalPostgresServer postgres) : IAsyncLifetime
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
    public async Task A_batch_applies_each_change_in_order_and_answers_each_on_its_own()
    {
        var first = Request("batch-a", 10, ("Grill Station", "Burger", 2));
        var second = Request("batch-b", 10, ("Fry Station", "Fries", 1));
        var lowered = Request("batch-a", 20, ("Grill Station", "Burger", 1));
        var invalid = Request("batch-bad", 10, ("Grill Station", "Burger", 0));
        var eventsBefore = await _database.LastEventIdAsync();

        var results = (await SubmitAsync(
            Item(first),
            Item(second),
            Item(lowered),
            Item(new OrderCancellation { OrderId = "batch-b", Revision = 20 }),
            Item(invalid),
            Item(first))).Results;

        Assert.Equal(6, results.Count);
        Assert.Equal((false, false), (results[0].Ack.Duplicate, results[0].Ack.Changed));
        Assert.False(results[1].Ack.Duplicate);
        Assert.True(results[2].Ack.Changed);
        Assert.True(results[3].Ack.Changed);
        Assert.Null(results[4].Ack);
        Assert.Contains(results[4].Invalid, v => v.Field.EndsWith(".quantity", StringComparison.Ordinal));
        Assert.True(results[5].Ack.Duplicate);
        Assert.Equal([("Grill Station", "Burger", 1, Array.Empty<string>())], await _database.LinesOfAsync("batch-a"));
        Assert.Empty(await _database.LinesOfAsync("batch-b"));
        Assert.Equal("Cancelled", await _database.ScalarAsync<string>("SELECT status FROM orders WHERE order_id = 'batch-b'"));
        Assert.Empty(await _database.OrderRowCountsAsync(["batch-bad"]));
        var orderEvents = (await _database.EventsAfterAsync(eventsBefore)).Where(e => e.Type.StartsWith("order.", StringComparison.Ordinal)).ToList();
        Assert.Equal(["order.received", "order.received", "order.updated", "order.cancelled"], orderEvents.Select(e => e.Type));
        Assert.Equal("batch-a", JsonDocument.Parse(orderEvents[2].Payload).RootElement.GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task A_batch_of_hundreds_of_new_orders_is_stored_once_with_their_demand()
    {
        var requests = Enumerable.Range(0, 400).Select(i => Request($"batch-many-{i:D3}", 10, ("Batch Grill", "Burger", 1 + (i % 3)), ("Batch Fry", "Fries", 1))).ToList();

        var results = (await SubmitAsync([.. requests.Select(Item)])).Results;
        var again = (await SubmitAsync([.. requests.Take(50).Select(Item)])).Results;

        Assert.All(results, r => Assert.False(r.Ack.Duplicate));
        Assert.All(again, r => Assert.True(r.Ack.Duplicate));
        Assert.Equal(400, (await _database.OrderRowCountsAsync([.. requests.Select(r => r.OrderId)])).Count);
        Assert.Equal(requests.Sum(r => r.Stations[0].Items[0].Quantity), await _database.ScalarAsync<int>("SELECT open_quantity FROM batch_items WHERE station = 'Batch Grill'"));
        Assert.Equal(400, await _database.ScalarAsync<int>("SELECT open_quantity FROM batch_items WHERE station = 'Batch Fry'"));
    }

    [Fact]
    public async Task A_change_PostgreSQL_refuses_is_refused_alone_and_the_rest_of_the_batch_is_stored()
    {
        // Stands for any value the validator lets through and PostgreSQL cannot store (SQLSTATE class 22 or 54).
        await _database.ExecuteAsync("""
            CREATE FUNCTION orbital_test_refuse_batch() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.item_name = 'Refused Burger' THEN
                    RAISE EXCEPTION 'invalid byte sequence for encoding "UTF8": 0x00' USING ERRCODE = '22021', COLUMN = 'item_name';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER orbital_test_refuse_batch BEFORE INSERT ON order_lines FOR EACH ROW EXECUTE FUNCTION orbital_test_refuse_batch();
            """);

        var results = (await SubmitAsync(
            Item(Request("batch-before-refused", 10, ("Grill Station", "Burger", 1))),
            Item(Request("batch-refused", 10, ("Grill Station", "Refused Burger", 1))),
            Item(Request("batch-after-refused", 10, ("Grill Station", "Burger", 1))))).Results;

        Assert.NotNull(results[0].Ack);
        Assert.Equal("item_name", Assert.Single(results[1].Invalid).Field);
        Assert.NotNull(results[2].Ack);
        Assert.Equal(["batch-after-refused", "batch-before-refused"], (await _database.OrderRowCountsAsync(["batch-before-refused", "batch-refused", "batch-after-refused"])).Keys.Order());
    }

    [Fact]
    public async Task A_batch_over_the_item_limit_is_refused_whole()
    {
        var items = Enumerable.Range(0, OrderLimits.MaxBatchItems + 1).Select(i => Item(Request($"batch-over-{i}", 10, ("Grill Station", "Burger", 1)))).ToArray();

        var refused = await Assert.ThrowsAsync<RpcException>(() => SubmitAsync(items));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Empty(await _database.OrderRowCountsAsync(["batch-over-0"]));
    }

    [Fact]
    public async Task A_rehearsal_is_answered_as_the_batch_would_be_and_stores_nothing()
    {
        var eventsBefore = await _database.LastEventIdAsync();
        var rehearsal = new OrderBatch();
        rehearsal.Items.Add(Item(Request("batch-rehearsed", 10, ("Rehearsal Grill", "Burger", 2))));
        rehearsal.Items.Add(Item(Request("batch-rehearsed-invalid", 10, ("Rehearsal Grill", "Burger", 0))));

        var results = (await _client.RehearseOrdersAsync(rehearsal, cancellationToken: Cancellation)).Results;

        Assert.Equal(2, results.Count);
        Assert.Equal(("batch-rehearsed", false, false), (results[0].Ack.OrderId, results[0].Ack.Duplicate, results[0].Ack.Changed));
        Assert.Contains(results[1].Invalid, v => v.Field.EndsWith(".quantity", StringComparison.Ordinal));
        Assert.Empty(await _database.OrderRowCountsAsync(["batch-rehearsed"]));
        Assert.Equal(0, await _database.ScalarAsync<long>("SELECT count(*) FROM batch_items WHERE station = 'Rehearsal Grill'"));
        Assert.Empty(await _database.EventsAfterAsync(eventsBefore));

        // The order itself, sent for real afterwards, is new to the kitchen.
        var stored = (await SubmitAsync(Item(Request("batch-rehearsed", 10, ("Rehearsal Grill", "Burger", 2))))).Results;
        Assert.False(stored[0].Ack.Duplicate);
        Assert.Equal(2, await _database.ScalarAsync<int>("SELECT open_quantity FROM batch_items WHERE station = 'Rehearsal Grill'"));
    }

    [Fact]
    public async Task A_rehearsal_of_anything_but_new_orders_is_refused_and_changes_nothing()
    {
        await SubmitAsync(Item(Request("batch-held", 10, ("Rehearsal Fry", "Fries", 1))));
        var eventsBefore = await _database.LastEventIdAsync();

        foreach (var item in new[]
        {
            Item(Request("batch-held", 20, ("Rehearsal Fry", "Fries", 3))),
            Item(new OrderCancellation { OrderId = "batch-held", Revision = 20 }),
        })
        {
            var rehearsal = new OrderBatch();
            rehearsal.Items.Add(Item(Request("batch-rehearsed-beside", 10, ("Rehearsal Fry", "Fries", 1))));
            rehearsal.Items.Add(item);

            var refused = await Assert.ThrowsAsync<RpcException>(async () => await _client.RehearseOrdersAsync(rehearsal, cancellationToken: Cancellation));

            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        }

        Assert.Equal([("Rehearsal Fry", "Fries", 1, Array.Empty<string>())], await _database.LinesOfAsync("batch-held"));
        Assert.Equal("Open", await _database.ScalarAsync<string>("SELECT status FROM orders WHERE order_id = 'batch-held'"));
        Assert.Empty(await _database.OrderRowCountsAsync(["batch-rehearsed-beside"]));
        Assert.Empty(await _database.EventsAfterAsync(eventsBefore));
    }

    private async Task<OrderBatchResult> SubmitAsync(params OrderBatchItem[] items)
    {
        var batch = new OrderBatch();
        batch.Items.AddRange(items);
        return await _client.SubmitOrdersAsync(batch, cancellationToken: Cancellation);
    }

    private static OrderBatchItem Item(OrderRequest request) => new() { Order = request };

    private static OrderBatchItem Item(OrderCancellation cancellation) => new() { Cancellation = cancellation };

    private static OrderRequest Request(string orderId, ulong revision, params (string Station, string Item, int Quantity)[] lines)
    {
        var request = Orders.Request(orderId, lines);
        request.Revision = revision;
        return request;
    }
}
