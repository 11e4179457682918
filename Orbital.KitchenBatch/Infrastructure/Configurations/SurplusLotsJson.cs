using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

/// <summary>A batch item's surplus lots as a <c>jsonb</c> array of <c>{ "quantity", "since" }</c>.</summary>
internal static class SurplusLotsJson
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web);

    public static ValueConverter<List<SurplusLot>, string> Converter { get; } = new(
        lots => Write(lots),
        json => Read(json));

    public static ValueComparer<List<SurplusLot>> Comparer { get; } = new(
        (a, b) => a != null && b != null && a.SequenceEqual(b),
        lots => lots.Aggregate(0, (hash, lot) => HashCode.Combine(hash, lot)),
        lots => lots.ToList());

    private static string Write(List<SurplusLot> lots) => JsonSerializer.Serialize(lots, s_options);

    private static List<SurplusLot> Read(string json) => JsonSerializer.Deserialize<List<SurplusLot>>(json, s_options) ?? [];
}
