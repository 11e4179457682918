using System.Globalization;
using System.Text;

namespace Orbital.Benchmarks.Chaos;

/// <summary>A chaos run's findings as the markdown of <c>docs/reliability.md</c>.</summary>
internal static class ChaosReport
{
    public static string Format(ChaosResult result, string command)
    {
        var settings = result.Settings;
        var screens = result.Screens;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"""
            # Reliability: the chaos run

            ```bash
            {command}
            ```

            The whole app through the AppHost on one machine (PostgreSQL from the local binaries, MongoDB: {result.MongoDB},
            both services as processes with their production retry timings), while the platform's side writes {settings.Orders:N0} orders at
            {settings.OrdersPerSecond:0.#}/s with the MongoDB driver (lowering a line of every tenth, cancelling every twenty-fifth) and {settings.Screens} screens follow `/api/events`
            the way browsers do (reconnecting after the `retry:` delay with `Last-Event-ID`). Every
            {settings.FaultInterval.TotalSeconds:0} s one fault, in turn: kill -9 of the order service (then a restart),
            kill -9 of the kitchen (then a restart), PostgreSQL stopped for {settings.Outage.TotalSeconds:0} s, MongoDB
            refusing and dropping connections for {settings.Outage.TotalSeconds:0} s, the change-stream history truncated.

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
            | order service at the end | {(result.OrderServiceHoldsNothing ? "Healthy, holding nothing" : result.OrderServiceHealth.ToString())} |

            ## Faults

            At: from the start of the writing. Recovery: from the end of the fault (the service restarted, the database or
            the network back) until the first order written after it was in the kitchen.

            | # | fault | at | lasted | recovered in |
            |---:|---|---:|---:|---:|
            """);
        var start = result.StartedAt;
        foreach (var fault in result.Faults)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {fault.Number} | {fault.Kind} | +{(fault.StartedAt - start).TotalSeconds:0} s | {(fault.EndedAt - fault.StartedAt).TotalSeconds:0.0} s | {Seconds(fault.Recovery)} |");
        }

        text.AppendLine();
        text.AppendLine("Longest recovery per fault:");
        text.AppendLine();
        text.AppendLine("| fault | times | longest recovery |");
        text.AppendLine("|---|---:|---:|");
        foreach (var group in result.Faults.GroupBy(f => f.Kind))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | {group.Count()} | {Seconds(group.Max(f => f.Recovery))} |");
        }

        return text.ToString();
    }

    private static string Seconds(TimeSpan? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalSeconds:0.0} s") : "—";
}
