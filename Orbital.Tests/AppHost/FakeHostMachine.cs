using Orbital.AppHost.Hosting;

namespace Orbital.Tests.AppHost;

/// <summary>A machine with exactly the programs and container runtime a test says it has.</summary>
internal sealed class FakeHostMachine(bool hasContainerRuntime, params string[] programs) : IHostMachine
{
    public bool HasContainerRuntime { get; } = hasContainerRuntime;

    public string? FindExecutable(string program, IEnumerable<string>? extraDirectories = null)
        => programs.Contains(program) ? $"/opt/fake/bin/{program}" : null;
}
