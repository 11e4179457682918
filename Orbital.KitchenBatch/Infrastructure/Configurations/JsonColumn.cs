using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

/// <summary>A list of records kept in one <c>jsonb</c> column, written with the web (camelCase) conventions.</summary>
internal static class JsonColumn<T>
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web);

    public static ValueConverter<List<T>, string> Converter { get; } = new(
        values => JsonSerializer.Serialize(values, s_options),
        json => JsonSerializer.Deserialize<List<T>>(json, s_options) ?? new List<T>());

    public static ValueComparer<List<T>> Comparer { get; } = new(
        (a, b) => a != null && b != null && a.SequenceEqual(b),
        values => values.Aggregate(0, (hash, value) => HashCode.Combine(hash, value)),
        values => values.ToList());
}
