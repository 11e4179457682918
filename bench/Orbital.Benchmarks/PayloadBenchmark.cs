using System.Globalization;
using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using Orbital.OrderManagement.Model;

namespace Orbital.Benchmarks;

/// <summary>
/// How much smaller the order is on the wire to the kitchen than the document the platform stores: each generated
/// document, as compact JSON and as BSON, against the <c>OrderRequest</c> the order service's own mapper makes of it.
/// </summary>
internal static class PayloadBenchmark
{
    private static readonly JsonWriterSettings s_json = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson, Indent = false };

    public static string Run(int documents)
    {
        var generator = new PlatformOrderGenerator(seed: 20261125);
        var json = new List<int>(documents);
        var bson = new List<int>(documents);
        var proto = new List<int>(documents);
        for (var i = 0; i < documents; i++)
        {
            var document = generator.Next();
            var mapping = OrderDocumentMapper.Map(document, DateTime.UtcNow);
            if (!mapping.IsValid)
            {
                throw new InvalidOperationException($"A generated order was rejected: {string.Join("; ", mapping.Reasons)}");
            }

            json.Add(Encoding.UTF8.GetByteCount(document.ToJson(s_json)));
            bson.Add(document.ToBson().Length);
            proto.Add(mapping.Request!.CalculateSize());
        }

        var reductionVsJson = 1 - ((double)proto.Sum() / json.Sum());
        var reductionVsBson = 1 - ((double)proto.Sum() / bson.Sum());
        var sample = generator.Next("otter-sample");
        return string.Create(CultureInfo.InvariantCulture, $"""
            ## Payload: platform document vs OrderRequest

            {documents:N0} generated orders (1–3 stations, 1–3 items per station, 0–2 modifiers per item, with customer,
            delivery, payment, prices, status history and metadata).

            | form | mean bytes | median | p95 |
            |---|---:|---:|---:|
            | platform document, compact JSON | {json.Average():N0} | {Percentile(json, 0.5):N0} | {Percentile(json, 0.95):N0} |
            | platform document, BSON (what the change stream delivers) | {bson.Average():N0} | {Percentile(bson, 0.5):N0} | {Percentile(bson, 0.95):N0} |
            | `OrderRequest`, protobuf (what the kitchen receives) | {proto.Average():N0} | {Percentile(proto, 0.5):N0} | {Percentile(proto, 0.95):N0} |

            Payload reduction: **{reductionVsJson:P1}** against the JSON document, {reductionVsBson:P1} against BSON.

            A sample document is {Encoding.UTF8.GetByteCount(sample.ToJson(s_json)):N0} bytes of JSON; its request {OrderDocumentMapper.Map(sample, DateTime.UtcNow).Request!.CalculateSize():N0} bytes.

            """);
    }

    public static double Percentile(IReadOnlyList<int> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(percentile * sorted.Count) - 1)];
    }
}
