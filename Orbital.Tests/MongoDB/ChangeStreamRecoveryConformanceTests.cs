using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.Testing.MongoDB;
using static Orbital.Tests.MongoDB.ChangeStreams;

namespace Orbital.Tests.MongoDB;

/// <summary>
/// How change streams end and fail, as the order listener must handle them: invalidation by a drop, rename or
/// dropDatabase; tokens a server cannot use; history that rolled over; fail points; killed cursors; and the
/// no-op writes that move an idle stream on. Like every conformance test, these run against whatever
/// <see cref="MongoDBFixture"/> chose, so the wire double is held to a real server's answers.
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class ChangeStreamRecoveryConformanceTests : IDisposable
{
    private readonly MongoDBFixture _fixture;
    private readonly MongoClient _client;
    private readonly IMongoDatabase _database;
    private readonly IMongoCollection<BsonDocument> _orders;

    public ChangeStreamRecoveryConformanceTests(MongoDBFixture fixture)
    {
        _fixture = fixture;
        var databaseName = MongoDBFixture.UniqueDatabaseName("recovery");
        var settings = MongoClientSettings.FromConnectionString(fixture.Server.ConnectionString(databaseName));
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(3);
        _client = new MongoClient(settings);
        _database = _client.GetDatabase(databaseName);
        _orders = _database.GetCollection<BsonDocument>("orders");
    }

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Dropping_the_watched_collection_emits_drop_then_invalidate_and_ends_the_stream()
    {
        await _orders.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Cancellation);
        using var stream = await _orders.WatchAsync(Options(), Cancellation);
        await stream.MoveNextAsync(Cancellation);

        await _database.DropCollectionAsync("orders", Cancellation);
        var changes = await ReadAsync(stream, 2);
        var ended = !await stream.MoveNextAsync(Cancellation);

        Assert.Equal([ChangeStreamOperationType.Drop, ChangeStreamOperationType.Invalidate], changes.Select(c => c.OperationType));
        Assert.True(ended, "the stream ends after its invalidate event");
    }

    [Fact]
    public async Task Renaming_the_watched_collection_emits_rename_then_invalidate()
    {
        await _orders.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Cancellation);
        using var stream = await _orders.WatchAsync(Options(), Cancellation);
        await stream.MoveNextAsync(Cancellation);

        await _client.GetDatabase("admin").RunCommandAsync<BsonDocument>(
            new BsonDocument { { "renameCollection", $"{_database.DatabaseNamespace.DatabaseName}.orders" }, { "to", $"{_database.DatabaseNamespace.DatabaseName}.orders_archive" } },
            cancellationToken: Cancellation);
        var changes = await ReadAsync(stream, 2);

        Assert.Equal([ChangeStreamOperationType.Rename, ChangeStreamOperationType.Invalidate], changes.Select(c => c.OperationType));
        Assert.Equal("orders_archive", changes[0].RenameTo.CollectionName);
        Assert.Equal(1, await _database.GetCollection<BsonDocument>("orders_archive").CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Dropping_the_database_invalidates_a_stream_on_one_of_its_collections()
    {
        await _orders.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Cancellation);
        using var stream = await _orders.WatchAsync(Options(), Cancellation);
        await stream.MoveNextAsync(Cancellation);

        await _client.DropDatabaseAsync(_database.DatabaseNamespace.DatabaseName, Cancellation);
        var changes = await ReadAsync(stream, 2);

        Assert.Equal([ChangeStreamOperationType.Drop, ChangeStreamOperationType.Invalidate], changes.Select(c => c.OperationType));
    }

    [Fact]
    public async Task An_invalidate_token_is_refused_to_resumeAfter_and_startAfter_it_reads_the_recreated_collection()
    {
        await _orders.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Cancellation);
        BsonDocument invalidate;
        using (var stream = await _orders.WatchAsync(Options(), Cancellation))
        {
            await stream.MoveNextAsync(Cancellation);
            await _database.DropCollectionAsync("orders", Cancellation);
            invalidate = (await ReadAsync(stream, 2)).Single(c => c.OperationType == ChangeStreamOperationType.Invalidate).ResumeToken;
        }

        await _orders.InsertOneAsync(new BsonDocument("_id", "after-the-drop"), cancellationToken: Cancellation);
        var refused = await Assert.ThrowsAsync<MongoCommandException>(async () =>
        {
            using var resumed = await _orders.WatchAsync(Options(resumeAfter: invalidate), Cancellation);
            await resumed.MoveNextAsync(Cancellation);
        });
        var options = Options();
        options.StartAfter = invalidate;
        using var started = await _orders.WatchAsync(options, Cancellation);
        var change = Assert.Single(await ReadAsync(started, 1));

        Assert.Equal(260, refused.Code);
        Assert.Equal("after-the-drop", change.DocumentKey["_id"].AsString);
    }

    [Theory]
    [InlineData("{ _data: 42 }", new[] { 40647 })]
    [InlineData("{ nothing: 'here' }", new[] { 40647 })]
    [InlineData("{ _data: 'not hex at all' }", new[] { 9, 50811 })]
    [InlineData("{ _data: '8200' }", new[] { 9, 50811 })]
    public async Task A_resume_token_the_server_cannot_read_fails_with_a_parse_error(string token, int[] codes)
    {
        var error = await Assert.ThrowsAsync<MongoCommandException>(async () =>
        {
            using var stream = await _orders.WatchAsync(Options(resumeAfter: BsonDocument.Parse(token)), Cancellation);
            await stream.MoveNextAsync(Cancellation);
        });

        Assert.Contains(error.Code, codes);
    }

    [Fact]
    public async Task Starting_before_any_history_of_a_replica_set_whose_oplog_never_rolled_over_reads_from_its_start()
    {
        if (!_fixture.Server.CanStartFresh)
        {
            Assert.Skip($"{_fixture.Server.Description} cannot start a fresh server of its kind.");
        }

        await using var fresh = await _fixture.Server.StartFreshAsync();
        using var client = new MongoClient(fresh.ConnectionString("fresh"));
        var orders = client.GetDatabase("fresh").GetCollection<BsonDocument>("orders");
        await orders.InsertOneAsync(new BsonDocument("_id", "first"), cancellationToken: Cancellation);
        var options = Options();
        options.StartAtOperationTime = new BsonTimestamp(1, 1);

        using var stream = await orders.WatchAsync(options, Cancellation);
        var change = Assert.Single(await ReadAsync(stream, 1));

        Assert.Equal("first", change.DocumentKey["_id"].AsString);
    }

    [Fact]
    public async Task Starting_before_the_oldest_history_once_the_oplog_rolled_over_fails_with_ChangeStreamHistoryLost()
    {
        if (!_fixture.Server.CanTruncateHistory)
        {
            Assert.Skip($"{_fixture.Server.Description} cannot lose history on demand.");
        }

        await _orders.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Cancellation);
        await _fixture.Server.TruncateHistoryAsync();
        var options = Options();
        options.StartAtOperationTime = new BsonTimestamp(1, 1);

        var error = await Assert.ThrowsAsync<MongoCommandException>(async () =>
        {
            using var stream = await _orders.WatchAsync(options, Cancellation);
            await stream.MoveNextAsync(Cancellation);
        });

        Assert.Equal(286, error.Code);
    }

    [Fact]
    public async Task An_open_stream_whose_position_fell_off_the_oplog_fails_getMore_with_CappedPositionLost()
    {
        if (!_fixture.Server.CanTruncateHistory)
        {
            Assert.Skip($"{_fixture.Server.Description} cannot lose history on demand.");
        }

        using var stream = await _orders.WatchAsync(Options(), Cancellation);
        await _orders.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Cancellation);
        Assert.Single(await ReadAsync(stream, 1));

        await _fixture.Server.TruncateHistoryAsync();
        await _orders.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Cancellation);
        var error = await Assert.ThrowsAsync<MongoCommandException>(async () => await ReadAsync(stream, 1));

        Assert.Equal(136, error.Code);
    }

    [Fact]
    public async Task A_getMore_failing_with_the_resumable_label_is_resumed_by_the_driver_without_loss()
    {
        if (!_fixture.Server.CanFailCommands)
        {
            Assert.Skip($"{_fixture.Server.Description} has no failCommand fail point.");
        }

        using var stream = await _orders.WatchAsync(Options(), Cancellation);
        await stream.MoveNextAsync(Cancellation);
        await _orders.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Cancellation);
        await FailCommandsAsync(_client, times: 1, ["getMore"], errorCode: 6, "ResumableChangeStreamError");
        await _orders.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Cancellation);

        var changes = await ReadAsync(stream, 2);

        Assert.Equal([1, 2], changes.Select(c => c.DocumentKey["_id"].AsInt32));
    }

    [Fact]
    public async Task A_getMore_failing_without_the_resumable_label_reaches_the_application_with_its_code()
    {
        if (!_fixture.Server.CanFailCommands)
        {
            Assert.Skip($"{_fixture.Server.Description} has no failCommand fail point.");
        }

        using var stream = await _orders.WatchAsync(Options(), Cancellation);
        await stream.MoveNextAsync(Cancellation);
        await FailCommandsAsync(_client, times: 1, ["getMore"], errorCode: 280, "NonResumableChangeStreamError");

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => stream.MoveNextAsync(Cancellation));

        Assert.Equal(280, error.Code);
        Assert.True(error.HasErrorLabel("NonResumableChangeStreamError"));
    }

    [Fact]
    public async Task A_killed_change_stream_cursor_is_resumed_by_the_driver_without_loss()
    {
        if (!_fixture.Server.CanKillCursors)
        {
            Assert.Skip($"{_fixture.Server.Description} cannot kill cursors on demand.");
        }

        using var stream = await _orders.WatchAsync(Options(), Cancellation);
        await _orders.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Cancellation);
        Assert.Single(await ReadAsync(stream, 1));

        await _fixture.Server.KillChangeStreamCursorsAsync();
        await _orders.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Cancellation);
        var changes = await ReadAsync(stream, 1);

        Assert.Equal([2], changes.Select(c => c.DocumentKey["_id"].AsInt32));
    }

    [Fact]
    public async Task An_idle_stream_with_no_writes_anywhere_still_advances_its_post_batch_token()
    {
        using var stream = await _orders.WatchAsync(Options(maxAwait: TimeSpan.FromSeconds(1)), Cancellation);
        await stream.MoveNextAsync(Cancellation);
        var first = stream.GetResumeToken();

        // A primary writes a no-op to its oplog every 10 s when nothing else is written.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var advanced = false;
        while (!advanced && DateTime.UtcNow < deadline)
        {
            await stream.MoveNextAsync(Cancellation);
            advanced = !first.Equals(stream.GetResumeToken());
        }

        Assert.True(advanced, "the post-batch token advanced within 30 s without any write of ours");
    }
}
