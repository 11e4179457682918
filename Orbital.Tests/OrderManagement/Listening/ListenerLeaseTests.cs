using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.OrderManagement.Checkpoints;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Listening;
using Orbital.Testing.MongoDB;

namespace Orbital.Tests.OrderManagement.Listening;

/// <summary>
/// One order-service instance leads at a time: the lease in MongoDB beside the checkpoint, taken, renewed, lost and
/// handed over, and the checkpoint fenced by its token so that a leader that lost the lease cannot move it. Two
/// instances are two leases on one database, each with its own clock (fake, moved by the test).
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class ListenerLeaseTests : IDisposable
{
    private readonly MongoClient _client;
    private readonly IMongoDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    public ListenerLeaseTests(MongoDBFixture fixture)
    {
        var name = MongoDBFixture.UniqueDatabaseName("lease");
        _client = new MongoClient(fixture.Server.ConnectionString(name));
        _database = _client.GetDatabase(name);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Of_two_instances_one_leads_and_the_other_takes_over_only_when_the_lease_runs_out()
    {
        var first = Lease();
        var second = Lease();

        Assert.True(await first.TryAcquireAsync(Cancellation));
        Assert.False(await second.TryAcquireAsync(Cancellation));
        Assert.Equal(first.Instance, second.Holder!.Instance);

        // Renewed, it stays; once it is not renewed for the time to live, the other takes it with a newer token.
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(await first.RenewAsync(Cancellation));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(await second.TryAcquireAsync(Cancellation));
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(await second.TryAcquireAsync(Cancellation));
        Assert.True(second.Token > 1);

        Assert.False(await first.RenewAsync(Cancellation));
        Assert.False(first.IsLeader);
    }

    [Fact]
    public async Task A_graceful_stop_hands_the_lease_over_at_once()
    {
        var first = Lease();
        var second = Lease();
        Assert.True(await first.TryAcquireAsync(Cancellation));

        await first.ReleaseAsync(Cancellation);

        Assert.True(await second.TryAcquireAsync(Cancellation));
    }

    [Fact]
    public async Task A_leader_that_lost_the_lease_cannot_move_the_checkpoint()
    {
        var old = Lease();
        var oldStore = Store(old);
        Assert.True(await old.TryAcquireAsync(Cancellation));
        Assert.True(await oldStore.SaveAsync(Token(1), new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc), Cancellation));

        // The old leader pauses past its lease; another instance takes over and moves the checkpoint on.
        _time.Advance(TimeSpan.FromSeconds(10));
        var current = Lease();
        Assert.True(await current.TryAcquireAsync(Cancellation));
        Assert.True(await Store(current).SaveAsync(Token(3), new DateTime(2026, 12, 6, 12, 0, 3, DateTimeKind.Utc), Cancellation));

        // Waking up, the old leader still believes it leads; its write is refused by MongoDB and it stops leading.
        Assert.True(old.IsLeader);
        await Assert.ThrowsAsync<LeaseLostException>(() => oldStore.SaveAsync(Token(2), new DateTime(2026, 12, 6, 12, 0, 2, DateTimeKind.Utc), Cancellation));
        await Assert.ThrowsAsync<LeaseLostException>(() => oldStore.MarkCatchUpAsync(new StreamStart.CatchUp(null, "test", "test"), Cancellation));

        Assert.False(old.IsLeader);
        var saved = await Store(current).LoadAsync(Cancellation);
        Assert.Equal(Token(3), saved!.ResumeToken);
        Assert.Null(saved.PendingCatchUp);
    }

    [Fact]
    public async Task A_new_leader_fences_the_checkpoint_at_once_even_before_it_saves_one()
    {
        var old = Lease();
        Assert.True(await old.TryAcquireAsync(Cancellation));
        _time.Advance(TimeSpan.FromSeconds(10));
        var current = Lease();
        Assert.True(await current.TryAcquireAsync(Cancellation));

        // A checkpoint document holding only the fence is no checkpoint: the listener starts as on a first start.
        Assert.Null(await Store(current).LoadAsync(Cancellation));
        await Assert.ThrowsAsync<LeaseLostException>(() => Store(old).SaveAsync(Token(9), DateTime.UtcNow, Cancellation));
        Assert.Null(await Store(current).LoadAsync(Cancellation));
    }

    [Fact]
    public async Task A_lost_lease_document_is_taken_again_with_a_token_newer_than_the_checkpoints_fence()
    {
        var first = Lease();
        Assert.True(await first.TryAcquireAsync(Cancellation));
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = Lease();
        Assert.True(await second.TryAcquireAsync(Cancellation));
        Assert.Equal(2, second.Token);

        // The lease document is gone (deleted by hand, or the collection restored from an older backup) while the
        // checkpoint keeps fence 2: a token counted from 1 again would never pass it.
        await _database.GetCollection<BsonDocument>("orbital_checkpoints").DeleteOneAsync(new BsonDocument("_id", "lease:order-listener"), Cancellation);
        _time.Advance(TimeSpan.FromSeconds(10));
        var third = Lease();

        Assert.False(await third.TryAcquireAsync(Cancellation));
        Assert.True(await third.TryAcquireAsync(Cancellation));
        Assert.Equal(3, third.Token);
        Assert.True(await Store(third).SaveAsync(Token(5), new DateTime(2026, 12, 6, 12, 0, 5, DateTimeKind.Utc), Cancellation));
        await Assert.ThrowsAsync<LeaseLostException>(() => Store(second).SaveAsync(Token(4), DateTime.UtcNow, Cancellation));
    }

    private ListenerLease Lease()
        => new(_database, Options.Create(new CheckpointOptions()), Options.Create(new ListenerLeaseOptions { TimeToLive = TimeSpan.FromSeconds(6) }), _time);

    private CheckpointStore Store(ListenerLease lease)
        => new(_database, Options.Create(new CheckpointOptions()), lease, new OrderListenerStatus(_time), _time);

    private static BsonDocument Token(int n) => new("_data", $"token-{n}");
}
