using Google.Protobuf.WellKnownTypes;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;
using Orbital.Testing;

namespace Orbital.Tests.Contracts;

/// <summary>The shared rules both ends apply; what the kitchen's storage and the channel cannot take is refused here.</summary>
public sealed class OrderRequestValidatorTests
{
    [Fact]
    public void A_valid_order_breaks_no_rule()
        => Assert.Empty(OrderRequestValidator.Validate(Orders.Request("valid")));

    [Theory]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301", true)]
    [InlineData("3F2504E0-4F89-11D3-9A0C-0305E82C3301", false)]
    [InlineData("{3f2504e0-4f89-11d3-9a0c-0305e82c3301}", false)]
    [InlineData("li-1", false)]
    public void A_line_id_travels_as_16_bytes_only_when_it_reads_back_as_exactly_the_same_text(string lineId, bool compact)
    {
        var item = new OrderItem();

        item.SetLineKey(lineId);

        Assert.Equal(lineId, item.LineKey());
        Assert.Equal(compact, item.LineUuid.Length == 16);
        Assert.Equal(compact ? string.Empty : lineId, item.LineId);
    }

    [Fact]
    public void A_line_id_used_twice_is_refused_whichever_way_each_travels_and_a_broken_uuid_is_refused()
    {
        const string Guid = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        var twice = Orders.Request("line-twice", ("Grill Station", "Burger", 1), ("Grill Station", "Fries", 1));
        twice.Stations[0].Items[0].SetLineKey(Guid);
        twice.Stations[0].Items[1].LineId = Guid;
        var broken = Orders.Request("line-broken");
        broken.Stations[0].Items[0].LineUuid = Google.Protobuf.ByteString.CopyFrom(1, 2, 3);

        Assert.Contains(OrderRequestValidator.Validate(twice), e => e.Message.Contains("is used by another line", StringComparison.Ordinal));
        Assert.Contains(OrderRequestValidator.Validate(broken), e => e.Field == "stations[0].items[0].line_uuid");
    }

    [Fact]
    public void Half_of_a_surrogate_pair_is_refused_and_a_whole_pair_is_kept()
    {
        var broken = Orders.Request("broken-unicode");
        broken.Stations[0].Items[0].Name = "Burger \ud83c";
        var whole = Orders.Request("whole-unicode");
        whole.Stations[0].Items[0].Name = "Burger \ud83c\udf54";

        var error = Assert.Single(OrderRequestValidator.Validate(broken));

        Assert.Equal(new OrderFieldError("stations[0].items[0].name", "must be valid Unicode (a lone surrogate U+D83C at position 7)"), error);
        Assert.Empty(OrderRequestValidator.Validate(whole));
    }

    [Fact]
    public void A_note_may_hold_tabs_and_line_breaks_but_no_other_control_character()
    {
        var multiline = Orders.Request("note-lines");
        multiline.Stations[0].Items[0].Note = "no onions\r\n\tplease";
        var bell = Orders.Request("note-bell");
        bell.Stations[0].Items[0].Note = "ring\u0007";

        Assert.Empty(OrderRequestValidator.Validate(multiline));
        Assert.Equal("stations[0].items[0].note", Assert.Single(OrderRequestValidator.Validate(bell)).Field);
    }

    [Fact]
    public void Names_may_not_hold_line_breaks()
    {
        var request = Orders.Request("name-break");
        request.Stations[0].Items[0].Modifiers.Add("no\nonions");

        Assert.Equal("stations[0].items[0].modifiers[0]", Assert.Single(OrderRequestValidator.Validate(request)).Field);
    }

    [Fact]
    public void An_order_over_the_size_cap_is_refused_with_its_size()
    {
        var request = Orders.Request("oversize");
        request.Stations.Clear();
        for (var s = 0; s < 6; s++)
        {
            var station = new StationOrder { Station = $"Station {s}" };
            station.Items.AddRange(Enumerable.Range(0, 100).Select(i => new OrderItem { LineId = $"{s}-{i}", Name = "Burger", Quantity = 1, Note = new string('n', 500) }));
            request.Stations.Add(station);
        }

        var error = Assert.Single(OrderRequestValidator.Validate(request));

        Assert.Equal("order", error.Field);
        Assert.StartsWith($"is {request.CalculateSize():N0} bytes, over the limit of 262,144 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_placed_at_outside_the_timestamp_range_is_refused()
    {
        var request = Orders.Request("far-future");
        request.PlacedAt = new Timestamp { Seconds = 8_640_000_000_000 };

        Assert.Equal("placed_at", Assert.Single(OrderRequestValidator.Validate(request)).Field);
    }
}
