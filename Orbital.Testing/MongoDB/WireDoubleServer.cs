using Orbital.MongoEmulator;

namespace Orbital.Testing.MongoDB;

/// <summary>The in-memory wire double: every capability, no installation.</summary>
internal sealed class WireDoubleServer : IMongoTestServer
{
    // Shorter than a real primary's 10 s, so tests of idle streams take seconds.
    private static readonly TimeSpan s_noopInterval = TimeSpan.FromSeconds(2);

    private readonly MongoWireServer _server = MongoWireServer.Start(noopInterval: s_noopInterval);

    public string Description => $"the MongoDB wire double on 127.0.0.1:{_server.Port}";

    public bool CanTruncateHistory => true;

    public bool CanSimulateOutage => true;

    public bool CanKillCursors => true;

    public bool CanFailCommands => true;

    public bool CanStartFresh => true;

    public MongoWireServer Server => _server;

    public string ConnectionString(string database) => _server.ConnectionString(database);

    public Task TruncateHistoryAsync()
    {
        _server.TruncateHistory();
        return Task.CompletedTask;
    }

    public Task BeginOutageAsync()
    {
        _server.RefuseConnections = true;
        _server.DropConnections();
        return Task.CompletedTask;
    }

    public Task EndOutageAsync()
    {
        _server.RefuseConnections = false;
        return Task.CompletedTask;
    }

    public Task KillChangeStreamCursorsAsync()
    {
        _server.KillChangeStreamCursors();
        return Task.CompletedTask;
    }

    public Task<IMongoTestServer> StartFreshAsync() => Task.FromResult<IMongoTestServer>(new WireDoubleServer());

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
