using System.Diagnostics;

namespace Orbital.AppHost.Hosting;

/// <summary>What the machine the AppHost runs on offers: a container runtime, server binaries.</summary>
public interface IHostMachine
{
    /// <summary>Whether a container runtime's engine answers (a CLI without an engine does not count).</summary>
    bool HasContainerRuntime { get; }

    /// <summary>The full path of <paramref name="program"/> if it is on PATH or in <paramref name="extraDirectories"/>.</summary>
    string? FindExecutable(string program, IEnumerable<string>? extraDirectories = null);
}

/// <summary>Reads the real machine; each answer is computed once.</summary>
public sealed class HostMachine(string? configuredRuntime) : IHostMachine
{
    private readonly Lazy<bool> _hasContainerRuntime = new(() => ProbeContainerRuntime(configuredRuntime));

    public bool HasContainerRuntime => _hasContainerRuntime.Value;

    public string? FindExecutable(string program, IEnumerable<string>? extraDirectories = null)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(extraDirectories ?? []);
        return directories
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }

    private static bool ProbeContainerRuntime(string? configuredRuntime)
    {
        string[] runtimes = string.IsNullOrWhiteSpace(configuredRuntime) ? ["docker", "podman"] : [configuredRuntime];
        foreach (var runtime in runtimes)
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (process is null)
                {
                    continue;
                }

                if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }

                if (process.ExitCode == 0)
                {
                    return true;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // The CLI is not installed.
            }
        }

        return false;
    }
}
