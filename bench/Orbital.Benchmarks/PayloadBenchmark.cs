using System.Globalization;
using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using Orbital.AppHost.Simulation;
using Orbital.OrderManagement.Mapping;

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
        var textIds = new List<int>(documents);

        // What the listener adds before sending: the change's cluster time as the revision.
        var revision = ((ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds() << 32) | 7;
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
            mapping.Request!.Revision = revision;
            proto.Add(mapping.Request.CalculateSize());
            textIds.Add(WithTextLineIds(mapping.Request).CalculateSize());
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
            | `OrderRequest`, protobuf, line ids as text | {textIds.Average():N0} | {Percentile(textIds, 0.5):N0} | {Percentile(textIds, 0.95):N0} |
            | `OrderRequest`, protobuf, as sent: GUID line ids as 16 bytes (what the kitchen receives) | {proto.Average():N0} | {Percentile(proto, 0.5):N0} | {Percentile(proto, 0.95):N0} |

            Payload reduction: **{reductionVsJson:P1}** against the JSON document (the original system reported 93 %), {reductionVsBson:P1}
            against BSON; with line ids as text it would be {1 - ((double)textIds.Sum() / json.Sum()):P1}. Every request carries its revision and every
            line its id, so that changes apply line by line.

            A sample document is {Encoding.UTF8.GetByteCount(sample.ToJson(s_json)):N0} bytes of JSON; its request {OrderDocumentMapper.Map(sample, DateTime.UtcNow).Request!.CalculateSize():N0} bytes.

            """);
    }

    private static Orbital.Contracts.Orders.OrderRequest WithTextLineIds(Orbital.Contracts.Orders.OrderRequest request)
    {
        var copy = request.Clone();
        foreach (var item in copy.Stations.SelectMany(s => s.Items))
        {
            item.LineId = Orbital.Contracts.Validation.OrderItemLineIds.LineKey(item);
            item.LineUuid = Google.Protobuf.ByteString.Empty;
        }

        return copy;
    }

    public static double Percentile(IReadOnlyList<int> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(percentile * sorted.Count) - 1)];
    }
}
