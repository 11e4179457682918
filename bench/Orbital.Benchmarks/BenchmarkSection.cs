namespace Orbital.Benchmarks;

/// <summary>One benchmark's report, as markdown, and the figures the targets table is made of.</summary>
internal sealed record BenchmarkSection(string Markdown, IReadOnlyDictionary<string, double> Figures)
{
    public double this[string figure] => Figures[figure];
}
