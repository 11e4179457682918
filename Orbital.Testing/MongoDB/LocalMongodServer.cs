using System.Diagnostics;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Orbital.Testing.MongoDB;

/// <summary>
/// A real <c>mongod</c> from PATH, started as a one-node replica set in a temp directory for this test run, with
/// a 1 MB oplog (so history can be rolled over by writing) and test commands (so the <c>failCommand</c> fail
/// point works). An outage kills the process; the end of it starts it again on the same port and data.
/// </summary>
internal sealed class LocalMongodServer : IMongoTestServer
{
    private readonly string _mongod;
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("orbital-mongod-").FullName;
    private readonly int _port = LoopbackPorts.Next();
    private Process? _process;

    private LocalMongodServer(string mongod) => _mongod = mongod;

    public string Description => $"mongod ({_mongod}) on 127.0.0.1:{_port}";

    public bool CanTruncateHistory => true;

    public bool CanSimulateOutage => true;

    public bool CanKillCursors => false;

    public bool CanFailCommands => true;

    public bool CanStartFresh => true;

    public static async Task<LocalMongodServer> StartAsync(string mongod)
    {
        var server = new LocalMongodServer(mongod);
        await server.StartProcessAsync(initiate: true);
        return server;
    }

    public string ConnectionString(string database) => $"mongodb://127.0.0.1:{_port}/{database}?replicaSet=rs0";

    /// <summary>Rolls the 1 MB oplog over by writing filler until its oldest entry is newer than its newest one was.</summary>
    public async Task TruncateHistoryAsync()
    {
        using var client = new MongoClient(ConnectionString("admin"));
        var oplog = client.GetDatabase("local").GetCollection<BsonDocument>("oplog.rs");
        var natural = (int direction) => oplog.Find(FilterDefinition<BsonDocument>.Empty).Sort(new BsonDocument("$natural", direction)).Limit(1).FirstAsync();
        var newest = (await natural(-1))["ts"].AsBsonTimestamp;
        var filler = client.GetDatabase("orbital_filler").GetCollection<BsonDocument>("filler");
        var blob = new string('x', 256 * 1024);
        for (var round = 0; round < 200 && (await natural(1))["ts"].AsBsonTimestamp.CompareTo(newest) <= 0; round++)
        {
            await filler.InsertManyAsync(Enumerable.Range(0, 4).Select(_ => new BsonDocument("x", blob)));
        }

        await client.DropDatabaseAsync("orbital_filler");
    }

    public Task KillChangeStreamCursorsAsync() => throw new NotSupportedException("Killing a real server's change stream cursors is not implemented for tests.");

    public async Task<IMongoTestServer> StartFreshAsync() => await StartAsync(_mongod);

    public async Task BeginOutageAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public Task EndOutageAsync() => StartProcessAsync(initiate: false);

    public async ValueTask DisposeAsync()
    {
        await BeginOutageAsync();
        _process?.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private async Task StartProcessAsync(bool initiate)
    {
        _process?.Dispose();
        _process = Process.Start(new ProcessStartInfo(_mongod, ["--replSet", "rs0", "--oplogSize", "1", "--setParameter", "enableTestCommands=1", "--bind_ip", "127.0.0.1", "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dbpath", _dataDirectory, "--quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not start {_mongod}.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = new MongoClient($"mongodb://127.0.0.1:{_port}/?directConnection=true&serverSelectionTimeoutMS=30000");
        var admin = client.GetDatabase("admin");
        if (initiate)
        {
            var config = new BsonDocument
            {
                { "_id", "rs0" },
                { "members", new BsonArray { new BsonDocument { { "_id", 0 }, { "host", $"127.0.0.1:{_port}" } } } },
            };
            await admin.RunCommandAsync<BsonDocument>(new BsonDocument("replSetInitiate", config));
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await admin.RunCommandAsync<BsonDocument>(new BsonDocument("hello", 1))).GetValue("isWritablePrimary", false).ToBoolean())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"mongod on port {_port} did not become primary within a minute.");
            }

            await Task.Delay(200);
        }
    }
}
