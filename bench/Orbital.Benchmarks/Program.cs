using System.Globalization;
using Orbital.Benchmarks;
using Orbital.Benchmarks.Chaos;

// dotnet run -c Release --project bench/Orbital.Benchmarks -- [payload] [pipeline] [--orders N]
// dotnet run -c Release --project bench/Orbital.Benchmarks -- backlog [--orders N]
// dotnet run -c Release --project bench/Orbital.Benchmarks -- intake
// dotnet run -c Release --project bench/Orbital.Benchmarks -- screens [--screens N] [--rate R] [--seconds S]
// dotnet run -c Release --project bench/Orbital.Benchmarks -- chaos [--orders N] [--rate R] [--short] [--report FILE]
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

if (args.Contains("chaos"))
{
    var quick = args.Contains("--short");
    var settings = new ChaosSettings(
        Orders: int.Parse(Option("--orders") ?? (quick ? "500" : "5000"), CultureInfo.InvariantCulture),
        OrdersPerSecond: double.Parse(Option("--rate") ?? (quick ? "4" : "25"), CultureInfo.InvariantCulture),
        Screens: 20,
        FaultInterval: TimeSpan.FromSeconds(15),
        Outage: TimeSpan.FromSeconds(10),
        OneOfEach: quick);
    var result = await new ChaosRun(settings).RunAsync();
    var report = ChaosReport.Format(result, "dotnet run -c Release --project bench/Orbital.Benchmarks -- " + string.Join(' ', args));
    Console.WriteLine(report);
    if (Option("--report") is { } file)
    {
        await File.WriteAllTextAsync(file, report);
    }

    return result.Passed ? 0 : 1;
}

if (args.Contains("backlog"))
{
    Console.WriteLine(MachineInfo.Describe());
    Console.WriteLine(await BacklogBenchmark.RunAsync(int.Parse(Option("--orders") ?? "10000", CultureInfo.InvariantCulture)));
    return 0;
}

if (args.Contains("screens"))
{
    Console.WriteLine(MachineInfo.Describe());
    Console.WriteLine(await ScreensBenchmark.RunAsync(
        int.Parse(Option("--screens") ?? "500", CultureInfo.InvariantCulture),
        int.Parse(Option("--rate") ?? "200", CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(int.Parse(Option("--seconds") ?? "20", CultureInfo.InvariantCulture))));
    return 0;
}

if (args.Contains("intake"))
{
    Console.WriteLine(MachineInfo.Describe());
    Console.WriteLine(await IntakeBenchmark.RunAsync());
    return 0;
}

var runPayload = args.Length == 0 || args.Contains("payload");
var runPipeline = args.Length == 0 || args.Contains("pipeline");
if (args.Length > 0 && !runPayload && !runPipeline)
{
    Console.Error.WriteLine("usage: [payload] [pipeline] [--orders N] | backlog [--orders N] | intake | screens [--screens N] [--rate R] [--seconds S] | chaos [--orders N] [--rate R] [--short] [--report FILE]");
    return 2;
}

var orders = int.Parse(Option("--orders") ?? "2000", CultureInfo.InvariantCulture);

Console.WriteLine(MachineInfo.Describe());
if (runPayload)
{
    Console.WriteLine(PayloadBenchmark.Run(documents: 10_000));
}

if (runPipeline)
{
    Console.WriteLine(await PipelineBenchmark.RunAsync(orders));
}

return 0;
