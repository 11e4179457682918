using Google.Protobuf.WellKnownTypes;
using MongoDB.Bson;
using Orbital.Contracts.Orders;

namespace Orbital.Testing;

/// <summary>Orders as the tests write them: platform documents for MongoDB, requests for gRPC.</summary>
public static class Orders
{
    /// <summary>The seed's minimal platform document, with one grill line.</summary>
    public static BsonDocument Document(string orderId, string brand = "Test Restaurant", int quantity = 2, string station = "Grill Station", string item = "Burger")
        => new()
        {
            { "OtterOrderId", orderId },
            { "BrandName", brand },
            { "StationOrders", new BsonArray
                {
                    new BsonDocument
                    {
                        { "OwnStationName", station },
                        { "OrderItems", new BsonArray { new BsonDocument { { "Name", item }, { "Quantity", quantity } } } },
                    },
                }
            },
        };

    /// <summary>A valid request with one line per (station, item, quantity) given.</summary>
    public static OrderRequest Request(string orderId, params (string Station, string Item, int Quantity)[] lines)
    {
        var request = new OrderRequest
        {
            OrderId = orderId,
            Brand = "Test Restaurant",
            PlacedAt = Timestamp.FromDateTime(DateTime.UtcNow),
            SourceId = ObjectId.GenerateNewId().ToString(),
        };
        if (lines.Length == 0)
        {
            lines = [("Grill Station", "Burger", 2)];
        }

        var index = 0;
        foreach (var station in lines.GroupBy(l => l.Station))
        {
            var stationOrder = new StationOrder { Station = station.Key };
            stationOrder.Items.AddRange(station.Select(l => new OrderItem { LineId = $"line-{index++}", Name = l.Item, Quantity = l.Quantity }));
            request.Stations.Add(stationOrder);
        }

        return request;
    }
}
