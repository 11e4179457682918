using System.Globalization;
using Orbital.Benchmarks;
using Orbital.Benchmarks.Chaos;

// dotnet run -c Release --project bench/Orbital.Benchmarks -- [--report FILE]        every benchmark below, one report
// dotnet run -c Release --project bench/Orbital.Benchmarks -- payload | pipeline [--orders N]
// dotnet run -c Release --project bench/Orbital.Benchmarks -- backlog [--orders N] | intake
// dotnet run -c Release --project bench/Orbital.Benchmarks -- screens [--screens N] [--rate R] [--seconds S]
// dotnet run -c Release --project bench/Orbital.Benchmarks -- chaos [--replicas N] [--orders N] [--rate R] [--short] [--report FILE]
// dotnet run -c Release --project bench/Orbital.Benchmarks -- mongo-host                  the MongoDB wire double alone (used by screens)
if (args is ["mongo-host"])
{
    return await MongoProcess.HostAsync();
}

string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int IntOption(string name, int fallback) => int.Parse(Option(name) ?? fallback.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
string[] verbs = ["payload", "pipeline", "backlog", "intake", "screens", "chaos"];
string[] valueOptions = ["--report", "--orders", "--rate", "--screens", "--seconds", "--replicas"];
var positional = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !valueOptions.Contains(args[i - 1]))).ToList();
var verb = positional.FirstOrDefault();
if (positional.Count > 1 || (verb is not null && !verbs.Contains(verb)))
{
    Console.Error.WriteLine($"usage: [{string.Join(" | ", verbs)}] [--orders N] [--rate R] [--screens N] [--seconds S] [--replicas N] [--short] [--report FILE]");
    return 2;
}

if (verb == "chaos")
{
    var quick = args.Contains("--short");
    var settings = new ChaosSettings(
        Orders: IntOption("--orders", quick ? 500 : 5000),
        OrdersPerSecond: double.Parse(Option("--rate") ?? (quick ? "4" : "25"), CultureInfo.InvariantCulture),
        Screens: 20,
        FaultInterval: TimeSpan.FromSeconds(15),
        Outage: TimeSpan.FromSeconds(10),
        OneOfEach: quick,
        Replicas: Math.Clamp(IntOption("--replicas", 1), 1, 5));
    var result = await new ChaosRun(settings).RunAsync();
    var chaosReport = ChaosReport.Format(result, "dotnet run -c Release --project bench/Orbital.Benchmarks -- " + string.Join(' ', args));
    Console.WriteLine(chaosReport);
    if (Option("--report") is { } chaosFile)
    {
        // One file holds both runs: a run replaces its own section (one instance of each service, or replicas).
        var existing = File.Exists(chaosFile) ? await File.ReadAllTextAsync(chaosFile) : string.Empty;
        await File.WriteAllTextAsync(chaosFile, ChaosReport.Replace(existing, chaosReport, settings.Replicas > 1));
    }

    return result.Passed ? 0 : 1;
}

var machine = MachineInfo.Describe();
Console.WriteLine(machine);
switch (verb)
{
    case "payload":
        Console.WriteLine(PayloadBenchmark.Run(documents: 10_000));
        return 0;
    case "pipeline":
        Console.WriteLine(await PipelineBenchmark.RunAsync(IntOption("--orders", 2000)));
        return 0;
    case "backlog":
        Console.WriteLine((await BacklogBenchmark.RunAsync(IntOption("--orders", 10_000))).Markdown);
        return 0;
    case "intake":
        Console.WriteLine((await IntakeBenchmark.RunAsync()).Markdown);
        return 0;
    case "screens":
        Console.WriteLine((await ScreensBenchmark.RunAsync(IntOption("--screens", 500), IntOption("--rate", 200), TimeSpan.FromSeconds(IntOption("--seconds", 20)))).Markdown);
        return 0;
}

// Everything, in one run, into one report.
var payload = PayloadBenchmark.Run(documents: 10_000);
Console.WriteLine(payload);
var pipeline = await PipelineBenchmark.RunAsync(2000);
Console.WriteLine(pipeline);
var backlog = await BacklogBenchmark.RunAsync(10_000);
Console.WriteLine(backlog.Markdown);
var intake = await IntakeBenchmark.RunAsync();
Console.WriteLine(intake.Markdown);
var screens = await ScreensBenchmark.RunAsync(500, 200, TimeSpan.FromSeconds(20));
Console.WriteLine(screens.Markdown);

var report = BenchmarkReport.Format(machine, payload, pipeline, backlog, intake, screens);
if (Option("--report") is { } file)
{
    // Notes written beside the report (what varied between runs of single parts) stay after the new one.
    const string Notes = "\n## What varies between runs";
    var existing = File.Exists(file) ? await File.ReadAllTextAsync(file) : string.Empty;
    var kept = existing.IndexOf(Notes, StringComparison.Ordinal) is var at and >= 0 ? existing[(at + 1)..] : null;
    await File.WriteAllTextAsync(file, kept is null ? report : $"{report.TrimEnd()}\n\n{kept}");
}

return 0;
