using System.Net;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Batches;

/// <summary>Many cooks on one batch at once: nothing is over-completed, and every order becomes ready exactly once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BatchConcurrencyTests(KitchenFixture kitchen) : IClassFixture<KitchenFixture>
{
    [Fact]
    public async Task Parallel_completes_of_one_batch_item_never_exceed_its_open_quantity()
    {
        var api = new KitchenApiClient(kitchen.CreateClient(), kitchen.Intake);
        var station = $"Grill-{Guid.NewGuid():N}"[..14];
        var orderIds = Enumerable.Range(1, 10).Select(i => $"{station}-{i:D2}").ToList();
        foreach (var (orderId, i) in orderIds.Select((id, i) => (id, i)))
        {
            await api.SubmitAsync(orderId, DateTime.UtcNow.AddMinutes(-30 + i), (station, "Burger", 3));
        }

        var burger = await api.BatchItemAsync(station, "Burger");

        // 30 are open; 45 cooks each complete 1 or 2 at the same moment.
        var attempts = Enumerable.Range(0, 45).Select(i => i % 3 == 0 ? 2 : 1).ToList();
        var responses = await Task.WhenAll(attempts.Select(async quantity =>
        {
            using var response = await api.PostAsync(burger.Id, "complete", new { quantity });
            return (quantity, response.StatusCode);
        }));

        var completed = responses.Where(r => r.StatusCode == HttpStatusCode.OK).Sum(r => r.quantity);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        Assert.True(completed <= 30, $"{completed} completed out of 30 open");
        var left = (await api.StationAsync(station)).Items.SingleOrDefault()?.OpenQuantity ?? 0;
        Assert.Equal(30 - completed, left);
        Assert.Equal(30 - completed, await kitchen.Database.ScalarAsync<long>(
            "SELECT COALESCE(sum(quantity - completed_quantity), 0) FROM order_lines WHERE station = $1", station));

        // Finish the rest: every order becomes ready once, oldest first.
        if (left > 0)
        {
            using var rest = await api.PostAsync(burger.Id, "complete", new { quantity = left });
            Assert.Equal(HttpStatusCode.OK, rest.StatusCode);
        }

        Assert.Equal(10L, await kitchen.Database.ScalarAsync<long>(
            "SELECT count(*) FROM kitchen_events WHERE type = 'order.ready' AND payload->>'orderId' LIKE $1", station + "-%"));
        Assert.Equal(10L, await kitchen.Database.ScalarAsync<long>(
            "SELECT count(*) FROM orders WHERE status = 'Ready' AND order_id LIKE $1", station + "-%"));
    }

    [Fact]
    public async Task Parallel_starts_never_start_more_than_is_waiting()
    {
        var api = new KitchenApiClient(kitchen.CreateClient(), kitchen.Intake);
        var station = $"Fry-{Guid.NewGuid():N}"[..12];
        await api.SubmitAsync($"{station}-1", DateTime.UtcNow, (station, "Fries", 12));
        var fries = await api.BatchItemAsync(station, "Fries");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await api.PostAsync(fries.Id, "start", new { quantity = 1 });
            return response.StatusCode;
        }));

        Assert.Equal(12, responses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(8, responses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal((12, 0), ((await api.BatchItemAsync(station, "Fries")).InProgressQuantity, (await api.BatchItemAsync(station, "Fries")).WaitingQuantity));
    }

    [Fact]
    public async Task Completing_two_lines_of_one_order_at_once_makes_it_ready_exactly_once()
    {
        var api = new KitchenApiClient(kitchen.CreateClient(), kitchen.Intake);
        var station = $"Race-{Guid.NewGuid():N}"[..13];
        for (var round = 0; round < 10; round++)
        {
            var orderId = $"{station}-{round}";
            await api.SubmitAsync(orderId, DateTime.UtcNow, (station, $"Burger {round}", 1), (station, $"Fries {round}", 1));
            var batch = await api.StationAsync(station);
            var ids = batch.Items.Where(i => i.ItemName.EndsWith($" {round}", StringComparison.Ordinal)).Select(i => i.Id).ToList();

            await Task.WhenAll(ids.Select(async id => (await api.PostAsync(id, "complete", new { quantity = 1 })).Dispose()));

            Assert.Equal(1L, await kitchen.Database.ScalarAsync<long>(
                "SELECT count(*) FROM kitchen_events WHERE type = 'order.ready' AND payload->>'orderId' = $1", orderId));
        }
    }
}
