using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;

namespace Orbital.OrderManagement.Listening;

/// <summary>
/// The insert event of a made-up order, as a change stream delivers it: its BSON read by the driver's own change
/// serializer, so that the rehearsal before the first order covers reading a change too. The order names no real
/// order (<c>orbital-rehearsal-</c> and a new id) and has one item at one station.
/// </summary>
internal static class RehearsalChange
{
    private static readonly ChangeStreamDocumentSerializer<BsonDocument> s_serializer = new(BsonDocumentSerializer.Instance);

    public static ChangeStreamDocument<BsonDocument> Read(CollectionNamespace orders, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(orders);
        var id = ObjectId.GenerateNewId();
        var item = new BsonDocument { { "Name", "Orbital rehearsal" }, { "Quantity", 1 } };
        var station = new BsonDocument { { "OwnStationName", "Orbital rehearsal" }, { "OrderItems", new BsonArray { item } } };
        var document = new BsonDocument
        {
            { "_id", id },
            { "OtterOrderId", $"orbital-rehearsal-{id}" },
            { "BrandName", "Orbital rehearsal" },
            { "PlacedAt", now },
            { "StationOrders", new BsonArray { station } },
        };
        var seconds = (int)Math.Clamp(new DateTimeOffset(now).ToUnixTimeSeconds(), 1, int.MaxValue);
        var change = new BsonDocument
        {
            { "_id", new BsonDocument("_data", $"orbital-rehearsal-{id}") },
            { "operationType", "insert" },
            { "clusterTime", new BsonTimestamp(seconds, 1) },
            { "wallTime", now },
            { "ns", new BsonDocument { { "db", orders.DatabaseNamespace.DatabaseName }, { "coll", orders.CollectionName } } },
            { "documentKey", new BsonDocument("_id", id) },
            { "fullDocument", document },
        };

        using var reader = new BsonBinaryReader(new MemoryStream(change.ToBson()));
        return s_serializer.Deserialize(BsonDeserializationContext.CreateRoot(reader));
    }
}
