using MongoDB.Bson;
using MongoDB.Driver;

namespace Orbital.Testing;

/// <summary>The platform's side of a test: writes orders, reads what the order service recorded.</summary>
public sealed class PlatformDatabase(string connectionString) : IDisposable
{
    private readonly MongoClient _client = new(connectionString);

    /// <summary>The platform's client, for commands beside the orders (fail points, renames, drops).</summary>
    public IMongoClient Client => _client;

    public IMongoDatabase Database => _client.GetDatabase(MongoUrl.Create(connectionString).DatabaseName);

    public IMongoCollection<BsonDocument> Orders => Database.GetCollection<BsonDocument>("orders");

    public Task InsertAsync(params BsonDocument[] documents) => Orders.InsertManyAsync(documents, cancellationToken: TestContext.Current.CancellationToken);

    public async Task<BsonDocument?> CheckpointAsync()
        => await Database.GetCollection<BsonDocument>("orbital_checkpoints").Find(new BsonDocument("_id", "order-listener")).FirstOrDefaultAsync(TestContext.Current.CancellationToken);

    public async Task<List<BsonDocument>> RejectionsAsync()
        => await Database.GetCollection<BsonDocument>("orbital_rejected_orders").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync(TestContext.Current.CancellationToken);

    public void Dispose() => _client.Dispose();
}
