using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Orbital.Tests.MongoDB;

/// <summary>
/// A real <c>mongod</c> from PATH, started as a one-node replica set in a temp directory for this test run. An
/// outage kills the process; the end of it starts it again on the same port and data.
/// </summary>
internal sealed class LocalMongodServer : IMongoTestServer
{
    private readonly string _mongod;
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("orbital-mongod-").FullName;
    private readonly int _port = FreePort();
    private Process? _process;

    private LocalMongodServer(string mongod) => _mongod = mongod;

    public string Description => $"mongod ({_mongod}) on 127.0.0.1:{_port}";

    public bool CanTruncateHistory => false;

    public bool CanSimulateOutage => true;

    public static async Task<LocalMongodServer> StartAsync(string mongod)
    {
        var server = new LocalMongodServer(mongod);
        await server.StartProcessAsync(initiate: true);
        return server;
    }

    public string ConnectionString(string database) => $"mongodb://127.0.0.1:{_port}/{database}?replicaSet=rs0";

    public Task TruncateHistoryAsync() => throw new NotSupportedException("A real oplog cannot be truncated on demand.");

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
        _process = Process.Start(new ProcessStartInfo(_mongod, ["--replSet", "rs0", "--bind_ip", "127.0.0.1", "--port", _port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dbpath", _dataDirectory, "--quiet"])
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
