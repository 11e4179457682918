using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orbital.AppHost.Hosting;
using Orbital.AppHost.PostgreSQL;

namespace Orbital.Testing;

/// <summary>
/// A PostgreSQL server for tests that host a service in-process: the machine's binaries, a throw-away data
/// directory, a free port on 127.0.0.1. Prepared the same way the AppHost prepares its local server.
/// </summary>
public sealed class LocalPostgresServer : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"orbital-pg-{Guid.NewGuid():N}");
    private readonly string _password = Convert.ToHexString(Guid.NewGuid().ToByteArray());
    private LocalPostgresDataDirectory? _directory;
    private Process? _server;

    public int Port { get; } = LoopbackPorts.Next();

    /// <summary>
    /// A connection string to <paramref name="database"/> on this server. Idle connections close after 10 s: every
    /// test kitchen has a database (and a connection pool) of its own, and pools outlive the kitchens that used them,
    /// so with the default five minutes a full run's idle connections would use up the server's.
    /// </summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Password = _password,
        Database = database,
        ConnectionIdleLifetime = 10,
        ConnectionPruningInterval = 2,
    }.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        var binaries = PostgresLocator.Find(new HostMachine(null), null)
            ?? throw new InvalidOperationException("PostgreSQL's initdb, postgres and pg_ctl are needed (apt-get install postgresql).");
        _directory = new LocalPostgresDataDirectory(Path.Combine(_root, "data"), binaries, Environment.IsPrivilegedProcess ? "postgres" : null);
        await _directory.PrepareAsync(_password, NullLogger.Instance, CancellationToken.None);
        await StartAsync();
    }

    /// <summary>Starts the server on its port and data (again, after <see cref="StopAsync"/>), and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (_server is { HasExited: false } || _directory is null)
        {
            return;
        }

        _server?.Dispose();
        var (command, arguments) = _directory.CommandFor(
            _directory.Binaries.Postgres,
            ["-D", _directory.Path, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300", "-c", "fsync=off"]);
        _server = Process.Start(new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = _directory.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("postgres did not start.");
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        await Eventually.HoldsAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
            await connection.OpenAsync();
            return true;
        }, "the test PostgreSQL server accepts connections", TimeSpan.FromSeconds(30));
    }

    /// <summary>Creates an empty database for one test class and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
#pragma warning disable CA2100 // The name is generated here from a prefix and a GUID.
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _server?.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    /// <summary>Stops the server at once, as a crash would: clients see their connections fail.</summary>
    public async Task StopAsync()
    {
        if (_server is { HasExited: false } && _directory is not null)
        {
            var (command, arguments) = _directory.CommandFor(_directory.Binaries.PgCtl, ["stop", "-D", _directory.Path, "-m", "immediate", "-w"]);
            using var stop = Process.Start(new ProcessStartInfo(command, arguments) { WorkingDirectory = _directory.Path, RedirectStandardOutput = true, RedirectStandardError = true });
            if (stop is not null)
            {
                await stop.WaitForExitAsync();
            }

            if (!_server.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _server.Kill(entireProcessTree: true);
            }
        }
    }
}
