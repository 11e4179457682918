using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.Testing.MongoDB;
using static Orbital.Tests.MongoDB.ChangeStreams;

namespace Orbital.Tests.MongoDB;

/// <summary>
/// The MongoDB semantics Orbital relies on, stated as tests through the real driver. They run against whatever
/// <see cref="MongoDBFixture"/> chose: the wire double in CI, a real server when one is reachable, so the double
/// cannot drift from the real thing unnoticed.
/// </summary>
[Collection(MongoDBCollection.Name)]
public sealed class MongoDBConformanceTests : IDisposable
{
    private readonly MongoDBFixture _fixture;
    private readonly MongoClient _client;
    private readonly IMongoDatabase _database;

    public MongoDBConformanceTests(MongoDBFixture fixture)
    {
        _fixture = fixture;
        var databaseName = MongoDBFixture.UniqueDatabaseName("conformance");
        var settings = MongoClientSettings.FromConnectionString(fixture.Server.ConnectionString(databaseName));
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(3);
        _client = new MongoClient(settings);
        _database = _client.GetDatabase(databaseName);
        TestContext.Current.TestOutputHelper?.WriteLine($"MongoDB under test: {fixture.Server.Description}");
    }

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Inserted_documents_are_found_by_equality_and_operators_in_sort_order()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        await orders.InsertManyAsync(
        [
            new BsonDocument { { "OtterOrderId", "a" }, { "Total", 12 }, { "Brand", "Burgers" } },
            new BsonDocument { { "OtterOrderId", "b" }, { "Total", 30 }, { "Brand", "Bowls" } },
            new BsonDocument { { "OtterOrderId", "c" }, { "Total", 21.5 }, { "Brand", "Burgers" } },
        ], cancellationToken: Cancellation);

        var burgers = await orders.Find(new BsonDocument("Brand", "Burgers")).Sort(new BsonDocument("Total", -1)).ToListAsync(Cancellation);
        var atLeastTwenty = await orders.Find(Builders<BsonDocument>.Filter.Gte("Total", 20)).Sort(new BsonDocument("Total", 1)).ToListAsync(Cancellation);
        var named = await orders.Find(Builders<BsonDocument>.Filter.In("OtterOrderId", ["a", "b"])).ToListAsync(Cancellation);

        Assert.Equal(["c", "a"], burgers.Select(d => d["OtterOrderId"].AsString));
        Assert.Equal(["c", "b"], atLeastTwenty.Select(d => d["OtterOrderId"].AsString));
        Assert.Equal(2, named.Count);
        Assert.Equal(3, await orders.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Documents_beyond_the_first_batch_arrive_through_getMore()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        await orders.InsertManyAsync(Enumerable.Range(0, 250).Select(i => new BsonDocument("n", i)), cancellationToken: Cancellation);

        var all = await orders.Find(FilterDefinition<BsonDocument>.Empty, new FindOptions { BatchSize = 40 }).Sort(new BsonDocument("n", 1)).ToListAsync(Cancellation);

        Assert.Equal(Enumerable.Range(0, 250), all.Select(d => d["n"].AsInt32));
    }

    [Fact]
    public async Task Inserting_a_duplicate_id_is_a_write_error_with_code_11000()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        await orders.InsertOneAsync(new BsonDocument("_id", "order-1"), cancellationToken: Cancellation);

        var error = await Assert.ThrowsAsync<MongoWriteException>(() => orders.InsertOneAsync(new BsonDocument("_id", "order-1"), cancellationToken: Cancellation));

        Assert.Equal(ServerErrorCategory.DuplicateKey, error.WriteError.Category);
        Assert.Equal(11000, error.WriteError.Code);
    }

    [Fact]
    public async Task A_unique_index_refuses_a_second_document_with_the_same_key()
    {
        var rejected = _database.GetCollection<BsonDocument>("rejected");
        await rejected.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(new BsonDocument("sourceId", 1), new CreateIndexOptions { Unique = true }),
            cancellationToken: Cancellation);
        await rejected.InsertOneAsync(new BsonDocument("sourceId", "x"), cancellationToken: Cancellation);

        var error = await Assert.ThrowsAsync<MongoWriteException>(() => rejected.InsertOneAsync(new BsonDocument("sourceId", "x"), cancellationToken: Cancellation));

        Assert.Equal(ServerErrorCategory.DuplicateKey, error.WriteError.Category);
    }

    [Fact]
    public async Task Unique_keys_follow_updates_and_deletes_and_numbers_equal_in_value_are_one_key()
    {
        var rejected = _database.GetCollection<BsonDocument>("rejected");
        await rejected.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(new BsonDocument("sourceId", 1), new CreateIndexOptions { Unique = true }),
            cancellationToken: Cancellation);
        await rejected.InsertManyAsync([new BsonDocument { { "_id", 1 }, { "sourceId", "x" } }, new BsonDocument { { "_id", 2 }, { "sourceId", "y" } }], cancellationToken: Cancellation);

        // An update onto a key another document holds fails and leaves the document as it was.
        var taken = await Assert.ThrowsAsync<MongoWriteException>(() => rejected.UpdateOneAsync(new BsonDocument("_id", 2), Builders<BsonDocument>.Update.Set("sourceId", "x"), cancellationToken: Cancellation));
        // An update to a free key frees the old one; a delete frees its keys.
        await rejected.UpdateOneAsync(new BsonDocument("_id", 1), Builders<BsonDocument>.Update.Set("sourceId", "z"), cancellationToken: Cancellation);
        await rejected.InsertOneAsync(new BsonDocument { { "_id", 3 }, { "sourceId", "x" } }, cancellationToken: Cancellation);
        await rejected.DeleteOneAsync(new BsonDocument("_id", 2), Cancellation);
        await rejected.InsertOneAsync(new BsonDocument { { "_id", 2L }, { "sourceId", "y" } }, cancellationToken: Cancellation);
        var sameNumber = await Assert.ThrowsAsync<MongoWriteException>(() => rejected.InsertOneAsync(new BsonDocument { { "_id", 3.0 }, { "sourceId", "w" } }, cancellationToken: Cancellation));

        Assert.Equal(ServerErrorCategory.DuplicateKey, taken.WriteError.Category);
        Assert.Equal(ServerErrorCategory.DuplicateKey, sameNumber.WriteError.Category);
        var stored = await rejected.Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument("_id", 1)).ToListAsync(Cancellation);
        Assert.Equal(["z", "y", "x"], stored.Select(d => d["sourceId"].AsString));
        Assert.Equal("y", (await rejected.Find(new BsonDocument("_id", 2.0)).SingleAsync(Cancellation))["sourceId"].AsString);
    }

    [Fact]
    public async Task Upsert_inserts_once_then_updates_the_same_document()
    {
        var checkpoints = _database.GetCollection<BsonDocument>("checkpoints");
        var filter = new BsonDocument("_id", "listener");

        var first = await checkpoints.UpdateOneAsync(filter, Builders<BsonDocument>.Update.Set("token", "t1").SetOnInsert("created", true), new UpdateOptions { IsUpsert = true }, Cancellation);
        var second = await checkpoints.UpdateOneAsync(filter, Builders<BsonDocument>.Update.Set("token", "t2").SetOnInsert("created", false), new UpdateOptions { IsUpsert = true }, Cancellation);
        var replaced = await checkpoints.ReplaceOneAsync(filter, new BsonDocument { { "_id", "listener" }, { "token", "t3" } }, new ReplaceOptions { IsUpsert = true }, Cancellation);
        var stored = await checkpoints.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Cancellation);

        Assert.Equal("listener", first.UpsertedId.AsString);
        Assert.Null(second.UpsertedId);
        Assert.Equal(1, second.ModifiedCount);
        Assert.Equal(1, replaced.ModifiedCount);
        var document = Assert.Single(stored);
        Assert.Equal("t3", document["token"].AsString);
        Assert.False(document.Contains("created"));
    }

    [Fact]
    public async Task Delete_removes_only_the_matching_documents()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        await orders.InsertManyAsync([new BsonDocument("k", 1), new BsonDocument("k", 2), new BsonDocument("k", 2)], cancellationToken: Cancellation);

        var one = await orders.DeleteOneAsync(new BsonDocument("k", 2), Cancellation);
        var many = await orders.DeleteManyAsync(new BsonDocument("k", 2), Cancellation);
        var left = await orders.Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(Cancellation);

        Assert.Equal(1, one.DeletedCount);
        Assert.Equal(1, many.DeletedCount);
        Assert.Equal(1, Assert.Single(left)["k"].AsInt32);
    }

    [Fact]
    public async Task Watching_then_inserting_delivers_the_insert_with_its_full_document()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        using var stream = await orders.WatchAsync(Options(), Cancellation);
        var order = new BsonDocument { { "OtterOrderId", "test-001" }, { "BrandName", "Test Restaurant" } };

        await orders.InsertOneAsync(order, cancellationToken: Cancellation);
        var change = Assert.Single(await ReadAsync(stream, 1));

        Assert.Equal(ChangeStreamOperationType.Insert, change.OperationType);
        Assert.Equal(order["_id"], change.DocumentKey["_id"]);
        Assert.Equal("test-001", change.FullDocument["OtterOrderId"].AsString);
        Assert.Equal(_database.DatabaseNamespace.DatabaseName, change.CollectionNamespace.DatabaseNamespace.DatabaseName);
        Assert.Equal("orders", change.CollectionNamespace.CollectionName);
        Assert.NotNull(change.ClusterTime);
        Assert.NotNull(change.WallTime);
        Assert.True(change.ResumeToken.Contains("_data"));
    }

    [Fact]
    public async Task Update_lookup_delivers_the_document_as_it_is_now()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        await orders.InsertOneAsync(new BsonDocument { { "_id", "o1" }, { "Status", "placed" } }, cancellationToken: Cancellation);
        using var stream = await orders.WatchAsync(Options(ChangeStreamFullDocumentOption.UpdateLookup), Cancellation);

        await orders.UpdateOneAsync(new BsonDocument("_id", "o1"), Builders<BsonDocument>.Update.Set("Status", "accepted"), cancellationToken: Cancellation);
        var change = Assert.Single(await ReadAsync(stream, 1));

        Assert.Equal(ChangeStreamOperationType.Update, change.OperationType);
        Assert.Equal("accepted", change.UpdateDescription.UpdatedFields["Status"].AsString);
        Assert.Equal("accepted", change.FullDocument["Status"].AsString);
    }

    [Fact]
    public async Task Updates_of_array_elements_by_index_push_and_pull_change_the_array_and_name_it_in_the_event()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        var items = new BsonArray { new BsonDocument { { "Id", "a" }, { "Quantity", 2 } }, new BsonDocument { { "Id", "b" }, { "Quantity", 1 } } };
        await orders.InsertOneAsync(new BsonDocument { { "_id", "o1" }, { "Stations", new BsonArray { new BsonDocument("Items", items) } } }, cancellationToken: Cancellation);
        using var stream = await orders.WatchAsync(Options(ChangeStreamFullDocumentOption.UpdateLookup), Cancellation);
        var id = new BsonDocument("_id", "o1");

        await orders.UpdateOneAsync(id, Builders<BsonDocument>.Update.Set("Stations.0.Items.0.Quantity", 5), cancellationToken: Cancellation);
        var set = Assert.Single(await ReadAsync(stream, 1));
        await orders.UpdateOneAsync(id, Builders<BsonDocument>.Update.Push("Stations.0.Items", new BsonDocument { { "Id", "c" }, { "Quantity", 3 } }), cancellationToken: Cancellation);
        var pushed = Assert.Single(await ReadAsync(stream, 1));
        await orders.UpdateOneAsync(id, Builders<BsonDocument>.Update.PullFilter("Stations.0.Items", Builders<BsonDocument>.Filter.Eq("Id", "b")), cancellationToken: Cancellation);
        var pulled = Assert.Single(await ReadAsync(stream, 1));

        Assert.Equal(5, set.FullDocument["Stations"][0]["Items"][0]["Quantity"].AsInt32);
        Assert.All(
            [set, pushed, pulled],
            c => Assert.All(c.UpdateDescription.UpdatedFields.Names, name => Assert.StartsWith("Stations.0.Items", name, StringComparison.Ordinal)));
        Assert.Equal(["a", "b", "c"], pushed.FullDocument["Stations"][0]["Items"].AsBsonArray.Select(i => i["Id"].AsString));
        Assert.Equal(["a", "c"], pulled.FullDocument["Stations"][0]["Items"].AsBsonArray.Select(i => i["Id"].AsString));
    }

    [Fact]
    public async Task A_match_on_operation_type_filters_the_stream()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        var pipeline = new EmptyPipelineDefinition<ChangeStreamDocument<BsonDocument>>()
            .Match(c => c.OperationType == ChangeStreamOperationType.Insert);
        using var stream = await orders.WatchAsync(pipeline, Options(), Cancellation);

        await orders.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Cancellation);
        await orders.DeleteOneAsync(new BsonDocument("_id", 1), Cancellation);
        await orders.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Cancellation);
        var changes = await ReadAsync(stream, 2);

        Assert.Equal([1, 2], changes.Select(c => c.DocumentKey["_id"].AsInt32));
        Assert.All(changes, c => Assert.Equal(ChangeStreamOperationType.Insert, c.OperationType));
    }

    [Fact]
    public async Task Replace_update_and_delete_events_carry_what_each_kind_carries()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        await orders.InsertOneAsync(new BsonDocument { { "_id", "o1" }, { "Status", "placed" } }, cancellationToken: Cancellation);
        using var stream = await orders.WatchAsync(Options(), Cancellation);

        await orders.ReplaceOneAsync(new BsonDocument("_id", "o1"), new BsonDocument { { "_id", "o1" }, { "Status", "accepted" } }, cancellationToken: Cancellation);
        await orders.UpdateOneAsync(new BsonDocument("_id", "o1"), Builders<BsonDocument>.Update.Set("Status", "cooking").Unset("Missing"), cancellationToken: Cancellation);
        await orders.DeleteOneAsync(new BsonDocument("_id", "o1"), Cancellation);
        var changes = await ReadAsync(stream, 3);

        Assert.Equal(
            [ChangeStreamOperationType.Replace, ChangeStreamOperationType.Update, ChangeStreamOperationType.Delete],
            changes.Select(c => c.OperationType));
        Assert.All(changes, c => Assert.Equal("o1", c.DocumentKey["_id"].AsString));
        Assert.Equal("accepted", changes[0].FullDocument["Status"].AsString);
        Assert.Null(changes[1].FullDocument);
        Assert.Equal("cooking", changes[1].UpdateDescription.UpdatedFields["Status"].AsString);
        Assert.Null(changes[2].FullDocument);
    }

    [Fact]
    public async Task Starting_after_a_token_delivers_the_events_after_it()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        BsonDocument tokenOfFirst;
        using (var stream = await orders.WatchAsync(Options(), Cancellation))
        {
            await orders.InsertManyAsync([new BsonDocument("_id", 1), new BsonDocument("_id", 2)], cancellationToken: Cancellation);
            tokenOfFirst = (await ReadAsync(stream, 2))[0].ResumeToken;
        }

        var options = Options();
        options.StartAfter = tokenOfFirst;
        using var started = await orders.WatchAsync(options, Cancellation);

        Assert.Equal([2], (await ReadAsync(started, 1)).Select(c => c.DocumentKey["_id"].AsInt32));
    }

    [Fact]
    public async Task Resuming_after_a_token_delivers_exactly_the_later_events()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        BsonDocument tokenOfSecond;
        using (var stream = await orders.WatchAsync(Options(), Cancellation))
        {
            await orders.InsertManyAsync(Enumerable.Range(1, 3).Select(i => new BsonDocument("_id", i)), cancellationToken: Cancellation);
            tokenOfSecond = (await ReadAsync(stream, 3))[1].ResumeToken;
        }

        await orders.InsertManyAsync(Enumerable.Range(4, 2).Select(i => new BsonDocument("_id", i)), cancellationToken: Cancellation);
        using var resumed = await orders.WatchAsync(Options(resumeAfter: tokenOfSecond), Cancellation);
        var changes = await ReadAsync(resumed, 3);
        var more = await ReadAsync(resumed, 1, TimeSpan.FromSeconds(1));

        Assert.Equal([3, 4, 5], changes.Select(c => c.DocumentKey["_id"].AsInt32));
        Assert.Empty(more);
    }

    [Fact]
    public async Task Resuming_from_a_token_whose_history_was_truncated_fails_with_ChangeStreamHistoryLost()
    {
        if (!_fixture.Server.CanTruncateHistory)
        {
            Assert.Skip($"{_fixture.Server.Description} cannot lose history on demand.");
        }

        var orders = _database.GetCollection<BsonDocument>("orders");
        BsonDocument token;
        using (var stream = await orders.WatchAsync(Options(), Cancellation))
        {
            await orders.InsertManyAsync([new BsonDocument("_id", 1), new BsonDocument("_id", 2)], cancellationToken: Cancellation);
            token = (await ReadAsync(stream, 2))[0].ResumeToken;
        }

        await _fixture.Server.TruncateHistoryAsync();

        var error = await Assert.ThrowsAsync<MongoCommandException>(async () =>
        {
            using var stream = await orders.WatchAsync(Options(resumeAfter: token), Cancellation);
            await stream.MoveNextAsync(Cancellation);
        });
        Assert.Equal(286, error.Code);
        Assert.True(error.HasErrorLabel("NonResumableChangeStreamError"), "a lost history is labelled as not resumable");
    }

    [Fact]
    public async Task An_idle_getMore_waits_then_returns_an_empty_batch_with_a_fresh_resumable_token()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        var elsewhere = _database.GetCollection<BsonDocument>("elsewhere");
        using var stream = await orders.WatchAsync(Options(maxAwait: TimeSpan.FromSeconds(1)), Cancellation);
        await stream.MoveNextAsync(Cancellation);

        var clock = Stopwatch.StartNew();
        await stream.MoveNextAsync(Cancellation);
        var waited = clock.Elapsed;
        var before = stream.GetResumeToken();
        Assert.Empty(stream.Current);

        await elsewhere.InsertOneAsync(new BsonDocument("unrelated", true), cancellationToken: Cancellation);
        await stream.MoveNextAsync(Cancellation);
        var after = stream.GetResumeToken();
        Assert.Empty(stream.Current);

        await orders.InsertOneAsync(new BsonDocument("_id", "next"), cancellationToken: Cancellation);
        using var resumed = await orders.WatchAsync(Options(resumeAfter: after), Cancellation);
        var change = Assert.Single(await ReadAsync(resumed, 1));

        Assert.InRange(waited, TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(10));
        Assert.NotNull(before);
        Assert.NotEqual(before, after);
        Assert.Equal("next", change.DocumentKey["_id"].AsString);
    }

    [Fact]
    public async Task An_outage_fails_the_drivers_operations_and_a_resumed_stream_loses_nothing()
    {
        if (!_fixture.Server.CanSimulateOutage)
        {
            Assert.Skip($"{_fixture.Server.Description} cannot be stopped by the tests.");
        }

        var orders = _database.GetCollection<BsonDocument>("orders");
        using var stream = await orders.WatchAsync(Options(), Cancellation);
        await orders.InsertOneAsync(new BsonDocument("_id", 1), cancellationToken: Cancellation);
        var token = (await ReadAsync(stream, 1))[0].ResumeToken;
        await orders.InsertOneAsync(new BsonDocument("_id", 2), cancellationToken: Cancellation);

        await _fixture.Server.BeginOutageAsync();
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => orders.InsertOneAsync(new BsonDocument("_id", 99), cancellationToken: Cancellation));
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                while (await stream.MoveNextAsync(Cancellation))
                {
                }
            });
        }
        finally
        {
            await _fixture.Server.EndOutageAsync();
        }

        await Eventually(() => orders.InsertOneAsync(new BsonDocument("_id", 3), cancellationToken: Cancellation));
        using var resumed = await orders.WatchAsync(Options(resumeAfter: token), Cancellation);
        var changes = await ReadAsync(resumed, 2);

        Assert.Equal([2, 3], changes.Select(c => c.DocumentKey["_id"].AsInt32));
    }

    [Fact]
    public async Task An_unknown_command_fails_with_CommandNotFound()
    {
        var error = await Assert.ThrowsAsync<MongoCommandException>(() =>
            _database.RunCommandAsync<BsonDocument>(new BsonDocument("orbitalNoSuchCommand", 1), cancellationToken: Cancellation));

        Assert.Equal(59, error.Code);
    }

    [Fact]
    public async Task An_unknown_pipeline_stage_is_refused()
    {
        var orders = _database.GetCollection<BsonDocument>("orders");
        var pipeline = new BsonDocumentStagePipelineDefinition<BsonDocument, BsonDocument>([new BsonDocument("$orbitalNoSuchStage", 1)]);

        var error = await Assert.ThrowsAsync<MongoCommandException>(() => orders.AggregateAsync(pipeline, cancellationToken: Cancellation));

        Assert.Equal(40324, error.Code);
    }
}
