using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Intake;

/// <summary>
/// New orders received in one round trip (<c>orbital_receive_orders</c>) leave the kitchen exactly as the full path
/// would: the batch items' schedule, brands served and oldest open order are what aggregating every open line gives,
/// and <c>batch.updated</c> carries what <see cref="BatchItemView.From"/> makes of the batch item, whatever the time.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NewOrderReceiverTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    private const string Station = "Grill Station";
    private KitchenAppFactory _kitchen = null!;
    private OrderIntake.OrderIntakeClient _client = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _kitchen = await KitchenAppFactory.StartAsync(postgres);
        _client = _kitchen.CreateIntakeClient();
    }

    public async ValueTask DisposeAsync() => await _kitchen.DisposeAsync();

    [Fact]
    public async Task New_orders_leave_the_schedule_brands_and_oldest_order_as_aggregating_the_open_lines_gives()
    {
        await MapAsync("Smash Co", "Double Smash", "Patty", multiplier: 2);
        await MapAsync("Burger Bros", "Classic", "Patty", multiplier: 1);
        var now = DateTimeOffset.UtcNow;

        // Two orders due in the same minute, two on their own: three entries in the schedule.
        var orders = new[]
        {
            Order("one-a", "Smash Co", "Double Smash", 1, now.AddMinutes(-5), now.AddMinutes(10)),
            Order("one-b", "Burger Bros", "Classic", 3, now.AddMinutes(-1), now.AddMinutes(10)),
            Order("one-c", "Smash Co", "Double Smash", 2, now.AddMinutes(-9), now.AddMinutes(45)),
            Order("one-d", "Burger Bros", "Classic", 1, now.AddMinutes(-2), now.AddMinutes(-50)),
        };
        foreach (var order in orders.Take(2))
        {
            await _client.SubmitOrderAsync(order, cancellationToken: Cancellation);
        }

        var batch = new OrderBatch();
        batch.Items.AddRange(orders.Skip(2).Select(o => new OrderBatchItem { Order = o }));
        await _client.SubmitOrdersAsync(batch, cancellationToken: Cancellation);

        await using var scope = _kitchen.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        var kept = await db.BatchItems.AsNoTracking().SingleAsync(b => b.ItemName == "Patty", Cancellation);
        var aggregated = Assert.Single(await db.RefreshDemandAsync([kept.Id], Cancellation));

        Assert.Equal(2 + 3 + 4 + 1, kept.OpenQuantity);
        Assert.Equal(Json(aggregated.Schedule), Json(kept.Schedule));
        Assert.Equal(Json(aggregated.Serves), Json(kept.Serves));
        Assert.Equal(aggregated.OldestOpenPlacedAt, kept.OldestOpenPlacedAt);
        Assert.Equal(3, kept.Schedule.Count);
        Assert.Equal([("Burger Bros", "Classic", 4), ("Smash Co", "Double Smash", 3)], kept.Serves.Select(s => (s.Brand, s.Item, s.Quantity)));
        Assert.True(kept.OldestOpenPlacedAt < now.AddMinutes(-8));
    }

    [Fact]
    public async Task A_batch_item_as_PostgreSQL_renders_it_for_screens_is_what_the_kitchen_renders_at_any_time()
    {
        await _client.SubmitOrderAsync(Order("view-a", "Brand", "Burger", 2, Minutes(-3), Minutes(1)), cancellationToken: Cancellation);
        await _client.SubmitOrderAsync(Order("view-b", "Brand", "Burger", 1, Minutes(-1), Minutes(20)), cancellationToken: Cancellation);
        await _client.SubmitOrderAsync(Order("view-c", "Brand", "Burger", 4, Minutes(-2), Minutes(-40)), cancellationToken: Cancellation);

        var options = _kitchen.Services.GetRequiredService<IOptions<KitchenScheduleOptions>>().Value;
        await using var scope = _kitchen.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        var item = await db.BatchItems.AsNoTracking().SingleAsync(b => b.ItemName == "Burger", Cancellation);
        Assert.Equal(3, item.Schedule.Count);

        // Before, inside and after each window: fire now, coming up, late and stale all change across these.
        foreach (var minutes in new[] { -120, -30, -3, 0, 2, 15, 25, 45, 90 })
        {
            var asOf = TruncateToMicroseconds(DateTimeOffset.UtcNow.AddMinutes(minutes));
            var rendered = await db.Database.SqlQuery<string>($"""
                SELECT orbital_batch_item_view(b, {asOf}, {options.FireHorizon}, {options.ComingUp()}, {options.StaleAfter})::text AS "Value"
                FROM batch_items b WHERE b.id = {item.Id}
                """).SingleAsync(Cancellation);

            var expected = BatchItemView.From(item, ScheduleWindow.At(asOf, options));
            var fromDatabase = JsonSerializer.Deserialize<BatchItemView>(rendered, KitchenJson.Options)!;
            Assert.Equal(JsonSerializer.Serialize(expected, KitchenJson.Options), JsonSerializer.Serialize(fromDatabase, KitchenJson.Options));
        }
    }

    [Fact]
    public async Task The_events_of_a_new_order_are_an_arrival_and_the_batch_item_as_screens_see_it()
    {
        var before = await _kitchen.Database.LastEventIdAsync();

        await _client.SubmitOrderAsync(Order("events-a", "Brand", "Fries", 2, Minutes(0), Minutes(12)), cancellationToken: Cancellation);

        var events = await _kitchen.Database.EventsAfterAsync(before);
        Assert.Equal(["order.received", "batch.updated"], events.Select(e => e.Type));
        var received = JsonDocument.Parse(events[0].Payload).RootElement;
        Assert.Equal(("events-a", 2, Station), (received.GetProperty("orderId").GetString(), received.GetProperty("items").GetInt32(), received.GetProperty("stations")[0].GetString()));
        var batch = JsonSerializer.Deserialize<BatchItemView>(events[1].Payload, KitchenJson.Options)!;
        Assert.Equal(("Fries", 2, 2, 0), (batch.ItemName, batch.OpenQuantity, batch.ComingUpQuantity + batch.NowQuantity, batch.LateQuantity));
        Assert.Equal(batch.Schedule[0].DueAt.AddSeconds(-batch.PrepSeconds), batch.Schedule[0].FireAt);
    }

    private static OrderRequest Order(string orderId, string brand, string item, int quantity, DateTimeOffset placedAt, DateTimeOffset dueAt)
    {
        var request = Orders.Request(orderId, (Station, item, quantity));
        request.Brand = brand;
        request.Revision = 1;
        request.PlacedAt = Timestamp.FromDateTimeOffset(placedAt);
        request.DueAt = Timestamp.FromDateTimeOffset(dueAt);
        return request;
    }

    private static DateTimeOffset Minutes(int fromNow) => DateTimeOffset.UtcNow.AddMinutes(fromNow);

    private async Task MapAsync(string brand, string item, string productionItem, int multiplier)
    {
        using var http = _kitchen.CreateHttpClient();
        (await http.PutAsJsonAsync($"/api/production-items/{productionItem}", new { station = Station, prepSeconds = 300 }, Cancellation)).EnsureSuccessStatusCode();
        (await http.PutAsJsonAsync("/api/menu-mappings", new { brand, item, productionItem, multiplier }, Cancellation)).EnsureSuccessStatusCode();
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, KitchenJson.Options);

    private static DateTimeOffset TruncateToMicroseconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % TimeSpan.TicksPerMicrosecond));
}
