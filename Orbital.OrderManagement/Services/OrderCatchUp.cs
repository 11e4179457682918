using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.OrderManagement.Options;

namespace Orbital.OrderManagement.Services;

/// <summary>
/// Reads the orders collection itself, oldest first, from a point in time: how orders are found when the change
/// stream can no longer say what happened (its history was lost), and how a listener told to start from the
/// beginning reads what is already there. Orders the kitchen already has come back as duplicates.
/// </summary>
public sealed class OrderCatchUp(IMongoDatabase database, IOptions<OrderListenerOptions> options, OrderRelay relay, TimeProvider time)
{
    private readonly IMongoCollection<BsonDocument> _orders = database.GetCollection<BsonDocument>(options.Value.OrdersCollection);
    private readonly OrderListenerOptions _options = options.Value;

    /// <summary>Relays every order written since <paramref name="since"/> (less the margin), or every order when null.</summary>
    /// <returns>How many documents were read.</returns>
    public async Task<int> RunAsync(DateTime? since, CancellationToken cancellationToken)
    {
        var filter = since is { } from && from - DateTime.MinValue > _options.CatchUpMargin
            ? SinceFilter(from - _options.CatchUpMargin)
            : new BsonDocument();
        var sort = new BsonDocument(_options.CatchUpTimeField ?? "_id", 1);
        var scanned = 0;

        using var cursor = await _orders.Find(filter).Sort(sort).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var document in cursor.Current)
            {
                await relay.RelayAsync(document, time.GetUtcNow().UtcDateTime, cancellationToken);
                scanned++;
            }
        }

        return scanned;
    }

    private BsonDocument SinceFilter(DateTime from)
    {
        if (_options.CatchUpTimeField is { } field)
        {
            return new BsonDocument(field, new BsonDocument("$gte", from));
        }

        // The smallest ObjectId created at 'from': its timestamp followed by zeros.
        var utc = from.Kind == DateTimeKind.Local ? from.ToUniversalTime() : DateTime.SpecifyKind(from, DateTimeKind.Utc);
        var seconds = (int)Math.Clamp(new DateTimeOffset(utc).ToUnixTimeSeconds(), 0, int.MaxValue);
        var bytes = new byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, seconds);
        return new BsonDocument("_id", new BsonDocument("$gte", new ObjectId(bytes)));
    }
}
