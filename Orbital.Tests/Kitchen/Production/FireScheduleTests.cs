using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Schedule;
using Orbital.KitchenBatch.Stations;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Production;

/// <summary>
/// Cooking to the clock, with the kitchen's clock in the test's hand (a <see cref="FakeTimeProvider"/>, no sleeping):
/// a scheduled order stays out of "fire now" until its fire time (due − prep − the horizon), the clock tells screens
/// when it moves in and when it goes stale, and stale or finished orders are closed with a record of what was open.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FireScheduleTests(LocalPostgresServer postgres) : IAsyncLifetime
{
    // A whole minute: due times are kept to the minute.
    private static readonly DateTimeOffset s_start = WholeMinute(DateTimeOffset.UtcNow);

    private readonly FakeTimeProvider _time = new(s_start);
    private readonly string _grill = $"Grill-{Guid.NewGuid():N}"[..14];
    private KitchenAppFactory _kitchen = null!;
    private KitchenApiClient _api = null!;
    private OrderIntake.OrderIntakeClient _intake = null!;
    private KitchenDatabase _database = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _kitchen = await KitchenAppFactory.StartAsync(postgres, builder => builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(_time)));
        _intake = _kitchen.CreateIntakeClient();
        _api = new KitchenApiClient(_kitchen.CreateClient(), _intake);
        _database = new KitchenDatabase(_kitchen.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        await _kitchen.DisposeAsync();
    }

    [Fact]
    public async Task A_scheduled_order_stays_out_of_fire_now_until_its_fire_time_and_the_clock_tells_the_screens()
    {
        // Due in two hours; the default prep time is 8 minutes and the horizon 2: it fires from 1 h 50 min on.
        await SubmitAsync("scheduled", s_start, s_start.AddHours(2), quantity: 3);
        await TickAsync();

        var item = Assert.Single((await BoardAsync()).Items);
        Assert.Equal((3, 0, 0), (item.OpenQuantity, item.NowQuantity, item.ComingUpQuantity));
        Assert.Equal(s_start.AddHours(2).AddMinutes(-8), Assert.Single(item.Schedule).FireAt);

        Advance(TimeSpan.FromMinutes(89));
        Assert.Equal((0, 3), (await NowAndComingUpAsync()));

        var before = await _database.LastEventIdAsync();
        Advance(TimeSpan.FromMinutes(20));
        Assert.Equal((0, 3), (await NowAndComingUpAsync()));
        Assert.Empty(await ClockEventsAfterAsync(before));

        Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await TickAsync();
        Assert.Equal((3, 0), (await NowAndComingUpAsync()));
        var announced = Assert.Single(await ClockEventsAfterAsync(before));
        Assert.Equal(3, announced.GetProperty("nowQuantity").GetInt32());
    }

    [Fact]
    public async Task An_order_long_past_its_due_time_leaves_fire_now_as_stale_and_a_manager_closes_it_on_the_record()
    {
        await SubmitAsync("forgotten", s_start, s_start.AddMinutes(10), quantity: 2);
        await SubmitAsync("fresh", s_start.AddMinutes(35), s_start.AddMinutes(45), quantity: 1, advanceTo: s_start.AddMinutes(35));
        Advance(TimeSpan.FromSeconds(30));
        var before = await _database.LastEventIdAsync();
        Advance(TimeSpan.FromMinutes(6));
        await TickAsync();

        var board = await BoardAsync();
        var item = Assert.Single(board.Items);
        Assert.Equal((3, 1, 2), (item.OpenQuantity, item.NowQuantity, item.StaleQuantity));
        var late = Assert.Single(board.LateOrders);
        Assert.Equal(("forgotten", true, 2), (late.OrderId, late.Stale, late.OpenQuantity));
        // Whichever clock tick saw the stale moment first (the test's or the kitchen's own) announced it, once.
        Assert.Single(await ClockEventsAfterAsync(before), e => e.GetProperty("staleQuantity").GetInt32() == 2);

        var refused = await _api.Http.PostAsJsonAsync("/api/orders/forgotten/close", new { reason = "" }, Cancellation);
        var closed = await _api.Http.PostAsJsonAsync("/api/orders/forgotten/close", new { reason = "customer never came" }, Cancellation);
        var again = await _api.Http.PostAsJsonAsync("/api/orders/forgotten/close", new { reason = "customer never came" }, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var order = await OrderAsync("forgotten");
        Assert.Equal(("Closed", "customer never came", 2), (order.Status, order.CloseReason, order.ClosedOpenQuantity));
        Assert.Equal((1, 1), (Assert.Single((await BoardAsync()).Items).OpenQuantity, (await BoardAsync()).Items[0].NowQuantity));
        Assert.Contains(await _database.EventsAfterAsync(before), e => e.Type == "order.closed" && e.Payload.Contains("customer never came", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_kitchen_closes_what_stays_stale_past_the_expiry_and_the_platform_finishing_an_order_closes_it_too()
    {
        await SubmitAsync("expired", s_start, s_start.AddMinutes(10), quantity: 2);
        await SubmitAsync("picked-up", s_start, s_start.AddMinutes(20), quantity: 1);

        var finished = Request("picked-up", s_start, s_start.AddMinutes(20), quantity: 1, revision: 20);
        finished.FinishedStatus = "PickedUp";
        Assert.True((await _intake.SubmitOrderAsync(finished, cancellationToken: Cancellation)).Changed);
        Assert.True((await _intake.SubmitOrderAsync(finished, cancellationToken: Cancellation)).Duplicate);

        var pickedUp = await OrderAsync("picked-up");
        Assert.Equal(("Closed", 1), (pickedUp.Status, pickedUp.ClosedOpenQuantity));
        Assert.Contains("PickedUp", pickedUp.CloseReason, StringComparison.Ordinal);

        Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(11));
        await TickAsync();

        var expired = await OrderAsync("expired");
        Assert.Equal(("Closed", 2), (expired.Status, expired.ClosedOpenQuantity));
        Assert.StartsWith("stale", expired.CloseReason, StringComparison.Ordinal);
        Assert.Empty((await BoardAsync()).Items);
    }

    private static DateTimeOffset WholeMinute(DateTimeOffset time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private async Task<(int Now, int ComingUp)> NowAndComingUpAsync()
    {
        var item = Assert.Single((await BoardAsync()).Items);
        return (item.NowQuantity, item.ComingUpQuantity);
    }

    private async Task<List<JsonElement>> ClockEventsAfterAsync(long id)
        => [.. (await _database.EventsAfterAsync(id)).Where(e => e.Type == "batch.updated").Select(e => JsonDocument.Parse(e.Payload).RootElement)];

    private void Advance(TimeSpan by) => _time.Advance(by);

    private async Task TickAsync() => await _kitchen.Services.GetRequiredService<KitchenClockService>().TickAsync(Cancellation);

    private async Task<StationBoardView> BoardAsync()
        => (await _api.Http.GetFromJsonAsync<StationBoardView>($"/api/stations/{Uri.EscapeDataString(_grill)}/board", KitchenJson.Options, Cancellation))!;

    private async Task<OrderProgressView> OrderAsync(string orderId)
        => (await _api.Http.GetFromJsonAsync<OrderProgressView>($"/api/orders/{Uri.EscapeDataString(orderId)}", KitchenJson.Options, Cancellation))!;

    private async Task SubmitAsync(string orderId, DateTimeOffset placedAt, DateTimeOffset dueAt, int quantity, DateTimeOffset? advanceTo = null)
    {
        if (advanceTo is { } to)
        {
            _time.SetUtcNow(to);
        }

        await _intake.SubmitOrderAsync(Request(orderId, placedAt, dueAt, quantity, revision: 10), cancellationToken: Cancellation);
    }

    private OrderRequest Request(string orderId, DateTimeOffset placedAt, DateTimeOffset dueAt, int quantity, ulong revision)
    {
        var request = Orders.Request(orderId, (_grill, "Smash patty", quantity));
        request.PlacedAt = Timestamp.FromDateTimeOffset(placedAt);
        request.DueAt = Timestamp.FromDateTimeOffset(dueAt);
        request.Revision = revision;
        return request;
    }
}
