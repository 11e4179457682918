using MongoDB.Bson;

namespace Orbital.MongoEmulator.Commands;

/// <summary>The <c>{ cursor: { firstBatch | nextBatch, id, ns }, ok: 1 }</c> shape every cursor command answers with.</summary>
internal static class CursorReplies
{
    public const int DefaultFirstBatchSize = 101;

    public static BsonDocument First(long cursorId, string ns, IEnumerable<BsonDocument> batch, BsonDocument? postBatchResumeToken = null)
        => Build("firstBatch", cursorId, ns, batch, postBatchResumeToken);

    public static BsonDocument Next(long cursorId, string ns, IEnumerable<BsonDocument> batch, BsonDocument? postBatchResumeToken = null)
        => Build("nextBatch", cursorId, ns, batch, postBatchResumeToken);

    /// <summary>The requested batch size, from <c>cursor.batchSize</c> (aggregate) or <c>batchSize</c> (find, getMore).</summary>
    public static int? BatchSize(BsonDocument command)
    {
        if (command.TryGetValue("batchSize", out var size) && size.IsNumeric && size.ToInt32() > 0)
        {
            return size.ToInt32();
        }

        if (command.TryGetValue("cursor", out var cursor) && cursor is BsonDocument options
            && options.TryGetValue("batchSize", out var nested) && nested.IsNumeric && nested.ToInt32() > 0)
        {
            return nested.ToInt32();
        }

        return null;
    }

    private static BsonDocument Build(string batchName, long cursorId, string ns, IEnumerable<BsonDocument> batch, BsonDocument? postBatchResumeToken)
    {
        var cursor = new BsonDocument { { batchName, new BsonArray(batch) } };
        if (postBatchResumeToken is not null)
        {
            cursor["postBatchResumeToken"] = postBatchResumeToken;
        }

        cursor["id"] = cursorId;
        cursor["ns"] = ns;
        return new BsonDocument { { "cursor", cursor }, { "ok", 1.0 } };
    }
}
