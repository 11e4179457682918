using Google.Protobuf.WellKnownTypes;
using MongoDB.Bson;
using Orbital.Contracts.Orders;
using Orbital.Contracts.Validation;

namespace Orbital.OrderManagement.Mapping;

/// <summary>
/// Turns the ordering platform's order document into an <see cref="OrderRequest"/>. The shape follows the
/// platform: <c>OtterOrderId</c>, <c>BrandName</c>, <c>StationOrders[].OwnStationName</c>,
/// <c>StationOrders[].OrderItems[].Name/Quantity</c>, with optional <c>Modifiers</c> (strings or
/// <c>{ Name }</c> documents), <c>Note</c> and line <c>Id</c> (<see cref="OrderLineIds"/>). Unknown fields are ignored. Fields of the wrong
/// type are reasons to reject; the size and value rules are <see cref="OrderRequestValidator"/>'s, shared
/// with the kitchen.
/// </summary>
public static class OrderDocumentMapper
{
    private static readonly string[] s_placedAtFields = ["PlacedAt", "CreatedAt", "OrderedAt"];

    /// <summary>
    /// Every field this mapper reads: what the order the kitchen gets, and whether the document is valid at all,
    /// depend on these and nothing else. An update that touches none of them (a courier's position, a payment status)
    /// changes nothing in the kitchen and is not sent; one that touches any of them is, even when it only mends a
    /// document that was rejected before (a placed-at time corrected), because the mended document is a new order.
    /// </summary>
    public static IReadOnlyList<string> KitchenFields { get; } = KitchenFieldsOf(OrderDocumentFields.Default);

    /// <summary>Every field the mapper reads with <paramref name="fields"/>.</summary>
    public static IReadOnlyList<string> KitchenFieldsOf(OrderDocumentFields fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return ["OtterOrderId", "BrandName", "StationOrders", "Status", .. s_placedAtFields, .. fields.DueAtFields];
    }

    /// <param name="document">The platform's document.</param>
    /// <param name="observedAt">When the change was seen; the placed-at time of last resort.</param>
    /// <param name="fields">Which fields say when it is due and that it is finished; <see cref="OrderDocumentFields.Default"/> when null.</param>
    public static OrderMapping Map(BsonDocument document, DateTime observedAt, OrderDocumentFields? fields = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        fields ??= OrderDocumentFields.Default;
        var reasons = new List<string>();

        if (IsCancelled(document))
        {
            // Nothing else of a cancelled order matters (platforms often strip its items): only which order it is.
            var cancelledId = document.GetValue("OtterOrderId", BsonNull.Value) is BsonString { Value: var id } && !string.IsNullOrWhiteSpace(id) ? id.Trim() : null;
            return OrderMapping.Cancellation(cancelledId, DocumentSourceId.Of(document.GetValue("_id", BsonNull.Value)));
        }

        var orderId = Text(document, "OtterOrderId", "OtterOrderId", reasons, required: true);
        var request = new OrderRequest
        {
            OrderId = orderId ?? string.Empty,
            Brand = Text(document, "BrandName", "BrandName", reasons, required: true) ?? string.Empty,
            PlacedAt = Timestamp.FromDateTime(PlacedAt(document, observedAt, reasons)),
            SourceId = DocumentSourceId.Of(document.GetValue("_id", BsonNull.Value)),
            FinishedStatus = FinishedStatus(document, fields) ?? string.Empty,
        };
        if (DueAt(document, fields, reasons) is { } dueAt)
        {
            request.DueAt = Timestamp.FromDateTime(dueAt);
        }

        if (!document.TryGetValue("StationOrders", out var stations) || stations.IsBsonNull)
        {
            reasons.Add("StationOrders is missing");
        }
        else if (stations is not BsonArray stationArray)
        {
            reasons.Add($"StationOrders must be an array, was {stations.BsonType}");
        }
        else
        {
            var lineIds = new OrderLineIds();
            for (var s = 0; s < stationArray.Count; s++)
            {
                var station = MapStation(stationArray[s], s, lineIds, reasons);
                if (station is not null)
                {
                    request.Stations.Add(station);
                }
            }
        }

        if (reasons.Count > 0)
        {
            return new OrderMapping(null, orderId, reasons);
        }

        var violations = OrderRequestValidator.Validate(request);
        return new OrderMapping(violations.Count == 0 ? request : null, orderId, [.. violations.Select(v => v.ToString())]);
    }

    /// <summary>Whether the platform cancelled the order: its <c>Status</c> is "Cancelled" (or "Canceled"), in any case.</summary>
    public static bool IsCancelled(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.GetValue("Status", BsonNull.Value) is BsonString { Value: var status }
            && (status.Trim().Equals("Cancelled", StringComparison.OrdinalIgnoreCase) || status.Trim().Equals("Canceled", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The platform's status when it is one of <see cref="OrderDocumentFields.FinishedStatuses"/>; null otherwise.</summary>
    public static string? FinishedStatus(BsonDocument document, OrderDocumentFields fields)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(fields);
        return document.GetValue("Status", BsonNull.Value) is BsonString { Value: var status }
            && fields.FinishedStatuses.Any(f => status.Trim().Equals(f, StringComparison.OrdinalIgnoreCase))
                ? status.Trim()
                : null;
    }

    /// <summary>Whether an update changed a field the kitchen cooks by, judged from the paths it set, removed or truncated.</summary>
    public static bool TouchesKitchenFields(IReadOnlyCollection<string> paths, OrderDocumentFields? fields = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var kitchenFields = fields is null ? KitchenFields : KitchenFieldsOf(fields);

        // Nothing said is assumed to matter: sending an unchanged order costs one call, missing a change costs a meal.
        return paths.Count == 0 || paths.Any(path => kitchenFields.Any(field => path == field || path.StartsWith(field + ".", StringComparison.Ordinal)));
    }

    private static StationOrder? MapStation(BsonValue value, int index, OrderLineIds lineIds, List<string> reasons)
    {
        var path = $"StationOrders[{index}]";
        if (value is not BsonDocument station)
        {
            reasons.Add($"{path} must be a document, was {value.BsonType}");
            return null;
        }

        var result = new StationOrder { Station = Text(station, "OwnStationName", $"{path}.OwnStationName", reasons, required: true) ?? string.Empty };
        if (!station.TryGetValue("OrderItems", out var items) || items.IsBsonNull)
        {
            reasons.Add($"{path}.OrderItems is missing");
            return result;
        }

        if (items is not BsonArray itemArray)
        {
            reasons.Add($"{path}.OrderItems must be an array, was {items.BsonType}");
            return result;
        }

        for (var i = 0; i < itemArray.Count; i++)
        {
            var item = MapItem(itemArray[i], $"{path}.OrderItems[{i}]", lineIds, index, i, reasons);
            if (item is not null)
            {
                result.Items.Add(item);
            }
        }

        return result;
    }

    private static OrderItem? MapItem(BsonValue value, string path, OrderLineIds lineIds, int station, int index, List<string> reasons)
    {
        if (value is not BsonDocument item)
        {
            reasons.Add($"{path} must be a document, was {value.BsonType}");
            return null;
        }

        var result = new OrderItem
        {
            Name = Text(item, "Name", $"{path}.Name", reasons, required: true) ?? string.Empty,
            Quantity = Quantity(item, $"{path}.Quantity", reasons),
            Note = Text(item, "Note", $"{path}.Note", reasons, required: false) ?? string.Empty,
        };

        // The platform's own line id when it has a usable one (an update of the order will name it), else the position.
        result.SetLineKey(lineIds.Next(item.GetValue("Id", BsonNull.Value), station, index));

        if (item.TryGetValue("Modifiers", out var modifiers) && !modifiers.IsBsonNull)
        {
            if (modifiers is not BsonArray modifierArray)
            {
                reasons.Add($"{path}.Modifiers must be an array, was {modifiers.BsonType}");
            }
            else
            {
                for (var m = 0; m < modifierArray.Count; m++)
                {
                    var modifier = modifierArray[m] switch
                    {
                        BsonString text => text.Value.Trim(),
                        BsonDocument named => Text(named, "Name", $"{path}.Modifiers[{m}].Name", reasons, required: true),
                        var other => Invalid(reasons, $"{path}.Modifiers[{m}] must be a string or a document with a Name, was {other.BsonType}"),
                    };
                    if (modifier is not null)
                    {
                        result.Modifiers.Add(modifier);
                    }
                }
            }
        }

        return result;
    }

    private static int Quantity(BsonDocument item, string path, List<string> reasons)
    {
        if (!item.TryGetValue("Quantity", out var value) || value.IsBsonNull)
        {
            reasons.Add($"{path} is missing");
            return 0;
        }

        // A whole number of any numeric BSON type; 2.0 is two burgers, 2.5 is not an order.
        decimal? number = value.BsonType switch
        {
            BsonType.Int32 => value.AsInt32,
            BsonType.Int64 => value.AsInt64,
            BsonType.Double when !double.IsNaN(value.AsDouble) && !double.IsInfinity(value.AsDouble) && Math.Abs(value.AsDouble) < 1e15 => (decimal)value.AsDouble,
            BsonType.Decimal128 => TryDecimal(value.AsDecimal128),
            _ => null,
        };

        if (number is null)
        {
            reasons.Add($"{path} must be a number, was {value.BsonType}");
            return 0;
        }

        if (decimal.Truncate(number.Value) != number.Value)
        {
            reasons.Add($"{path} must be a whole number, was {number.Value}");
            return 0;
        }

        if (number.Value is > int.MaxValue or < int.MinValue)
        {
            reasons.Add($"{path} must be between 1 and {OrderLimits.MaxQuantity}, was {number.Value}");
            return 0;
        }

        return (int)number.Value;
    }

    /// <summary>The due time from the first of the due-time fields present; null without one (the kitchen then uses its lead time).</summary>
    private static DateTime? DueAt(BsonDocument document, OrderDocumentFields fields, List<string> reasons)
        => FirstDate(document, fields.DueAtFields, reasons) is (true, var due) ? due : null;

    private static DateTime PlacedAt(BsonDocument document, DateTime observedAt, List<string> reasons)
    {
        if (FirstDate(document, s_placedAtFields, reasons) is (true, var placed))
        {
            return placed ?? observedAt;
        }

        return document.TryGetValue("_id", out var id) && id is BsonObjectId objectId
            ? objectId.Value.CreationTime
            : DateTime.SpecifyKind(observedAt, DateTimeKind.Utc);
    }

    /// <summary>
    /// The first of <paramref name="fields"/> the document has: (true, its date), or (true, null) with a reason added
    /// when it is not a date; (false, null) when it has none of them.
    /// </summary>
    private static (bool Found, DateTime? Date) FirstDate(BsonDocument document, IEnumerable<string> fields, List<string> reasons)
    {
        foreach (var field in fields)
        {
            if (!document.TryGetValue(field, out var value) || value.IsBsonNull)
            {
                continue;
            }

            switch (value)
            {
                case BsonDateTime { IsValidDateTime: false } date:
                    reasons.Add($"{field} is out of range: {date.MillisecondsSinceEpoch} ms after 1970 is not a date between the years 1 and 9999");
                    return (true, null);
                case BsonDateTime date:
                    return (true, date.ToUniversalTime());
                case BsonString text when DateTimeOffset.TryParse(text.Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed):
                    return (true, parsed.UtcDateTime);
                default:
                    reasons.Add($"{field} must be a date, was {value.BsonType}");
                    return (true, null);
            }
        }

        return (false, null);
    }

    private static string? Text(BsonDocument document, string field, string path, List<string> reasons, bool required)
    {
        if (!document.TryGetValue(field, out var value) || value.IsBsonNull)
        {
            if (required)
            {
                reasons.Add($"{path} is missing");
            }

            return null;
        }

        return value is BsonString text
            ? text.Value.Trim()
            : Invalid(reasons, $"{path} must be a string, was {value.BsonType}");
    }

    private static string? Invalid(List<string> reasons, string reason)
    {
        reasons.Add(reason);
        return null;
    }

    private static decimal? TryDecimal(Decimal128 value)
    {
        try
        {
            return Decimal128.ToDecimal(value);
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
