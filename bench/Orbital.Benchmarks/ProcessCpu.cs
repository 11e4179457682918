using System.Globalization;

namespace Orbital.Benchmarks;

/// <summary>
/// Where the machine's CPU went during a measurement, by process, read from <c>/proc</c>: the services, PostgreSQL,
/// the MongoDB server, the orchestrator and the load generator (this benchmark's own process) share the same cores,
/// so a latency figure only means something next to who else was busy.
/// </summary>
internal sealed class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux.

    private readonly (string Label, Func<int, string[], bool> Matches)[] _groups;
    private Dictionary<string, long> _start = [];
    private long _machineStart;
    private DateTime _startedAt;

    /// <param name="groups">Each process group: a label, and which process (by id and command line) belongs to it.</param>
    public ProcessCpu(params (string Label, Func<int, string[], bool> Matches)[] groups) => _groups = groups;

    /// <summary>The groups a run of the whole app has: both services, PostgreSQL, the orchestrator, the load generator.</summary>
    public static ProcessCpu ForApp(int? mongoProcess = null) => new(
        ("kitchen", (_, c) => c.Any(a => a.EndsWith("/Orbital.KitchenBatch.dll", StringComparison.Ordinal)) || Path.GetFileName(c[0]) == "Orbital.KitchenBatch"),
        ("order service", (_, c) => c.Any(a => a.EndsWith("/Orbital.OrderManagement.dll", StringComparison.Ordinal)) || Path.GetFileName(c[0]) == "Orbital.OrderManagement"),
        ("PostgreSQL", (_, c) => Path.GetFileName(c[0]).StartsWith("postgres", StringComparison.Ordinal)),
        ("MongoDB (wire double, its own process)", (pid, _) => pid == mongoProcess),
        ("orchestrator (DCP, AppHost)", (_, c) => Path.GetFileName(c[0]) is "dcp" or "dcpproc" or "dcpctrl" || c.Any(a => a.EndsWith("/Orbital.AppHost.dll", StringComparison.Ordinal))),
        ("load generator (this benchmark)", (pid, _) => pid == Environment.ProcessId));

    public void Start()
    {
        _start = Sample();
        _machineStart = MachineBusyTicks();
        _startedAt = DateTime.UtcNow;
    }

    /// <summary>Each group's share of the machine (all cores) since <see cref="Start"/>, and the machine's busy share.</summary>
    public (List<(string Label, double Share)> Groups, double Machine) Stop()
    {
        var end = Sample();
        var elapsed = (DateTime.UtcNow - _startedAt).TotalSeconds * TicksPerSecond * Environment.ProcessorCount;
        var groups = _groups.Select(g => (g.Label, (end.GetValueOrDefault(g.Label) - _start.GetValueOrDefault(g.Label)) / elapsed)).ToList();
        return (groups, (MachineBusyTicks() - _machineStart) / elapsed);
    }

    private Dictionary<string, long> Sample()
    {
        var ticks = new Dictionary<string, long>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var command = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                if (command.Length == 0 || command[0].Length == 0)
                {
                    continue;
                }

                var group = _groups.FirstOrDefault(g => g.Matches(pid, command)).Label;
                if (group is null)
                {
                    continue;
                }

                // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks[group] = ticks.GetValueOrDefault(group)
                    + long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process ended between listing and reading.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return ticks;
    }

    private static long MachineBusyTicks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();

        // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
        return cpu.Sum() - cpu[3] - cpu[4];
    }
}
