using MongoDB.Bson;
using MongoDB.Driver;

namespace Orbital.Tests.MongoDB;

/// <summary>How the conformance tests open and read change streams, and wait for a server that comes back.</summary>
internal static class ChangeStreams
{
    private static readonly TimeSpan s_eventTimeout = TimeSpan.FromSeconds(15);

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static ChangeStreamOptions Options(
        ChangeStreamFullDocumentOption fullDocument = ChangeStreamFullDocumentOption.Default,
        BsonDocument? resumeAfter = null,
        TimeSpan? maxAwait = null)
        => new() { FullDocument = fullDocument, ResumeAfter = resumeAfter, MaxAwaitTime = maxAwait ?? TimeSpan.FromMilliseconds(200) };

    /// <summary>Reads until <paramref name="count"/> events arrived, the stream ended, or <paramref name="timeout"/> passed.</summary>
    public static async Task<List<ChangeStreamDocument<BsonDocument>>> ReadAsync(
        IChangeStreamCursor<ChangeStreamDocument<BsonDocument>> stream,
        int count,
        TimeSpan? timeout = null)
    {
        var changes = new List<ChangeStreamDocument<BsonDocument>>();
        var deadline = DateTime.UtcNow + (timeout ?? s_eventTimeout);
        while (changes.Count < count && DateTime.UtcNow < deadline && await stream.MoveNextAsync(Cancellation))
        {
            changes.AddRange(stream.Current);
        }

        return changes;
    }

    /// <summary>Runs <paramref name="action"/> until it succeeds, for up to 30 seconds.</summary>
    public static async Task Eventually(Func<Task> action)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await action();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250, Cancellation);
            }
        }
    }

    /// <summary>Sets the <c>failCommand</c> fail point for <paramref name="times"/> commands (negative: always; zero: off).</summary>
    public static Task FailCommandsAsync(IMongoClient client, int times, string[] commands, int errorCode, params string[] errorLabels)
    {
        var data = new BsonDocument
        {
            { "failCommands", new BsonArray(commands) },
            { "errorCode", errorCode },
        };
        if (errorLabels.Length > 0)
        {
            data["errorLabels"] = new BsonArray(errorLabels);
        }

        var command = new BsonDocument
        {
            { "configureFailPoint", "failCommand" },
            { "mode", times switch { 0 => "off", < 0 => "alwaysOn", _ => new BsonDocument("times", times) } },
            { "data", data },
        };
        return client.GetDatabase("admin").RunCommandAsync<BsonDocument>(command, cancellationToken: Cancellation);
    }
}
