using Orbital.Contracts.Orders;

namespace Orbital.Contracts.Validation;

/// <summary>
/// The rules an <see cref="OrderRequest"/> must meet to be cooked. Both ends apply them: the order service
/// before it sends (a failure is recorded as a rejected order), the kitchen when it receives (a failure is
/// <c>INVALID_ARGUMENT</c>).
/// </summary>
public static class OrderRequestValidator
{
    /// <summary>Every rule <paramref name="request"/> breaks, as (field path, message); empty when valid.</summary>
    public static IReadOnlyList<OrderFieldError> Validate(OrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<OrderFieldError>();

        RequireText(errors, "order_id", request.OrderId, OrderLimits.MaxIdLength);
        RequireText(errors, "brand", request.Brand, OrderLimits.MaxNameLength);
        if (request.SourceId.Length > OrderLimits.MaxIdLength)
        {
            errors.Add(new("source_id", $"must be at most {OrderLimits.MaxIdLength} characters"));
        }

        if (request.PlacedAt is null)
        {
            errors.Add(new("placed_at", "is required"));
        }

        if (request.Stations.Count == 0)
        {
            errors.Add(new("stations", "must name at least one station"));
        }
        else if (request.Stations.Count > OrderLimits.MaxStations)
        {
            errors.Add(new("stations", $"must name at most {OrderLimits.MaxStations} stations"));
        }

        var lineIds = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < request.Stations.Count; s++)
        {
            ValidateStation(errors, $"stations[{s}]", request.Stations[s], lineIds);
        }

        return errors;
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
            errors.Add(new($"{path}.items", $"must hold at most {OrderLimits.MaxItemsPerStation} items"));
        }

        for (var i = 0; i < station.Items.Count; i++)
        {
            ValidateItem(errors, $"{path}.items[{i}]", station.Items[i], lineIds);
        }
    }

    private static void ValidateItem(List<OrderFieldError> errors, string path, OrderItem item, HashSet<string> lineIds)
    {
        if (RequireText(errors, $"{path}.line_id", item.LineId, OrderLimits.MaxIdLength) && !lineIds.Add(item.LineId))
        {
            errors.Add(new($"{path}.line_id", $"'{item.LineId}' is used by another line of this order"));
        }

        RequireText(errors, $"{path}.name", item.Name, OrderLimits.MaxNameLength);
        if (item.Quantity is < 1 or > OrderLimits.MaxQuantity)
        {
            errors.Add(new($"{path}.quantity", $"must be between 1 and {OrderLimits.MaxQuantity}, was {item.Quantity}"));
        }

        if (item.Modifiers.Count > OrderLimits.MaxModifiersPerItem)
        {
            errors.Add(new($"{path}.modifiers", $"must hold at most {OrderLimits.MaxModifiersPerItem} modifiers"));
        }

        for (var m = 0; m < item.Modifiers.Count; m++)
        {
            RequireText(errors, $"{path}.modifiers[{m}]", item.Modifiers[m], OrderLimits.MaxModifierLength);
        }

        if (item.Note.Length > OrderLimits.MaxNoteLength)
        {
            errors.Add(new($"{path}.note", $"must be at most {OrderLimits.MaxNoteLength} characters"));
        }
    }

    private static bool RequireText(List<OrderFieldError> errors, string field, string value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(field, "is required"));
            return false;
        }

        if (value.Length > maxLength)
        {
            errors.Add(new(field, $"must be at most {maxLength} characters, was {value.Length}"));
            return false;
        }

        return true;
    }
}
