using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Orbital.Testing;

/// <summary>
/// The real Orbital app, started once per test collection through the AppHost: PostgreSQL from the
/// machine's binaries in a throw-away data directory, both services, and whatever MongoDB a subclass gives.
/// Every resource's console output is written to <c>TestResults/resource-logs/{run}/{resource}.log</c>.
/// </summary>
public abstract class DistributedAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(3);
    private readonly string _workDirectory = Path.Combine(Path.GetTempPath(), $"orbital-tests-{Guid.NewGuid():N}");
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _logWriters = [];
    private readonly HashSet<string> _loggedResources = [];

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Where this run keeps its resource logs.</summary>
    public string LogDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "resource-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);

    /// <summary>AppHost configuration for this app, as <c>key=value</c>.</summary>
    protected abstract IEnumerable<string> Settings { get; }

    public virtual async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(s_startTimeout);
        string[] args =
        [
            "--Orbital:PostgreSQL:Hosting=Local",
            $"--Orbital:PostgreSQL:DataDirectory={Path.Combine(_workDirectory, "postgres")}",
            .. Settings.Select(s => $"--{s}"),
        ];

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Orbital_AppHost>(args, timeout.Token);
        ConfigureBuilder(builder);
        Directory.CreateDirectory(LogDirectory);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>((@event, _) =>
        {
            StartLogWriter(@event.Resource, @event.Services.GetRequiredService<ResourceLoggerService>());
            return Task.CompletedTask;
        });
        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("kitchen-batch", timeout.Token);
        await App.ResourceNotifications.WaitForResourceAsync("order-management", KnownResourceStates.Running, timeout.Token);
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (App is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await App.StopAsync(timeout.Token);
            await App.DisposeAsync();
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(_logWriters).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();

        if (Directory.Exists(_workDirectory))
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
    }

    /// <summary>Stops a resource (as the dashboard's Stop button does) and waits until it has exited.</summary>
    public async Task StopResourceAsync(string name)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(name, KnownResourceCommands.StopCommand, TestContext.Current.CancellationToken);
        Assert.True(result.Success, $"Stopping {name} failed: {result.Message}");
        await App.ResourceNotifications.WaitForResourceAsync(name, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), TestContext.Current.CancellationToken);
    }

    /// <summary>Starts a stopped resource and waits until it is healthy.</summary>
    public async Task StartResourceAsync(string name)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(name, KnownResourceCommands.StartCommand, TestContext.Current.CancellationToken);
        Assert.True(result.Success, $"Starting {name} failed: {result.Message}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(s_startTimeout);
        // Right after the command the resource may still show the state it stopped in, which the default behaviour
        // takes for a failed start; a start that really fails ends in the timeout.
        await App.ResourceNotifications.WaitForResourceHealthyAsync(name, WaitBehavior.WaitOnResourceUnavailable, timeout.Token);
    }

    /// <summary>Adjusts the app model before it is built (a subclass's resources, environment, ...).</summary>
    protected virtual void ConfigureBuilder(IDistributedApplicationTestingBuilder builder)
    {
        // A test app has no dashboard, yet Aspire still points the services' OTLP exporters at its address,
        // where nothing answers: every stop would wait out the exporters' 10 s flush timeout.
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(project).WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", string.Empty);
        }
    }

    /// <summary>The value the AppHost gave a parameter (a generated secret, say).</summary>
    public async Task<string> ParameterValueAsync(string name)
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(p => p.Name == name);
        return (await parameter.GetValueAsync(CancellationToken.None))!;
    }

    /// <summary>An HTTP client for a service's named endpoint.</summary>
    public HttpClient CreateHttpClient(string resource, string endpoint = "http") => App.CreateHttpClient(resource, endpoint);

    /// <summary>The URL of a service's named endpoint.</summary>
    public Uri GetEndpoint(string resource, string endpoint) => App.GetEndpoint(resource, endpoint);

    private void StartLogWriter(IResource resource, ResourceLoggerService loggers)
    {
        lock (_logWriters)
        {
            // A restarted resource keeps its log stream; one writer per resource is enough.
            if (!_loggedResources.Add(resource.Name))
            {
                return;
            }

            _logWriters.Add(Task.Run(async () =>
            {
                await using var file = new StreamWriter(Path.Combine(LogDirectory, resource.Name + ".log")) { AutoFlush = true };
                try
                {
                    await foreach (var batch in loggers.WatchAsync(resource).WithCancellation(_stopping.Token))
                    {
                        foreach (var line in batch)
                        {
                            await file.WriteLineAsync(line.Content);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // The app is gone.
                }
            }));
        }
    }
}
