using MongoDB.Bson;
using Orbital.MongoEmulator.Query;
using Orbital.MongoEmulator.Storage;

namespace Orbital.MongoEmulator.Commands;

/// <summary>
/// <c>aggregate</c>: a change stream (a leading <c>$changeStream</c>, then <c>$match</c> stages), or a plain
/// pipeline of <c>$match $sort $skip $limit $count</c> and a constant-key <c>$group</c> of <c>$sum</c>s (what
/// <c>CountDocuments</c> sends). Any other stage is refused.
/// </summary>
internal static class AggregateCommand
{
    private static readonly string[] s_lookupModes = ["updateLookup", "whenAvailable", "required"];

    public static BsonDocument Aggregate(CommandContext context)
    {
        var pipeline = context.Command.GetValue("pipeline", new BsonArray()).AsBsonArray.Select(s => s.AsBsonDocument).ToList();
        return pipeline.Count > 0 && pipeline[0].GetElement(0).Name == "$changeStream"
            ? OpenChangeStream(context, pipeline)
            : RunPipeline(context, pipeline);
    }

    private static BsonDocument OpenChangeStream(CommandContext context, List<BsonDocument> pipeline)
    {
        var options = pipeline[0][0].AsBsonDocument;
        if (options.GetValue("allChangesForCluster", false).ToBoolean())
        {
            throw MongoCommandError.Bad("cluster-wide change streams are not supported by the wire double");
        }

        var wholeDatabase = context.Target is not BsonString;
        var collection = wholeDatabase ? string.Empty : context.CollectionName;
        var matchStages = pipeline.Skip(1).Select(stage => stage.GetElement(0).Name == "$match"
                ? stage[0].AsBsonDocument
                : throw new MongoCommandError(MongoCommandError.UnrecognizedPipelineStage, "Location40324", $"Unrecognized pipeline stage name after $changeStream: '{stage.GetElement(0).Name}'"))
            .ToList();
        var startAfter = options.GetValue("startAfter", null);
        if (new[] { "resumeAfter", "startAfter", "startAtOperationTime" }.Count(options.Contains) > 1)
        {
            // As a real server answers: one way to say where a stream starts.
            throw new MongoCommandError(40674, "Location40674", "Only one type of resume option is allowed, but multiple were found.");
        }

        var start = new ChangeStreamStart(
            options.GetValue("resumeAfter", null) ?? startAfter,
            options.GetValue("startAtOperationTime", null) as BsonTimestamp,
            StartAfter: startAfter is not null);
        var lookUpUpdates = s_lookupModes.Contains(options.GetValue("fullDocument", "default").AsString);

        var position = context.State.ResolveStart(start);
        var cursorId = context.State.RegisterCursor(id => new ChangeStreamCursor(id, context.Database, collection, wholeDatabase, position, lookUpUpdates, matchStages));
        var cursor = (ChangeStreamCursor)context.State.Cursor(cursorId)!;
        var batch = context.State.NextChanges(cursor, CursorReplies.BatchSize(context.Command) ?? CursorReplies.DefaultFirstBatchSize);
        var ns = wholeDatabase ? $"{context.Database}.$cmd.aggregate" : cursor.Namespace;
        return CursorReplies.First(batch.Closed ? 0 : cursorId, ns, batch.Events, batch.PostBatchResumeToken);
    }

    private static BsonDocument RunPipeline(CommandContext context, List<BsonDocument> pipeline)
    {
        var results = context.State.Locked(() =>
        {
            IEnumerable<BsonDocument> documents = context.State.Collection(context.Database, context.CollectionName)?.Documents.Select(d => d.DeepClone().AsBsonDocument).ToList() ?? [];
            foreach (var stage in pipeline)
            {
                var name = stage.GetElement(0).Name;
                var argument = stage[0];
                documents = name switch
                {
                    "$match" => documents.Where(d => FilterMatcher.Matches(d, argument.AsBsonDocument)).ToList(),
                    "$sort" => documents.Order(new SortSpecification(argument.AsBsonDocument)).ToList(),
                    "$skip" => documents.Skip(argument.ToInt32()).ToList(),
                    "$limit" => documents.Take(argument.ToInt32()).ToList(),
                    "$count" => [new BsonDocument(argument.AsString, documents.Count())],
                    "$group" => Group(documents.ToList(), argument.AsBsonDocument),
                    _ => throw new MongoCommandError(MongoCommandError.UnrecognizedPipelineStage, "Location40324", $"Unrecognized pipeline stage name: '{name}'"),
                };
            }

            return documents.ToList();
        });

        return CursorReplies.First(0, $"{context.Database}.{context.CollectionName}", results);
    }

    private static List<BsonDocument> Group(List<BsonDocument> documents, BsonDocument specification)
    {
        var key = specification["_id"];
        if (key is BsonString { Value: var text } && text.StartsWith('$'))
        {
            throw MongoCommandError.Bad("$group by a field path is not supported by the wire double; only a constant _id is");
        }

        if (documents.Count == 0)
        {
            return [];
        }

        var group = new BsonDocument("_id", key);
        foreach (var accumulator in specification.Where(e => e.Name != "_id"))
        {
            var sum = accumulator.Value is BsonDocument { ElementCount: 1 } op && op.GetElement(0).Name == "$sum" && op[0].IsNumeric
                ? op[0].ToInt64()
                : throw MongoCommandError.Bad($"only {{ $sum: <number> }} accumulators are supported by the wire double, not {accumulator.Value}");
            var total = documents.Count * sum;
            group[accumulator.Name] = total is >= int.MinValue and <= int.MaxValue ? new BsonInt32((int)total) : new BsonInt64(total);
        }

        return [group];
    }
}
