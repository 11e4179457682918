using System.Globalization;
using System.Text;

namespace Orbital.Benchmarks.Chaos;

/// <summary>A chaos run's findings as the markdown of <c>docs/reliability.md</c>.</summary>
internal static class ChaosReport
{
    private const string SingleHeading = "# Reliability: the chaos run";
    private const string ReplicasHeading = "# Reliability with replicas: the chaos run";

    /// <summary>The report file with this run's section replaced (one instance of each service first, then replicas).</summary>
    public static string Replace(string existing, string report, bool replicas)
    {
        static (string Single, string Replicas) Split(string text)
        {
            var at = text.IndexOf(ReplicasHeading, StringComparison.Ordinal);
            return at < 0 ? (text, string.Empty) : (text[..at], text[at..]);
        }

        var (single, withReplicas) = Split(existing);
        return replicas
            ? single.TrimEnd() + Environment.NewLine + Environment.NewLine + report.TrimEnd() + Environment.NewLine
            : (report.TrimEnd() + Environment.NewLine + Environment.NewLine + withReplicas).TrimEnd() + Environment.NewLine;
    }

    public static string Format(ChaosResult result, string command)
    {
        var settings = result.Settings;
        var screens = result.Screens;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"""
            {(settings.Replicas == 1 ? SingleHeading : ReplicasHeading)}

            ```bash
            {command}
            ```

            {Setup(result)}

            {MachineInfo.Describe()}

            ## Result: {(result.Passed ? "passed" : "FAILED")}

            | | |
            |---|---:|
            | orders written | {result.Written:N0} (in {result.WriteSpan.TotalSeconds:0} s) |
            | orders in the kitchen | {result.Written - result.Lost:N0} |
            | lost | {result.Lost} |
            | duplicated | {result.Duplicated} |
            | changes written (a line lowered, an order cancelled) | {result.Changes:N0} |
            | changes the kitchen does not show | {result.ChangesMissed} |
            | kitchen events | {result.Events.Count:N0} |
            | screens that saw every event once, in order | {screens.Count(s => s.Perfect)} of {screens.Count} |
            | events missed / duplicated / out of order, all screens | {screens.Sum(s => s.Missing)} / {screens.Sum(s => s.Duplicates)} / {screens.Sum(s => s.OutOfOrder)} |
            | answers that would make a browser give up | {screens.Sum(s => s.Refusals)} |
            | reconnections per screen | {screens.Min(s => s.Connections) - 1}–{screens.Max(s => s.Connections) - 1} |
            | order service at the end | {OrderServices(result)} |

            ## Faults

            At: from the start of the writing. Recovery: from the end of the fault (the service restarted, the database or
            the network back) until the first order written after it was in the kitchen. Listener: from the leading order
            service's end (kill -9, or the start of a graceful stop) until an order service held the lease again (a new
            fencing token in MongoDB); with one instance that is its own restart.

            | # | fault | at | lasted | recovered in | listener led again after |
            |---:|---|---:|---:|---:|---:|
            """);
        var start = result.StartedAt;
        foreach (var fault in result.Faults)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {fault.Number} | {fault.Kind} | +{(fault.StartedAt - start).TotalSeconds:0} s | {(fault.EndedAt - fault.StartedAt).TotalSeconds:0.0} s | {Seconds(fault.Recovery)} | {Seconds(fault.Failover)} |");
        }

        text.AppendLine();
        text.AppendLine("Longest recovery per fault:");
        text.AppendLine();
        text.AppendLine("| fault | times | longest recovery | longest until the listener led again |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var group in result.Faults.GroupBy(f => f.Kind))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | {group.Count()} | {Seconds(group.Max(f => f.Recovery))} | {Seconds(group.Max(f => f.Failover))} |");
        }

        if (result.Faults.Any(f => f.Detail is not null))
        {
            text.AppendLine();
            text.AppendLine("What each crash and restart hit:");
            text.AppendLine();
            foreach (var fault in result.Faults.Where(f => f.Detail is not null))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{fault.Number}. {fault.Kind}: {fault.Detail}");
            }
        }

        return text.ToString();
    }

    private static string Setup(ChaosResult result)
    {
        var settings = result.Settings;
        var services = settings.Replicas == 1
            ? "both services as processes"
            : $"{settings.Replicas} replicas of each service as processes (each service's endpoint is the orchestrator's proxy in front of its replicas, as a load balancer; the order services elect one listener through their lease in MongoDB, the kitchens share PostgreSQL and hear each other's commits)";
        var crashes = settings.Replicas == 1
            ? "kill -9 of the order service (then a restart), kill -9 of the kitchen (then a restart)"
            : "kill -9 of the order service that leads the listener (then a restart), kill -9 of one kitchen replica (the other one next time; then a restart), a rolling restart (every replica of the kitchen, then of the order service, stopped gracefully and started again, one at a time)";
        return string.Create(CultureInfo.InvariantCulture, $"""
            The whole app through the AppHost on one machine (PostgreSQL from the local binaries, MongoDB: {result.MongoDB},
            {services}, with their production retry timings), while the platform's side writes {settings.Orders:N0} orders at
            {settings.OrdersPerSecond:0.#}/s with the MongoDB driver (lowering a line of every tenth, cancelling every twenty-fifth) and {settings.Screens} screens follow `/api/events`
            through the kitchen's endpoint the way browsers do (reconnecting after the `retry:` delay with `Last-Event-ID`). Every
            {settings.FaultInterval.TotalSeconds:0} s one fault, in turn: {crashes}, PostgreSQL stopped for {settings.Outage.TotalSeconds:0} s, MongoDB
            refusing and dropping connections for {settings.Outage.TotalSeconds:0} s, the change-stream history truncated.
            """);
    }

    private static string OrderServices(ChaosResult result)
    {
        if (result.OrderServiceHoldsNothing)
        {
            return result.Settings.Replicas == 1 ? "Healthy, holding nothing" : $"{result.OrderServices.Count} instances Healthy, holding nothing, one leading";
        }

        return string.Join("<br>", result.OrderServices.Select(s => $"{s.Instance}: `{s.Report}`"));
    }

    private static string Seconds(TimeSpan? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalSeconds:0.0} s") : "—";
}
