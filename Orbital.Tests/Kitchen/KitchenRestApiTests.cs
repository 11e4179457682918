using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orbital.KitchenBatch.Batches;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Orders;
using Orbital.KitchenBatch.Stations;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen;

/// <summary>Every REST endpoint's success and error paths, against real PostgreSQL. Each test has its own stations.</summary>
[Collection(PostgresCollection.Name)]
public sealed class KitchenRestApiTests : IClassFixture<KitchenFixture>
{
    private static readonly DateTime s_now = DateTime.UtcNow;
    private readonly KitchenFixture _kitchen;
    private readonly KitchenApiClient _api;
    private readonly string _grill = Unique("Grill");
    private readonly string _fry = Unique("Fry");

    public KitchenRestApiTests(KitchenFixture kitchen)
    {
        _kitchen = kitchen;
        _api = new KitchenApiClient(kitchen.CreateClient(), kitchen.Intake);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stations_are_listed_with_their_open_quantities()
    {
        await _api.SubmitAsync(Unique("o"), s_now.AddMinutes(-5), (_grill, "Burger", 2), (_fry, "Fries", 3));
        await _api.SubmitAsync(Unique("o"), s_now.AddMinutes(-1), (_grill, "Burger", 1), (_grill, "Hot Dog", 4));

        var stations = await _api.Http.GetFromJsonAsync<List<StationView>>("/api/stations", KitchenJson.Options, Cancellation);

        var grill = Assert.Single(stations!, s => s.Station == _grill);
        var fry = Assert.Single(stations!, s => s.Station == _fry);
        Assert.Equal((7, 0, 2), (grill.OpenQuantity, grill.InProgressQuantity, grill.OpenBatchItems));
        Assert.Equal((3, 1), (fry.OpenQuantity, fry.OpenBatchItems));
    }

    [Fact]
    public async Task A_stations_batch_items_sum_every_order_oldest_first_with_modifiers_kept_apart()
    {
        await _api.SubmitAsync(Unique("o"), s_now.AddMinutes(-2), (_grill, "Burger", 2), (_grill, "Hot Dog", 1));
        await _api.SubmitAsync(Unique("o"), s_now.AddMinutes(-8), (_grill, "Hot Dog", 2));
        await _api.SubmitAsync(Unique("o"), s_now.AddMinutes(-1), ["no onions"], (_grill, "Burger", 3));
        await _api.SubmitAsync(Unique("o"), s_now.AddMinutes(-3), (_grill, "Burger", 1));

        var station = await _api.StationAsync(_grill);

        Assert.True(station.LastEventId > 0);
        Assert.Equal(
            [("Hot Dog", 3, ""), ("Burger", 3, ""), ("Burger", 3, "no onions")],
            station.Items.Select(i => (i.ItemName, i.OpenQuantity, string.Join(",", i.Modifiers))));
        Assert.Equal(s_now.AddMinutes(-8), station.Items[0].OldestOpenPlacedAt!.Value.UtcDateTime, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task An_unknown_station_is_404_with_a_problem_detail()
    {
        using var response = await _api.Http.GetAsync("/api/stations/Nowhere%20Station/batch-items", Cancellation);
        var problem = await KitchenApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Nowhere Station", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_item_lists_the_orders_it_serves_in_completion_order()
    {
        var (late, early) = (Unique("late"), Unique("early"));
        await _api.SubmitAsync(late, s_now.AddMinutes(-1), (_grill, "Burger", 2));
        await _api.SubmitAsync(early, s_now.AddMinutes(-6), (_grill, "Burger", 1));
        var burger = await _api.BatchItemAsync(_grill, "Burger");

        var detail = await _api.Http.GetFromJsonAsync<BatchItemDetailView>($"/api/batch-items/{burger.Id}", KitchenJson.Options, Cancellation);

        Assert.Equal(burger.Id, detail!.BatchItem.Id);
        Assert.Equal([(early, 1), (late, 2)], detail.Orders.Select(o => (o.OrderId, o.Quantity)));
    }

    [Theory]
    [InlineData("GET", "/api/batch-items/999999999", null)]
    [InlineData("POST", "/api/batch-items/999999999/start", """{"quantity":1}""")]
    [InlineData("POST", "/api/batch-items/999999999/complete", """{"quantity":1}""")]
    [InlineData("GET", "/api/orders/no-such-order", null)]
    public async Task Unknown_ids_are_404_with_a_problem_detail(string method, string path, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"),
        };

        using var response = await _api.Http.SendAsync(request, Cancellation);
        var problem = await KitchenApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Starting_marks_quantity_in_progress_and_starting_more_than_waits_is_409()
    {
        await _api.SubmitAsync(Unique("o"), s_now, (_grill, "Burger", 3));
        var burger = await _api.BatchItemAsync(_grill, "Burger");

        using var started = await _api.PostAsync(burger.Id, "start", new { quantity = 2 });
        var view = await started.Content.ReadFromJsonAsync<BatchItemView>(KitchenJson.Options, Cancellation);
        using var tooMany = await _api.PostAsync(burger.Id, "start", new { quantity = 2 });
        var problem = await KitchenApiClient.JsonAsync(tooMany);

        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.Equal((3, 2, 1), (view!.OpenQuantity, view.InProgressQuantity, view.WaitingQuantity));
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        Assert.Equal("Only 1 of the 3 open 'Burger' at " + _grill + " are not started yet; 2 cannot be started.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Completing_allocates_oldest_first_and_reports_the_orders_it_made_ready()
    {
        var (first, second) = (Unique("first"), Unique("second"));
        await _api.SubmitAsync(second, s_now.AddMinutes(-1), (_grill, "Burger", 2));
        await _api.SubmitAsync(first, s_now.AddMinutes(-4), (_grill, "Burger", 1), (_fry, "Fries", 1));
        var burger = await _api.BatchItemAsync(_grill, "Burger");
        var fries = await _api.BatchItemAsync(_fry, "Fries");

        using var burgers = await _api.PostAsync(burger.Id, "complete", new { quantity = 2 });
        var afterBurgers = await burgers.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        using var fried = await _api.PostAsync(fries.Id, "complete", new { quantity = 1 });
        var afterFries = await fried.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        var firstProgress = await _api.Http.GetFromJsonAsync<OrderProgressView>($"/api/orders/{first}", KitchenJson.Options, Cancellation);
        var secondProgress = await _api.Http.GetFromJsonAsync<OrderProgressView>($"/api/orders/{second}", KitchenJson.Options, Cancellation);

        Assert.Equal(HttpStatusCode.OK, burgers.StatusCode);
        Assert.Equal(1, afterBurgers.GetProperty("batchItem").GetProperty("openQuantity").GetInt32());
        Assert.Equal(0, afterBurgers.GetProperty("readyOrders").GetArrayLength());
        Assert.Equal(first, afterFries.GetProperty("readyOrders")[0].GetProperty("orderId").GetString());
        Assert.Equal(("Ready", "Open"), (firstProgress!.Status, secondProgress!.Status));
        Assert.Equal([1, 1], firstProgress.Lines.Select(l => l.CompletedQuantity));
        Assert.Equal(1, Assert.Single(secondProgress.Lines).CompletedQuantity);
        Assert.NotNull(firstProgress.ReadyAt);
    }

    [Fact]
    public async Task Completing_more_than_is_open_is_409_and_changes_nothing()
    {
        await _api.SubmitAsync(Unique("o"), s_now, (_grill, "Burger", 2));
        var burger = await _api.BatchItemAsync(_grill, "Burger");

        using var response = await _api.PostAsync(burger.Id, "complete", new { quantity = 5 });
        var problem = await KitchenApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("Only 2 'Burger' are open at " + _grill + "; 5 cannot be completed.", problem.GetProperty("detail").GetString());
        Assert.Equal(2, (await _api.BatchItemAsync(_grill, "Burger")).OpenQuantity);
    }

    [Theory]
    [InlineData("""{"quantity":0}""", "The quantity must be at least 1, was 0.")]
    [InlineData("""{"quantity":-2}""", "The quantity must be at least 1, was -2.")]
    [InlineData("""{}""", "The quantity is required.")]
    public async Task A_body_without_a_positive_quantity_is_400_naming_the_field(string body, string message)
    {
        await _api.SubmitAsync(Unique("o"), s_now, (_grill, "Burger", 2));
        var burger = await _api.BatchItemAsync(_grill, "Burger");

        foreach (var action in new[] { "start", "complete" })
        {
            using var response = await _api.Http.PostAsync($"/api/batch-items/{burger.Id}/{action}", new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);
            var problem = await KitchenApiClient.JsonAsync(response);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(message, problem.GetProperty("errors").GetProperty("quantity")[0].GetString());
        }
    }

    [Theory]
    [InlineData("""{"quantity":"two"}""")]
    [InlineData("""{"quantity":""")]
    [InlineData("not json")]
    public async Task A_body_that_is_not_valid_json_is_400_with_a_problem_detail(string body)
    {
        await _api.SubmitAsync(Unique("o"), s_now, (_grill, "Burger", 2));
        var burger = await _api.BatchItemAsync(_grill, "Burger");

        using var response = await _api.Http.PostAsync($"/api/batch-items/{burger.Id}/complete", new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);
        var problem = await KitchenApiClient.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("JSON", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await _api.BatchItemAsync(_grill, "Burger")).OpenQuantity);
    }

    [Fact]
    public async Task A_fully_cooked_batch_item_leaves_its_station_list()
    {
        await _api.SubmitAsync(Unique("o"), s_now, (_grill, "Burger", 2), (_grill, "Hot Dog", 1));
        var burger = await _api.BatchItemAsync(_grill, "Burger");

        using var response = await _api.PostAsync(burger.Id, "complete", new { quantity = 2 });

        Assert.Equal(["Hot Dog"], (await _api.StationAsync(_grill)).Items.Select(i => i.ItemName));
    }

    [Fact]
    public async Task Ready_orders_are_listed_newest_first()
    {
        var (a, b) = (Unique("ready-a"), Unique("ready-b"));
        await _api.SubmitAsync(a, s_now.AddMinutes(-2), (_grill, "Burger", 1));
        await _api.SubmitAsync(b, s_now.AddMinutes(-1), (_grill, "Burger", 1));
        var burger = await _api.BatchItemAsync(_grill, "Burger");
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 1 })).Dispose();
        (await _api.PostAsync(burger.Id, "complete", new { quantity = 1 })).Dispose();

        var ready = await _api.Http.GetFromJsonAsync<List<ReadyOrderView>>("/api/orders/ready", KitchenJson.Options, Cancellation);

        var ours = ready!.Where(r => r.OrderId == a || r.OrderId == b).Select(r => r.OrderId).ToList();
        Assert.Equal([b, a], ours);
    }

    [Fact]
    public async Task An_orders_progress_shows_each_line()
    {
        var orderId = Unique("progress");
        await _api.SubmitAsync(orderId, s_now, ["well done"], (_grill, "Burger", 2), (_fry, "Fries", 1));

        var progress = await _api.Http.GetFromJsonAsync<OrderProgressView>($"/api/orders/{orderId}", KitchenJson.Options, Cancellation);

        Assert.Equal("Open", progress!.Status);
        Assert.Equal(
            [(_grill, "Burger", 2, 0, "well done"), (_fry, "Fries", 1, 0, "well done")],
            progress.Lines.Select(l => (l.Station, l.ItemName, l.Quantity, l.CompletedQuantity, string.Join(",", l.Modifiers))));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_endpoint()
    {
        var document = await _api.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Cancellation);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Superset(
            new HashSet<string>
            {
                "/api/stations", "/api/stations/{station}/batch-items", "/api/batch-items/{id}", "/api/batch-items/{id}/start",
                "/api/batch-items/{id}/complete", "/api/orders/{orderId}", "/api/orders/ready", "/api/events",
            },
            paths.ToHashSet());
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
