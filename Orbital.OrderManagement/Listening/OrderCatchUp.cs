using System.Buffers.Binary;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Orbital.OrderManagement.Diagnostics;
using Orbital.OrderManagement.Forwarding;
using Orbital.OrderManagement.Mapping;

namespace Orbital.OrderManagement.Listening;

/// <summary>
/// Reads the orders collection itself: how orders are found when the change stream can no longer say what
/// happened (its history or checkpoint was lost), and how a listener told to start from the beginning reads what
/// is already there. Orders the kitchen already has come back as duplicates; documents that cannot be orders
/// are recorded again (their record is keyed by <c>_id</c>).
/// </summary>
/// <remarks>
/// MongoDB keeps no insert time per document, so "written since" is approximated, and the approximation is
/// made to err on the side of reading more. From a point in time, a scan reads:
/// <list type="bullet">
/// <item>every document whose ObjectId <c>_id</c> was created after that time less the window, where the window is
/// the configured margin or twice the largest delay between an ObjectId's creation and its insert the listener
/// has observed, whichever is larger;</item>
/// <item>every document whose <c>_id</c> is not an ObjectId, all of them, because such an id tells no time (with a
/// <see cref="OrderListenerOptions.CatchUpTimeField"/>, only those whose field is recent, missing or not a date);</item>
/// <item>with a time field, every document whose field is recent, whatever its <c>_id</c>.</item>
/// </list>
/// See docs/architecture.md for what this guarantees and where it stops.
/// </remarks>
public sealed class OrderCatchUp(
    IMongoDatabase database,
    IOptions<OrderListenerOptions> options,
    IOptions<OrderDocumentFields> documentFields,
    KitchenOrderForwarder kitchen,
    OrderListenerStatus status,
    TimeProvider time)
{
    // Documents asked for at once when re-reading the kitchen's active orders.
    private const int RecheckBatch = 500;

    private readonly IMongoCollection<BsonDocument> _orders = database.GetCollection<BsonDocument>(options.Value.OrdersCollection);
    private readonly OrderListenerOptions _options = options.Value;

    /// <summary>The margin a scan from now would use: the configured one, widened by observed ObjectId delays.</summary>
    public TimeSpan Margin
    {
        get
        {
            // Widened by what was seen, up to a limit: one imported order with a years-old id must not turn every
            // later catch-up into a scan of the whole collection.
            var widened = TimeSpan.FromTicks(Math.Min(status.LargestObjectIdLag.Ticks, _options.CatchUpMarginLimit.Ticks / 2) * 2);
            return widened > _options.CatchUpMargin ? widened : _options.CatchUpMargin;
        }
    }

    /// <summary>Relays every order that may have been written since <paramref name="since"/>, or every order when null.</summary>
    /// <param name="since">The time of the last change known to be dealt with; null for everything.</param>
    /// <param name="revision">
    /// The cluster time the stream beside the scan started at: every document read is at least that new, so the
    /// kitchen applies it over an older state, and the stream's later changes over it.
    /// </param>
    /// <param name="pipeline">Carries what is read to the kitchen, many at a time; drained before this returns.</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    public async Task<CatchUpResult> RunAsync(DateTime? since, ulong revision, OrderRelayPipeline pipeline, CancellationToken cancellationToken)
    {
        var from = since is { } at ? Earlier(at, Margin) : (DateTime?)null;
        var filter = from is null ? new BsonDocument() : SinceFilter(from.Value);
        var scanned = 0;
        var withoutTime = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        using var cursor = await _orders.Find(filter).Sort(new BsonDocument("_id", 1)).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var document in cursor.Current)
            {
                await pipeline.AddAsync(Prepare(document, revision), null, cancellationToken);
                scanned++;
                if (document.GetValue("_id", BsonNull.Value) is not BsonObjectId)
                {
                    withoutTime++;
                }

                if (document.GetValue("OtterOrderId", BsonNull.Value) is BsonString { Value: var orderId })
                {
                    seen.Add(orderId);
                }
            }
        }

        // A scan of everything has seen every order already.
        var (rechecked, withoutDocument) = from is null ? (0, []) : await RecheckActiveOrdersAsync(seen, revision, pipeline, cancellationToken);
        await pipeline.DrainAsync(cancellationToken);
        return new CatchUpResult(from, scanned, withoutTime, rechecked, withoutDocument);
    }

    /// <summary>
    /// Re-reads the documents of the orders the kitchen is still working on that the scan did not read: an order
    /// written before the gap may have been changed or cancelled during it, and the scan selects by when documents
    /// were written. An active order whose document is gone is reported, not cancelled: the document may live
    /// where this listener does not look (another collection, a restore in progress), and cancelling a meal on a
    /// guess is worse than saying so.
    /// </summary>
    /// <returns>How many documents were re-read, and the active orders without a document.</returns>
    private async Task<(int Rechecked, IReadOnlyList<string> WithoutDocument)> RecheckActiveOrdersAsync(HashSet<string> seen, ulong revision, OrderRelayPipeline pipeline, CancellationToken cancellationToken)
    {
        var active = await kitchen.GetActiveOrdersAsync(
            (why, delay) => status.CatchingUp($"Catching up: asking the kitchen which orders it is working on ({why}); asking again in {delay.TotalSeconds:0.0} s."),
            cancellationToken);
        if (active is null)
        {
            // An older kitchen: what was scanned by time is all this catch-up can do; the status says what is not done.
            status.KitchenFallBack("GetActiveOrders", "The kitchen does not answer GetActiveOrders (an older version): the last catch-up could not re-read orders written before its window that the kitchen is still working on, so a change or cancellation of one of them made while the stream was down may be missing. Upgrade the kitchen.");
            return (0, []);
        }

        var unseen = active.Orders.Select(o => o.OrderId).Where(id => !seen.Contains(id)).Distinct().ToList();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in unseen.Chunk(RecheckBatch))
        {
            // $in also matches a document whose OtterOrderId is an array holding one of these ids: such a document is
            // relayed like any other (and so recorded as rejected, by its _id); only a text id names an order found.
            var filter = new BsonDocument("OtterOrderId", new BsonDocument("$in", new BsonArray(batch)));
            using var cursor = await _orders.Find(filter).ToCursorAsync(cancellationToken);
            while (await cursor.MoveNextAsync(cancellationToken))
            {
                foreach (var document in cursor.Current)
                {
                    await pipeline.AddAsync(Prepare(document, revision), null, cancellationToken);
                    if (document.GetValue("OtterOrderId", BsonNull.Value) is BsonString { Value: var orderId })
                    {
                        found.Add(orderId);
                    }
                }
            }
        }

        return (found.Count, [.. unseen.Where(id => !found.Contains(id))]);
    }

    private BsonDocument SinceFilter(DateTime from)
    {
        var recentObjectId = new BsonDocument("_id", new BsonDocument("$gte", SmallestObjectIdAt(from)));
        var notObjectId = new BsonDocument("_id", new BsonDocument("$not", new BsonDocument("$type", "objectId")));
        if (_options.CatchUpTimeField is not { } field)
        {
            return new BsonDocument("$or", new BsonArray { recentObjectId, notObjectId });
        }

        var recentField = new BsonDocument(field, new BsonDocument("$gte", from));
        var noFieldTime = new BsonDocument(field, new BsonDocument("$not", new BsonDocument("$type", "date")));
        return new BsonDocument("$or", new BsonArray
        {
            recentObjectId,
            recentField,
            new BsonDocument("$and", new BsonArray { notObjectId, noFieldTime }),
        });
    }

    /// <summary>The smallest ObjectId created at <paramref name="from"/>: its timestamp followed by zeros.</summary>
    private static ObjectId SmallestObjectIdAt(DateTime from)
    {
        var utc = from.Kind == DateTimeKind.Local ? from.ToUniversalTime() : DateTime.SpecifyKind(from, DateTimeKind.Utc);
        var seconds = (uint)Math.Clamp(new DateTimeOffset(utc).ToUnixTimeSeconds(), 0, uint.MaxValue);
        var bytes = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, seconds);
        return new ObjectId(bytes);
    }

    private static DateTime Earlier(DateTime at, TimeSpan margin)
        => at - DateTime.MinValue > margin ? at - margin : DateTime.SpecifyKind(DateTime.UnixEpoch, DateTimeKind.Utc);

    /// <summary>A document a scan read, mapped, with its trace started.</summary>
    private PreparedChange Prepare(BsonDocument document, ulong revision)
    {
        var pickedUp = DateTimeOffset.UtcNow;
        var change = OrderRelay.Prepare(document, time.GetUtcNow().UtcDateTime, revision, documentFields.Value);
        change.Trace = OrderTracing.StartChange(change, "catch-up", pickedUp, changedAt: null);
        return change;
    }
}

/// <summary>
/// What a catch-up scan read: from when (null: everything), how many documents, how many of them were read
/// because their <c>_id</c> is not an ObjectId and so tells no time, how many documents of orders the kitchen is
/// still working on were re-read besides, and which of those orders have no document any more.
/// </summary>
public sealed record CatchUpResult(DateTime? From, int Scanned, int WithoutTime, int Rechecked, IReadOnlyList<string> WithoutDocument);
