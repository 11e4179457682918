using System.Text.Json;

namespace Orbital.KitchenBatch.Model;

/// <summary>How the kitchen writes JSON for screens: the web defaults (camelCase), in the API and the event stream alike.</summary>
public static class KitchenJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
