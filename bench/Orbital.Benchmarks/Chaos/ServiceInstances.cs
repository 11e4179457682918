using System.Collections.Concurrent;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orbital.Testing;

namespace Orbital.Benchmarks.Chaos;

/// <summary>
/// Every running instance (replica) of the app's services, as the orchestrator reports them: a replica has an id of
/// its own (<c>kitchen-batch-abcd1234</c>), a process and a port of its own behind the service's shared endpoint.
/// Commands and waits go to one replica by that id; the service's name alone no longer names one process.
/// </summary>
internal sealed class ServiceInstances : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly OrbitalAppFixture _app;
    private readonly Task _watcher;

    public ServiceInstances(OrbitalAppFixture app)
    {
        _app = app;
        _watcher = Task.Run(WatchAsync);
    }

    /// <summary>The replicas of a service as last reported, in a stable order.</summary>
    public IReadOnlyList<ServiceInstance> Of(string service)
        => [.. _latest.Values.Where(e => e.Resource.Name == service).OrderBy(e => e.ResourceId, StringComparer.Ordinal).Select(ServiceInstance.From)];

    /// <summary>
    /// The replica a service process belongs to, if any: the orchestrator reports the process it launched (<c>dotnet
    /// run</c>), and the service runs as a child of it.
    /// </summary>
    public ServiceInstance? WithProcess(string service, int pid)
    {
        var replicas = Of(service);
        for (var current = pid; current > 1; current = ParentOf(current))
        {
            if (replicas.FirstOrDefault(i => i.ProcessId == current) is { } replica)
            {
                return replica;
            }
        }

        return null;
    }

    /// <summary>A process's parent, from <c>/proc/{pid}/stat</c> (0 when it is gone or not on Linux).</summary>
    private static int ParentOf(int pid)
    {
        try
        {
            // "pid (command) state ppid ...": the command may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>SIGKILL to one replica's process tree (no shutdown, no flush); returns once the orchestrator saw it exit.</summary>
    public async Task KillAsync(ServiceInstance instance)
    {
        var pid = instance.ProcessId ?? throw new InvalidOperationException($"{instance.Id} reports no process id.");
        using (var process = System.Diagnostics.Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
        }

        await WaitAsync(instance.Id, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text));
    }

    /// <summary>Stops one replica as the dashboard's Stop does (the process is asked to shut down) and waits until it has exited.</summary>
    public async Task StopAsync(ServiceInstance instance)
    {
        await RunAsync(instance.Id, KnownResourceCommands.StopCommand);
        await WaitAsync(instance.Id, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text));
    }

    /// <summary>Starts a replica that exited (as a supervisor does) and waits until its own <c>/health</c> answers 200.</summary>
    /// <returns>The replica as it runs now (a new process, maybe on a new port).</returns>
    public async Task<ServiceInstance> StartAsync(ServiceInstance instance)
    {
        await RunAsync(instance.Id, KnownResourceCommands.StartCommand);

        // The start replaces the old process. The orchestrator's health check asks the service's shared endpoint,
        // which any replica may answer, so this asks the new process itself.
        await WaitAsync(instance.Id, e => e.Snapshot.State?.Text == KnownResourceStates.Running
            && ServiceInstance.From(e) is { ProcessId: { } pid, Http: not null } && pid != instance.ProcessId);
        var started = ServiceInstance.From(_latest[instance.Id]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(started.Http!, "/health"), timeout.Token);
                if (response.IsSuccessStatusCode)
                {
                    return started;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !timeout.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watcher.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task RunAsync(string id, string command)
    {
        var result = await _app.App.ResourceCommands.ExecuteCommandAsync(id, command, _stop.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"{command} of {id} failed: {result.Message}");
        }
    }

    private async Task WaitAsync(string id, Func<ResourceEvent, bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        while (!(_latest.TryGetValue(id, out var current) && condition(current)))
        {
            await Task.Delay(100, timeout.Token);
        }
    }

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var change in _app.App.ResourceNotifications.WatchAsync(_stop.Token))
            {
                _latest[change.ResourceId] = change;
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}

/// <summary>One replica of a service: its id, state, process and own HTTP address.</summary>
internal sealed record ServiceInstance(string Service, string Id, string? State, HealthStatus? Health, int? ProcessId, Uri? Http)
{
    public bool Running => State == KnownResourceStates.Running;

    public static ServiceInstance From(ResourceEvent change)
    {
        var snapshot = change.Snapshot;
        var pid = snapshot.Properties.FirstOrDefault(p => p.Name.EndsWith(".pid", StringComparison.Ordinal))?.Value;

        // The orchestrator gives each replica a port of its own (the service's endpoint is a proxy in front of them).
        var url = snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "Kestrel__Endpoints__http__Url")?.Value;
        return new ServiceInstance(
            change.Resource.Name,
            change.ResourceId,
            snapshot.State?.Text,
            snapshot.HealthStatus,
            pid is null ? null : Convert.ToInt32(pid, CultureInfo.InvariantCulture),
            url is null ? null : new Uri(url.Replace("localhost", "127.0.0.1", StringComparison.Ordinal)));
    }
}
