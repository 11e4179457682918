using Orbital.Benchmarks;

// dotnet run -c Release --project bench/Orbital.Benchmarks -- [payload] [pipeline] [--orders N]
var runPayload = args.Length == 0 || args.Contains("payload");
var runPipeline = args.Length == 0 || args.Contains("pipeline");
var orders = args.SkipWhile(a => a != "--orders").Skip(1).Select(int.Parse).FirstOrDefault(2000);

Console.WriteLine(MachineInfo.Describe());
if (runPayload)
{
    Console.WriteLine(PayloadBenchmark.Run(documents: 10_000));
}

if (runPipeline)
{
    Console.WriteLine(await PipelineBenchmark.RunAsync(orders));
}
