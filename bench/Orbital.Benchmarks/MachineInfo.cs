using System.Runtime.InteropServices;

namespace Orbital.Benchmarks;

/// <summary>What the numbers were measured on.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"""
            ## Machine

            - {Environment.ProcessorCount} cores{(cpu is null ? string.Empty : $" ({cpu})")}, {memory:0} GiB
            - {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}
            - {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC

            """;
    }
}
