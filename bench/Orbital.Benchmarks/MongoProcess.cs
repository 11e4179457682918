using System.Diagnostics;
using Orbital.MongoEmulator;
using Orbital.Testing.MongoDB;

namespace Orbital.Benchmarks;

/// <summary>
/// The MongoDB wire double in a process of its own, as a deployment's MongoDB is: this benchmark's executable started
/// again with the <c>mongo-host</c> verb. While it runs, the app fixture is pointed at it (<c>ORBITAL_TEST_MONGODB</c>),
/// so the emulator's work no longer shares a process (and its thread pool) with the load generator.
/// </summary>
internal sealed class MongoProcess : IAsyncDisposable
{
    private readonly Process _process;

    private MongoProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public static async Task<MongoProcess> StartAsync()
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(MongoProcess).Assembly.Location);
        }

        start.ArgumentList.Add("mongo-host");
        var process = Process.Start(start)!;
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
            ?? throw new InvalidOperationException("The MongoDB process ended before it listened.");
        Environment.SetEnvironmentVariable(MongoDBFixture.ServerVariable, line);
        return new MongoProcess(process, MongoDB.Driver.MongoUrl.Create(line).Server.Port);
    }

    /// <summary>The <c>mongo-host</c> verb: serves until its standard input closes (the benchmark ended or died).</summary>
    public static async Task<int> HostAsync()
    {
        await using var server = MongoWireServer.Start();
        Console.WriteLine(server.ConnectionString(string.Empty));
        await Console.In.ReadToEndAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable(MongoDBFixture.ServerVariable, null);
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
