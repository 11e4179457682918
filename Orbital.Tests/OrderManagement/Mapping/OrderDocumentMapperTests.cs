using MongoDB.Bson;
using Orbital.OrderManagement.Mapping;
using Orbital.Testing;

namespace Orbital.Tests.OrderManagement.Mapping;

/// <summary>From the platform's document to the order the kitchen gets, and every reason a document is refused.</summary>
public sealed class OrderDocumentMapperTests
{
    private static readonly DateTime s_observedAt = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_seed_document_becomes_an_order_with_one_line()
    {
        var document = Orders.Document("test-001");

        var mapping = OrderDocumentMapper.Map(document, s_observedAt);

        Assert.True(mapping.IsValid, string.Join("; ", mapping.Reasons));
        var request = mapping.Request!;
        Assert.Equal(("test-001", "Test Restaurant"), (request.OrderId, request.Brand));
        var station = Assert.Single(request.Stations);
        Assert.Equal("Grill Station", station.Station);
        var item = Assert.Single(station.Items);
        Assert.Equal(("0-0", "Burger", 2), (item.LineId, item.Name, item.Quantity));
    }

    [Fact]
    public void A_full_platform_document_keeps_modifiers_notes_and_line_ids_and_ignores_the_rest()
    {
        var document = BsonDocument.Parse("""
            {
              "_id": { "$oid": "674454c0a1b2c3d4e5f60718" },
              "OtterOrderId": "otter-42", "BrandName": "Smash Club", "Status": "NEW",
              "CreatedAt": { "$date": "2026-11-25T11:58:00Z" },
              "Customer": { "Name": "Ada", "Phone": "+44 20 7946 0000" },
              "Delivery": { "Provider": "Courier", "Address": { "Line1": "1 High St" } },
              "Payment": { "Total": 21.5, "Currency": "GBP" },
              "StationOrders": [
                { "OwnStationName": " Grill Station ", "OrderItems": [
                  { "Id": "li-1", "Name": "Smash Burger", "Quantity": 2.0, "Price": 9.5,
                    "Modifiers": [ "no onions", { "Name": "extra cheese", "Price": 1 } ], "Note": "well done" } ] },
                { "OwnStationName": "Fry Station", "OrderItems": [ { "Name": "Fries", "Quantity": { "$numberLong": "1" } } ] }
              ]
            }
            """);

        var mapping = OrderDocumentMapper.Map(document, s_observedAt);

        Assert.True(mapping.IsValid, string.Join("; ", mapping.Reasons));
        var request = mapping.Request!;
        Assert.Equal("674454c0a1b2c3d4e5f60718", request.SourceId);
        Assert.Equal(new DateTime(2026, 11, 25, 11, 58, 0, DateTimeKind.Utc), request.PlacedAt.ToDateTime());
        var burger = request.Stations[0].Items[0];
        Assert.Equal("Grill Station", request.Stations[0].Station);
        Assert.Equal(("li-1", "Smash Burger", 2, "well done"), (burger.LineId, burger.Name, burger.Quantity, burger.Note));
        Assert.Equal(["no onions", "extra cheese"], burger.Modifiers);
        Assert.Equal(("1-0", "Fries", 1), (request.Stations[1].Items[0].LineId, request.Stations[1].Items[0].Name, request.Stations[1].Items[0].Quantity));
    }

    [Fact]
    public void Without_a_placed_at_field_the_ObjectId_creation_time_is_used()
    {
        var document = Orders.Document("o");
        var id = ObjectId.GenerateNewId(new DateTime(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc));
        document["_id"] = id;

        var mapping = OrderDocumentMapper.Map(document, s_observedAt);

        Assert.Equal(id.CreationTime, mapping.Request!.PlacedAt.ToDateTime());
    }

    public static TheoryData<string, Action<BsonDocument>, string> Malformed => new()
    {
        { "no order id", d => d.Remove("OtterOrderId"), "OtterOrderId is missing" },
        { "order id of the wrong type", d => d["OtterOrderId"] = 42, "OtterOrderId must be a string, was Int32" },
        { "empty order id", d => d["OtterOrderId"] = " ", "order_id is required" },
        { "order id too long", d => d["OtterOrderId"] = new string('x', 129), "order_id must be at most 128 characters, was 129" },
        { "no brand", d => d.Remove("BrandName"), "BrandName is missing" },
        { "no stations", d => d.Remove("StationOrders"), "StationOrders is missing" },
        { "stations of the wrong type", d => d["StationOrders"] = "grill", "StationOrders must be an array, was String" },
        { "empty stations", d => d["StationOrders"] = new BsonArray(), "stations must name at least one station" },
        { "station without a name", d => d["StationOrders"][0].AsBsonDocument.Remove("OwnStationName"), "StationOrders[0].OwnStationName is missing" },
        { "station without items", d => d["StationOrders"][0]["OrderItems"] = new BsonArray(), "stations[0].items must hold at least one item" },
        { "items of the wrong type", d => d["StationOrders"][0]["OrderItems"] = 3, "StationOrders[0].OrderItems must be an array, was Int32" },
        { "item that is not a document", d => d["StationOrders"][0]["OrderItems"][0] = "Burger", "StationOrders[0].OrderItems[0] must be a document, was String" },
        { "item without a name", d => Item(d).Remove("Name"), "StationOrders[0].OrderItems[0].Name is missing" },
        { "empty item name", d => Item(d)["Name"] = "", "stations[0].items[0].name is required" },
        { "item name too long", d => Item(d)["Name"] = new string('n', 201), "stations[0].items[0].name must be at most 200 characters, was 201" },
        { "quantity zero", d => Item(d)["Quantity"] = 0, "stations[0].items[0].quantity must be between 1 and 999, was 0" },
        { "negative quantity", d => Item(d)["Quantity"] = -1, "stations[0].items[0].quantity must be between 1 and 999, was -1" },
        { "absurd quantity", d => Item(d)["Quantity"] = 100_000, "stations[0].items[0].quantity must be between 1 and 999, was 100000" },
        { "huge quantity", d => Item(d)["Quantity"] = 1e12, "StationOrders[0].OrderItems[0].Quantity must be between 1 and 999, was 1000000000000" },
        { "fractional quantity", d => Item(d)["Quantity"] = 1.5, "StationOrders[0].OrderItems[0].Quantity must be a whole number, was 1.5" },
        { "quantity as text", d => Item(d)["Quantity"] = "2", "StationOrders[0].OrderItems[0].Quantity must be a number, was String" },
        { "no quantity", d => Item(d).Remove("Quantity"), "StationOrders[0].OrderItems[0].Quantity is missing" },
        { "modifiers of the wrong type", d => Item(d)["Modifiers"] = "none", "StationOrders[0].OrderItems[0].Modifiers must be an array, was String" },
        { "modifier of the wrong type", d => Item(d)["Modifiers"] = new BsonArray { 7 }, "StationOrders[0].OrderItems[0].Modifiers[0] must be a string or a document with a Name, was Int32" },
        { "too many modifiers", d => Item(d)["Modifiers"] = new BsonArray(Enumerable.Repeat("x", 21)), "stations[0].items[0].modifiers must hold at most 20 modifiers, held 21" },
        { "note too long", d => Item(d)["Note"] = new string('n', 501), "stations[0].items[0].note must be at most 500 characters, was 501" },
        { "placed-at of the wrong type", d => d["CreatedAt"] = true, "CreatedAt must be a date, was Boolean" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_document_is_refused_with_a_reason(string why, Action<BsonDocument> breakIt, string reason)
    {
        var document = Orders.Document("malformed");
        breakIt(document);

        var mapping = OrderDocumentMapper.Map(document, s_observedAt);

        Assert.False(mapping.IsValid, why);
        Assert.Null(mapping.Request);
        Assert.Contains(reason, mapping.Reasons);
    }

    [Fact]
    public void A_refused_document_keeps_its_order_id_for_the_record()
    {
        var document = Orders.Document("keep-me", quantity: 0);

        var mapping = OrderDocumentMapper.Map(document, s_observedAt);

        Assert.Equal("keep-me", mapping.OrderId);
    }

    private static BsonDocument Item(BsonDocument document) => document["StationOrders"][0]["OrderItems"][0].AsBsonDocument;
}
