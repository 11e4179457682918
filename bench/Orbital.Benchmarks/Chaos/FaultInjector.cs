using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Orbital.Testing;

namespace Orbital.Benchmarks.Chaos;

/// <summary>Does to the running app what production does to it: crashes, database outages, lost history.</summary>
internal sealed class FaultInjector(OrbitalAppFixture app, TimeSpan outage)
{
    public async Task<Fault> InjectAsync(int number, FaultKind kind)
    {
        var started = DateTime.UtcNow;
        switch (kind)
        {
            case FaultKind.KillOrderService:
                await KillAndRestartAsync("order-management");
                break;
            case FaultKind.KillKitchen:
                await KillAndRestartAsync("kitchen-batch");
                break;
            case FaultKind.StopPostgres:
                await app.StopResourceAsync("postgres");
                await Task.Delay(outage);
                await app.StartResourceAsync("postgres");
                break;
            case FaultKind.MongoOutage:
                await app.Mongo.BeginOutageAsync();
                await Task.Delay(outage);
                await app.Mongo.EndOutageAsync();
                break;
            case FaultKind.TruncateHistory:
                await app.Mongo.TruncateHistoryAsync();
                break;
        }

        return new Fault(number, kind, started, DateTime.UtcNow);
    }

    /// <summary>SIGKILL to the service's whole process tree (no shutdown, no flush), then a start, as a supervisor does.</summary>
    private async Task KillAndRestartAsync(string resource)
    {
        var running = await app.App.ResourceNotifications.WaitForResourceAsync(resource, e => e.Snapshot.State?.Text == KnownResourceStates.Running);
        var pid = running.Snapshot.Properties.FirstOrDefault(p => p.Name.EndsWith(".pid", StringComparison.Ordinal))?.Value
            ?? throw new InvalidOperationException($"{resource} reports no process id.");
        using (var process = Process.GetProcessById(Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture)))
        {
            process.Kill(entireProcessTree: true);
        }

        await app.App.ResourceNotifications.WaitForResourceAsync(resource, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text));
        await app.StartResourceAsync(resource);
    }
}
