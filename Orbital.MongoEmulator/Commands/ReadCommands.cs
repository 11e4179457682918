using MongoDB.Bson;
using Orbital.MongoEmulator.Query;
using Orbital.MongoEmulator.Storage;

namespace Orbital.MongoEmulator.Commands;

/// <summary><c>find</c> (filter, sort, skip, limit, projection, batches), <c>getMore</c> and <c>killCursors</c>.</summary>
internal static class ReadCommands
{
    private static readonly TimeSpan s_defaultAwaitTime = TimeSpan.FromSeconds(1);

    public static BsonDocument Find(CommandContext context)
    {
        var command = context.Command;
        var ns = $"{context.Database}.{context.CollectionName}";
        var filter = command.GetValue("filter", new BsonDocument()).AsBsonDocument;
        var limit = command.GetValue("limit", 0).ToInt32();
        var documents = context.State.Locked(() =>
        {
            var collection = context.State.Collection(context.Database, context.CollectionName);
            IEnumerable<BsonDocument> matches = collection?.Matching(filter).ToList() ?? [];
            if (command.TryGetValue("sort", out var sort) && sort is BsonDocument sortDocument)
            {
                matches = matches.Order(new SortSpecification(sortDocument));
            }

            matches = matches.Skip(command.GetValue("skip", 0).ToInt32());
            if (limit != 0)
            {
                matches = matches.Take(Math.Abs(limit));
            }

            var projection = command.GetValue("projection", BsonNull.Value) as BsonDocument;
            return matches.Select(d => Project(d.DeepClone().AsBsonDocument, projection)).ToList();
        });

        var singleBatch = limit < 0 || command.GetValue("singleBatch", false).ToBoolean();
        var batchSize = singleBatch ? documents.Count : CursorReplies.BatchSize(command) ?? CursorReplies.DefaultFirstBatchSize;
        var first = documents.Take(batchSize).ToList();
        var rest = new Queue<BsonDocument>(documents.Skip(batchSize));
        var cursorId = rest.Count == 0
            ? 0
            : context.State.RegisterCursor(id => new FindCursor(id, context.Database, context.CollectionName, rest));
        return CursorReplies.First(cursorId, ns, first);
    }

    public static async ValueTask<BsonDocument> GetMore(CommandContext context)
    {
        var cursorId = context.Target.ToInt64();
        var collection = context.Command.GetValue("collection", string.Empty).AsString;
        var cursor = context.State.Cursor(cursorId)
            ?? throw new MongoCommandError(MongoCommandError.CursorNotFound, "CursorNotFound", $"cursor id {cursorId} not found");
        if (cursor.Collection != collection || cursor.Database != context.Database)
        {
            throw new MongoCommandError(13, "Unauthorized", $"Requested getMore on namespace '{context.Database}.{collection}', but cursor belongs to a different namespace {cursor.Namespace}");
        }

        var batchSize = CursorReplies.BatchSize(context.Command);
        return cursor switch
        {
            FindCursor find => NextFindBatch(context, find, batchSize),
            ChangeStreamCursor changes => await NextChangeBatchAsync(context, changes, batchSize),
            _ => throw new InvalidOperationException($"Unknown cursor type {cursor.GetType().Name}."),
        };
    }

    public static BsonDocument KillCursors(CommandContext context)
    {
        var killed = new BsonArray();
        var notFound = new BsonArray();
        foreach (var id in context.Command.GetValue("cursors", new BsonArray()).AsBsonArray)
        {
            (context.State.KillCursor(id.ToInt64()) ? killed : notFound).Add(id);
        }

        return new BsonDocument
        {
            { "cursorsKilled", killed },
            { "cursorsNotFound", notFound },
            { "cursorsAlive", new BsonArray() },
            { "cursorsUnknown", new BsonArray() },
            { "ok", 1.0 },
        };
    }

    /// <summary>
    /// The next events, waiting (awaitData) up to <c>maxTimeMS</c> for some to arrive; an empty batch still
    /// carries a fresh post-batch resume token, which is how a quiet stream's position advances.
    /// </summary>
    public static async ValueTask<BsonDocument> NextChangeBatchAsync(CommandContext context, ChangeStreamCursor cursor, int? batchSize)
    {
        var awaitTime = context.Command.TryGetValue("maxTimeMS", out var maxTime) && maxTime.IsNumeric
            ? TimeSpan.FromMilliseconds(maxTime.ToInt64())
            : s_defaultAwaitTime;
        var deadline = DateTime.UtcNow + awaitTime;
        while (true)
        {
            var batch = context.State.NextChanges(cursor, batchSize ?? int.MaxValue);
            var remaining = deadline - DateTime.UtcNow;
            if (batch.Events.Count > 0 || batch.Closed || remaining <= TimeSpan.Zero)
            {
                return CursorReplies.Next(batch.Closed ? 0 : cursor.Id, cursor.Namespace, batch.Events, batch.PostBatchResumeToken);
            }

            try
            {
                await batch.Appended.WaitAsync(remaining, context.CancellationToken);
            }
            catch (TimeoutException)
            {
                // Nothing arrived: answer with an empty batch and the head's token.
            }
        }
    }

    private static BsonDocument NextFindBatch(CommandContext context, FindCursor cursor, int? batchSize)
    {
        var batch = context.State.Locked(() =>
        {
            var taken = new List<BsonDocument>();
            while (cursor.Remaining.Count > 0 && taken.Count < (batchSize ?? int.MaxValue))
            {
                taken.Add(cursor.Remaining.Dequeue());
            }

            return taken;
        });
        var exhausted = context.State.Locked(() => cursor.Remaining.Count == 0);
        if (exhausted)
        {
            context.State.KillCursor(cursor.Id);
        }

        return CursorReplies.Next(exhausted ? 0 : cursor.Id, cursor.Namespace, batch);
    }

    /// <summary>Top-level inclusion (<c>{ a: 1 }</c>) or exclusion (<c>{ a: 0 }</c>) projections.</summary>
    private static BsonDocument Project(BsonDocument document, BsonDocument? projection)
    {
        if (projection is null || projection.ElementCount == 0)
        {
            return document;
        }

        var inclusion = projection.Any(p => p.Name != "_id" && p.Value.ToBoolean());
        if (!inclusion)
        {
            foreach (var field in projection.Where(p => !p.Value.ToBoolean()))
            {
                DocumentPath.Remove(document, field.Name);
            }

            return document;
        }

        var projected = new BsonDocument();
        if (projection.GetValue("_id", true).ToBoolean() && document.Contains("_id"))
        {
            projected["_id"] = document["_id"];
        }

        foreach (var field in projection.Where(p => p.Name != "_id" && p.Value.ToBoolean()))
        {
            if (DocumentPath.Resolve(document, field.Name).FirstOrDefault() is { } value)
            {
                DocumentPath.Set(projected, field.Name, value);
            }
        }

        return projected;
    }
}
