using MongoDB.Bson;
using Orbital.OrderManagement.Mapping;
using Orbital.Testing;

namespace Orbital.Tests.OrderManagement.Mapping;

/// <summary>When the platform's document says an order is due, and that it is finished: the fields, configurable.</summary>
public sealed class DueTimeAndFinishTests
{
    private static readonly DateTime s_observedAt = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_pickup_time_is_the_due_time_and_without_one_the_kitchen_decides()
    {
        var scheduled = Orders.Document("due-1");
        scheduled["PickupTime"] = new BsonDateTime(new DateTime(2026, 11, 25, 14, 30, 0, DateTimeKind.Utc));
        var asap = Orders.Document("due-2");

        var withPickup = OrderDocumentMapper.Map(scheduled, s_observedAt).Request!;
        var without = OrderDocumentMapper.Map(asap, s_observedAt).Request!;

        Assert.Equal(new DateTime(2026, 11, 25, 14, 30, 0, DateTimeKind.Utc), withPickup.DueAt.ToDateTime());
        Assert.Null(without.DueAt);
    }

    [Fact]
    public void Another_platforms_field_name_is_read_when_configured_and_a_bad_value_is_a_reason_to_reject()
    {
        var document = Orders.Document("due-3");
        document["ReadyBy"] = "2026-11-25T13:05:00Z";
        var fields = new OrderDocumentFields { DueAtFields = ["ReadyBy"] };
        var broken = Orders.Document("due-4");
        broken["PickupTime"] = 42;

        Assert.Equal(new DateTime(2026, 11, 25, 13, 5, 0, DateTimeKind.Utc), OrderDocumentMapper.Map(document, s_observedAt, fields).Request!.DueAt.ToDateTime());
        Assert.Null(OrderDocumentMapper.Map(document, s_observedAt).Request!.DueAt);
        var rejected = OrderDocumentMapper.Map(broken, s_observedAt);
        Assert.False(rejected.IsValid);
        Assert.Contains("PickupTime must be a date, was Int32", rejected.Reasons);
        Assert.True(OrderDocumentMapper.TouchesKitchenFields(["ReadyBy"], fields));
        Assert.True(OrderDocumentMapper.TouchesKitchenFields(["PickupTime"]));
    }

    [Theory]
    [InlineData("PickedUp", "PickedUp")]
    [InlineData("delivered", "delivered")]
    [InlineData(" COMPLETED ", "COMPLETED")]
    [InlineData("NEW", "")]
    [InlineData("Preparing", "")]
    public void A_finished_status_is_sent_as_it_was_written_and_any_other_is_not(string status, string expected)
    {
        var document = Orders.Document("finish");
        document["Status"] = status;

        var mapping = OrderDocumentMapper.Map(document, s_observedAt);

        Assert.True(mapping.IsValid);
        Assert.False(mapping.IsCancellation);
        Assert.Equal(expected, mapping.Request!.FinishedStatus);
    }

    [Fact]
    public void Cancelled_stays_a_cancellation_and_configured_finished_statuses_are_honoured()
    {
        var cancelled = Orders.Document("cancel");
        cancelled["Status"] = "Cancelled";
        var handedOver = Orders.Document("handed");
        handedOver["Status"] = "HANDED_TO_COURIER";

        Assert.True(OrderDocumentMapper.Map(cancelled, s_observedAt).IsCancellation);
        Assert.Equal(string.Empty, OrderDocumentMapper.Map(handedOver, s_observedAt).Request!.FinishedStatus);
        Assert.Equal("HANDED_TO_COURIER", OrderDocumentMapper.Map(handedOver, s_observedAt, new OrderDocumentFields { FinishedStatuses = ["HANDED_TO_COURIER"] }).Request!.FinishedStatus);
    }
}
