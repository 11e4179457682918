using MongoDB.Driver;

namespace Orbital.Testing.MongoDB;

/// <summary>A real server given by <c>ORBITAL_TEST_MONGODB</c>; the tests neither stop it nor touch its oplog.</summary>
internal sealed class ExternalMongoServer(string connectionString) : IMongoTestServer
{
    private readonly MongoUrl _url = MongoUrl.Create(connectionString);

    public string Description => $"the MongoDB at {string.Join(", ", _url.Servers)} (ORBITAL_TEST_MONGODB)";

    public bool CanTruncateHistory => false;

    public bool CanSimulateOutage => false;

    public bool CanKillCursors => false;

    public bool CanFailCommands => false;

    public bool CanStartFresh => false;

    public string ConnectionString(string database) => new MongoUrlBuilder(_url.ToString()) { DatabaseName = database }.ToString();

    public Task TruncateHistoryAsync() => throw new NotSupportedException("A shared server's oplog is not the tests' to truncate.");

    public Task BeginOutageAsync() => throw new NotSupportedException("A shared server is not the tests' to stop.");

    public Task EndOutageAsync() => throw new NotSupportedException("A shared server is not the tests' to stop.");

    public Task KillChangeStreamCursorsAsync() => throw new NotSupportedException("A shared server's cursors are not the tests' to kill.");

    public Task<IMongoTestServer> StartFreshAsync() => throw new NotSupportedException("A shared server cannot be started afresh.");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
