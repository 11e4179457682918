using Google.Protobuf.WellKnownTypes;
using Orbital.Contracts.Orders;

namespace Orbital.Contracts.Validation;

/// <summary>
/// The rules an <see cref="OrderRequest"/> must meet to be cooked. Both ends apply them: the order service
/// before it sends (a failure is recorded as a rejected order), the kitchen when it receives (a failure is
/// <c>INVALID_ARGUMENT</c>). They include every limit of the kitchen's storage and of the gRPC channel, so an
/// order that passes can always be sent and stored: a rejection is decided here, once, never by a failure
/// further down that would be retried forever.
/// </summary>
public static class OrderRequestValidator
{
    // The range of google.protobuf.Timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    /// <summary>Every rule <paramref name="request"/> breaks, as (field path, message); empty when valid.</summary>
    public static IReadOnlyList<OrderFieldError> Validate(OrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<OrderFieldError>();

        RequireText(errors, "order_id", request.OrderId, OrderLimits.MaxIdLength);
        RequireText(errors, "brand", request.Brand, OrderLimits.MaxNameLength);
        OptionalText(errors, "source_id", request.SourceId, OrderLimits.MaxIdLength, TextKind.Name);
        ValidatePlacedAt(errors, request.PlacedAt);

        if (request.Stations.Count == 0)
        {
            errors.Add(new("stations", "must name at least one station"));
        }
        else if (request.Stations.Count > OrderLimits.MaxStations)
        {
            errors.Add(new("stations", $"must name at most {OrderLimits.MaxStations} stations, named {request.Stations.Count}"));
        }

        var lineIds = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < request.Stations.Count; s++)
        {
            ValidateStation(errors, $"stations[{s}]", request.Stations[s], lineIds);
        }

        var size = request.CalculateSize();
        if (size > OrderLimits.MaxOrderBytes)
        {
            errors.Add(new("order", $"is {size:N0} bytes, over the limit of {OrderLimits.MaxOrderBytes:N0} bytes"));
        }

        return errors;
    }

    /// <summary>Every rule <paramref name="cancellation"/> breaks, as (field path, message); empty when valid.</summary>
    public static IReadOnlyList<OrderFieldError> Validate(OrderCancellation cancellation)
    {
        ArgumentNullException.ThrowIfNull(cancellation);
        var errors = new List<OrderFieldError>();

        // A deleted document names its order only by its source id; one of the two must say which order it is.
        if (string.IsNullOrWhiteSpace(cancellation.OrderId) && string.IsNullOrWhiteSpace(cancellation.SourceId))
        {
            errors.Add(new("order_id", "or source_id is required: which order is cancelled?"));
        }

        OptionalText(errors, "order_id", cancellation.OrderId, OrderLimits.MaxIdLength, TextKind.Name);
        OptionalText(errors, "source_id", cancellation.SourceId, OrderLimits.MaxIdLength, TextKind.Name);
        OptionalText(errors, "reason", cancellation.Reason, OrderLimits.MaxNameLength, TextKind.Note);
        return errors;
    }

    private static void ValidatePlacedAt(List<OrderFieldError> errors, Timestamp? placedAt)
    {
        if (placedAt is null)
        {
            errors.Add(new("placed_at", "is required"));
        }
        else if (placedAt.Seconds is < MinTimestampSeconds or > MaxTimestampSeconds || placedAt.Nanos is < 0 or > 999_999_999)
        {
            errors.Add(new("placed_at", $"must be a time between the years 1 and 9999, was {placedAt.Seconds} s and {placedAt.Nanos} ns after 1970"));
        }
    }

    private static void ValidateStation(List<OrderFieldError> errors, string path, StationOrder station, HashSet<string> lineIds)
    {
        RequireText(errors, $"{path}.station", station.Station, OrderLimits.MaxNameLength);
        if (station.Items.Count == 0)
        {
            errors.Add(new($"{path}.items", "must hold at least one item"));
        }
        else if (station.Items.Count > OrderLimits.MaxItemsPerStation)
        {
            errors.Add(new($"{path}.items", $"must hold at most {OrderLimits.MaxItemsPerStation} items, held {station.Items.Count}"));
        }

        for (var i = 0; i < station.Items.Count; i++)
        {
            ValidateItem(errors, $"{path}.items[{i}]", station.Items[i], lineIds);
        }
    }

    private static void ValidateItem(List<OrderFieldError> errors, string path, OrderItem item, HashSet<string> lineIds)
    {
        if (item.LineUuid.Length is not (0 or 16) || (item.LineUuid.Length == 16 && item.LineId.Length > 0))
        {
            errors.Add(new($"{path}.line_uuid", "must be 16 bytes, and then line_id empty"));
        }
        else if (RequireText(errors, $"{path}.line_id", item.LineKey(), OrderLimits.MaxIdLength) && !lineIds.Add(item.LineKey()))
        {
            errors.Add(new($"{path}.line_id", $"'{item.LineKey()}' is used by another line of this order"));
        }

        RequireText(errors, $"{path}.name", item.Name, OrderLimits.MaxNameLength);
        if (item.Quantity is < 1 or > OrderLimits.MaxQuantity)
        {
            errors.Add(new($"{path}.quantity", $"must be between 1 and {OrderLimits.MaxQuantity}, was {item.Quantity}"));
        }

        if (item.Modifiers.Count > OrderLimits.MaxModifiersPerItem)
        {
            errors.Add(new($"{path}.modifiers", $"must hold at most {OrderLimits.MaxModifiersPerItem} modifiers, held {item.Modifiers.Count}"));
        }

        var modifiersLength = 0L;
        for (var m = 0; m < item.Modifiers.Count; m++)
        {
            RequireText(errors, $"{path}.modifiers[{m}]", item.Modifiers[m], OrderLimits.MaxModifierLength);
            modifiersLength += item.Modifiers[m].Length;
        }

        if (modifiersLength > OrderLimits.MaxModifiersLength)
        {
            errors.Add(new($"{path}.modifiers", $"must be at most {OrderLimits.MaxModifiersLength} characters together, were {modifiersLength}"));
        }

        OptionalText(errors, $"{path}.note", item.Note, OrderLimits.MaxNoteLength, TextKind.Note);
    }

    private static bool RequireText(List<OrderFieldError> errors, string field, string value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(field, "is required"));
            return false;
        }

        return OptionalText(errors, field, value, maxLength, TextKind.Name);
    }

    private static bool OptionalText(List<OrderFieldError> errors, string field, string value, int maxLength, TextKind kind)
    {
        if (value.Length > maxLength)
        {
            errors.Add(new(field, $"must be at most {maxLength} characters, was {value.Length}"));
            return false;
        }

        if (FindUnstorable(value, kind) is { } problem)
        {
            errors.Add(new(field, problem));
            return false;
        }

        return true;
    }

    /// <summary>
    /// What in <paramref name="value"/> cannot be shown on a ticket or stored as PostgreSQL text (which refuses
    /// NUL outright): control characters (notes may keep tabs and line breaks) and halves of surrogate pairs.
    /// </summary>
    private static string? FindUnstorable(string value, TextKind kind)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) && !(kind == TextKind.Note && c is '\t' or '\n' or '\r'))
            {
                return $"must not contain control characters (U+{(int)c:X4} at position {i})";
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"must be valid Unicode (a lone surrogate U+{(int)c:X4} at position {i})";
            }
        }

        return null;
    }

    private enum TextKind
    {
        Name,
        Note,
    }
}
