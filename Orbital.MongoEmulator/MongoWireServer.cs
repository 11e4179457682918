using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MongoDB.Bson;
using Orbital.MongoEmulator.Commands;
using Orbital.MongoEmulator.Protocol;
using Orbital.MongoEmulator.Storage;

namespace Orbital.MongoEmulator;

/// <summary>
/// An in-memory MongoDB double that the real MongoDB.Driver talks to over TCP on 127.0.0.1: it answers the
/// handshake as the primary of a one-node replica set (so the driver allows change streams, sessions and
/// retryable writes) and implements the commands Orbital and its tests use, change streams with resume tokens
/// above all. Tests can make it lose history and refuse or drop connections. The tests' MongoDB when no real server
/// is reachable, and the AppHost's development emulator; it keeps everything in memory and is never deployed.
/// </summary>
public sealed class MongoWireServer : IAsyncDisposable
{
    /// <summary>The replica set name the server reports.</summary>
    public const string ReplicaSetName = "rs0";

    private readonly TcpListener _listener;
    private readonly ServerState _state;
    private readonly ServerIdentity _identity;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, Connection> _connections = new();
    private readonly Task _acceptLoop;
    private readonly Task _noopLoop;
    private int _nextConnectionId;
    private int _nextResponseId;

    private MongoWireServer(TimeProvider time, TimeSpan noopInterval, int port)
    {
        NoopInterval = noopInterval;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _state = new ServerState(time);
        _identity = new ServerIdentity($"127.0.0.1:{Port}", ReplicaSetName, ObjectId.GenerateNewId());
        _acceptLoop = Task.Run(AcceptLoopAsync);
        _noopLoop = Task.Run(() => WriteNoopsAsync(time));
    }

    /// <summary>The port the server listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>While true, every new connection is accepted and reset at once, as a server that is down.</summary>
    public bool RefuseConnections { get; set; }

    /// <summary>Starts a server on 127.0.0.1.</summary>
    /// <param name="time">The server's clock.</param>
    /// <param name="noopInterval">How often a no-op is written to the oplog; 10 s, as on a real primary, by default.</param>
    /// <param name="port">The port to listen on; 0 (the default) for a free one.</param>
    public static MongoWireServer Start(TimeProvider? time = null, TimeSpan? noopInterval = null, int port = 0)
        => new(time ?? TimeProvider.System, noopInterval ?? TimeSpan.FromSeconds(10), port);

    /// <summary>A connection string to <paramref name="database"/> naming the replica set, as production ones do.</summary>
    public string ConnectionString(string database) => $"mongodb://127.0.0.1:{Port}/{database}?replicaSet={ReplicaSetName}";

    /// <summary>Resets every open connection, as a server crash or a network cut does.</summary>
    public void DropConnections()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Reset();
        }
    }

    /// <summary>
    /// Forgets all change history so far, as an oplog that rolled over: resuming from an older token fails with
    /// ChangeStreamHistoryLost (286), and an open stream behind it with CappedPositionLost (136).
    /// </summary>
    public void TruncateHistory() => _state.TruncateHistory();

    /// <summary>Closes every open change stream cursor; their next getMore fails with CursorNotFound, which drivers resume from.</summary>
    public int KillChangeStreamCursors() => _state.KillChangeStreamCursors();

    /// <summary>
    /// How often the server writes a no-op to the oplog, as a primary does (every 10 s by default), so that idle
    /// change streams' post-batch tokens move on.
    /// </summary>
    public TimeSpan NoopInterval { get; }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        _listener.Stop();
        DropConnections();
        await _acceptLoop.ContinueWith(_ => { }, TaskScheduler.Default);
        await _noopLoop.ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task WriteNoopsAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(NoopInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                _state.WriteNoop();
            }
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (RefuseConnections)
            {
                new Connection(client).Reset();
                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new Connection(client);
            _connections[id] = connection;
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(connection, id);
                }
                finally
                {
                    _connections.TryRemove(id, out _);
                    connection.Reset();
                }
            });
        }
    }

    private async Task ServeAsync(Connection connection, int connectionId)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, connection.Closed);
        var stream = connection.Client.GetStream();
        try
        {
            while (!lifetime.IsCancellationRequested)
            {
                var request = await WireProtocol.ReadAsync(stream, lifetime.Token);
                if (request is null)
                {
                    return;
                }

                var context = new CommandContext(request.Command, request.Database, _state, _identity, connectionId, lifetime.Token);
                var reply = await CommandDispatcher.DispatchAsync(context);
                if (request.MoreToCome)
                {
                    continue;
                }

                var responseId = Interlocked.Increment(ref _nextResponseId);
                var message = request.IsLegacy
                    ? WireProtocol.OpReplyReply(responseId, request.RequestId, reply)
                    : WireProtocol.OpMsgReply(responseId, request.RequestId, reply);
                await stream.WriteAsync(message, lifetime.Token);
            }
        }
        catch (ConnectionCloseRequestedException)
        {
            connection.Reset();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or SocketException or InvalidDataException)
        {
            // The client went away, the test cut the connection, or it spoke something this double does not.
        }
    }

    /// <summary>One client connection, which a test may reset at any moment, any number of times.</summary>
    private sealed class Connection(TcpClient client)
    {
        private readonly Socket _socket = client.Client;
        private readonly CancellationTokenSource _closed = new();
        private int _reset;

        public TcpClient Client { get; } = client;

        public CancellationToken Closed => _closed.Token;

        public void Reset()
        {
            if (Interlocked.Exchange(ref _reset, 1) == 1)
            {
                return;
            }

            _closed.Cancel();
            try
            {
                // Linger 0: the client sees a reset, as after a crash, not an orderly close.
                _socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The socket is already gone.
            }

            Client.Dispose();
        }
    }
}
