using MongoDB.Bson;
using Orbital.Contracts.Validation;
using Orbital.OrderManagement.Mapping;
using Orbital.Testing;

namespace Orbital.Tests.OrderManagement.Mapping;

/// <summary>
/// The ids the order service gives the kitchen: a document's source id names exactly that document (a deletion must
/// cancel its own order), and every line of an order gets a stable id of its own, whatever the platform wrote in
/// <c>Id</c>, without refusing the order.
/// </summary>
public sealed class DocumentIdTests
{
    private static readonly DateTime s_observedAt = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Ids_MongoDB_tells_apart_get_different_source_ids()
    {
        var longA = new string('x', 127) + "a";
        var longB = new string('x', 127) + "b";
        BsonValue[] ids =
        [
            42, "42", ObjectId.Parse("674454c0a1b2c3d4e5f60718"), "674454c0a1b2c3d4e5f60718", 0.5, new BsonDecimal128(0.5m),
            longA, longB, "a\u0001", "a\u0002", "a\"b", "a\\\"b", new BsonDocument("a", 1), true, "true",
        ];

        var sourceIds = ids.Select(DocumentSourceId.Of).ToList();

        Assert.Equal(ids.Length, sourceIds.Distinct(StringComparer.Ordinal).Count());
        Assert.All(sourceIds, id => Assert.InRange(id.Length, 1, 128));
        Assert.All(sourceIds, id => Assert.DoesNotContain(id, c => char.IsControl(c)));
    }

    [Fact]
    public void Ids_MongoDB_holds_equal_share_one_source_id_and_an_ObjectId_reads_as_before()
    {
        Assert.Equal(DocumentSourceId.Of(42), DocumentSourceId.Of(42L));
        Assert.Equal(DocumentSourceId.Of(42), DocumentSourceId.Of(42.0));
        Assert.Equal(DocumentSourceId.Of(42), DocumentSourceId.Of(new BsonDecimal128(42m)));
        Assert.Equal("674454c0a1b2c3d4e5f60718", DocumentSourceId.Of(ObjectId.Parse("674454c0a1b2c3d4e5f60718")));
        Assert.Equal("\"otter-1\"", DocumentSourceId.Of("otter-1"));
        Assert.Equal("42", DocumentSourceId.Of(42));
    }

    [Fact]
    public void A_numeric_or_ObjectId_line_id_is_kept_as_text_and_an_empty_or_odd_one_gives_the_position()
    {
        var document = Orders.Document("ids-numeric");
        var items = document["StationOrders"][0]["OrderItems"].AsBsonArray;
        items[0]["Id"] = 7;
        items.Add(new BsonDocument { { "Id", "  " }, { "Name", "Fries" }, { "Quantity", 1 } });
        items.Add(new BsonDocument { { "Id", ObjectId.Parse("674454c0a1b2c3d4e5f60718") }, { "Name", "Shake" }, { "Quantity", 1 } });
        items.Add(new BsonDocument { { "Id", new BsonDocument("x", 1) }, { "Name", "Pie" }, { "Quantity", 1 } });
        items.Add(new BsonDocument { { "Id", 12.0 }, { "Name", "Cola" }, { "Quantity", 1 } });

        var mapping = OrderDocumentMapper.Map(document, s_observedAt);

        Assert.True(mapping.IsValid, string.Join("; ", mapping.Reasons));
        Assert.Equal(["7", "0-1", "674454c0a1b2c3d4e5f60718", "0-3", "12"], mapping.Request!.Stations[0].Items.Select(i => i.LineId));
    }

    [Fact]
    public void Line_ids_that_collide_get_their_position_appended_and_the_order_is_not_refused()
    {
        var document = Orders.Document("ids-collide");
        var items = document["StationOrders"][0]["OrderItems"].AsBsonArray;
        items[0]["Id"] = "0-1";
        items.Add(new BsonDocument { { "Name", "Fries" }, { "Quantity", 1 } });
        items.Add(new BsonDocument { { "Id", "0-1" }, { "Name", "Shake" }, { "Quantity", 1 } });
        items.Add(new BsonDocument { { "Id", new string('l', 300) }, { "Name", "Pie" }, { "Quantity", 1 } });

        var first = OrderDocumentMapper.Map(document, s_observedAt);
        var again = OrderDocumentMapper.Map(document, s_observedAt);

        Assert.True(first.IsValid, string.Join("; ", first.Reasons));
        var ids = first.Request!.Stations[0].Items.Select(i => i.LineKey()).ToList();
        Assert.Equal(["0-1", "0-1@0-1", "0-1@0-2"], ids.Take(3));
        Assert.Equal(128, ids[3].Length);
        Assert.Equal(ids, again.Request!.Stations[0].Items.Select(i => i.LineKey()));
    }

    [Fact]
    public void Every_field_the_mapper_reads_is_a_kitchen_field_so_a_mended_document_is_sent()
    {
        Assert.True(OrderDocumentMapper.TouchesKitchenFields(["PlacedAt"]));
        Assert.True(OrderDocumentMapper.TouchesKitchenFields(["CreatedAt"]));
        Assert.True(OrderDocumentMapper.TouchesKitchenFields(["StationOrders.0.OrderItems.0.Quantity"]));
        Assert.False(OrderDocumentMapper.TouchesKitchenFields(["Courier.Position"]));
    }
}
