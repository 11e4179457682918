using System.Globalization;

namespace Orbital.Benchmarks;

/// <summary>
/// The largest working set (resident memory) each named service process reached while it was sampled, read from
/// <c>/proc</c>: the services run as their own processes under the AppHost, not in the benchmark's.
/// </summary>
internal sealed class ProcessMemory(params string[] processNames) : IAsyncDisposable
{
    private readonly Dictionary<string, long> _peakBytes = processNames.ToDictionary(n => n, _ => 0L);
    private readonly CancellationTokenSource _stop = new();
    private Task? _sampling;

    public void Start() => _sampling = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            Sample();
            await Task.Delay(250, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    });

    /// <summary>The peak working set of <paramref name="processName"/>, in MiB; 0 when it was never seen.</summary>
    public double PeakMiB(string processName)
    {
        lock (_peakBytes)
        {
            return _peakBytes[processName] / (1024.0 * 1024);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_sampling is not null)
        {
            await _sampling;
        }

        _stop.Dispose();
    }

    private void Sample()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var command = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                var name = _peakBytes.Keys.FirstOrDefault(n => Path.GetFileName(command[0]) == n || command.Any(a => a.EndsWith($"/{n}.dll", StringComparison.Ordinal)));
                if (name is null)
                {
                    continue;
                }

                var rss = File.ReadLines(Path.Combine(directory, "status")).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                if (rss is null)
                {
                    continue;
                }

                var bytes = long.Parse(rss.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                lock (_peakBytes)
                {
                    _peakBytes[name] = Math.Max(_peakBytes[name], bytes);
                }
            }
            catch (IOException)
            {
                // The process ended between listing and reading.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
