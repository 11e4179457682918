using System.Text.RegularExpressions;

namespace Orbital.Tests.Architecture;

/// <summary>
/// The services are laid out by feature, and features use each other in one direction only: a cycle between two
/// feature namespaces (found from the using directives, which the build keeps exact: an unnecessary one fails it)
/// fails here, naming the files that make it.
/// </summary>
public sealed partial class FeatureLayoutTests
{
    [Theory]
    [InlineData("Orbital.KitchenBatch")]
    [InlineData("Orbital.OrderManagement")]
    public void No_two_features_use_each_other(string project)
    {
        var uses = FeatureUses(project);
        var cycles = new List<string>();
        foreach (var (feature, used) in uses)
        {
            foreach (var other in used.Keys.Where(other => Reaches(uses, other, feature)))
            {
                cycles.Add($"{feature} -> {other} ({string.Join(", ", used[other].Distinct())}) and back");
            }
        }

        Assert.True(cycles.Count == 0, $"Namespace cycles in {project}:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void The_kitchen_is_laid_out_by_feature()
    {
        var folders = Directory.GetDirectories(Path.Combine(RepositoryRoot(), "Orbital.KitchenBatch"))
            .Select(Path.GetFileName)
            .ToHashSet();

        foreach (var feature in new[] { "Intake", "Batches", "Orders", "Surplus", "Stations", "Screens", "Devices", "Production", "Schedule", "Infrastructure" })
        {
            Assert.Contains(feature, folders);
        }

        foreach (var layer in new[] { "Services", "Apis", "Events", "Data", "Security" })
        {
            Assert.DoesNotContain(layer, folders);
        }
    }

    /// <summary>Feature (the namespace under the project's) → the features its files use, with the files that use each.</summary>
    private static Dictionary<string, Dictionary<string, List<string>>> FeatureUses(string project)
    {
        var root = Path.Combine(RepositoryRoot(), project);
        var uses = new Dictionary<string, Dictionary<string, List<string>>>();
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            if (FeatureOf(project, NamespacePattern().Match(text).Groups[1].Value) is not { } feature)
            {
                continue;
            }

            var used = uses.TryGetValue(feature, out var known) ? known : uses[feature] = [];
            foreach (Match directive in UsingPattern().Matches(text))
            {
                if (FeatureOf(project, directive.Groups[1].Value) is { } other && other != feature)
                {
                    (used.TryGetValue(other, out var by) ? by : used[other] = []).Add(Path.GetFileName(file));
                }
            }
        }

        return uses;
    }

    private static string? FeatureOf(string project, string ns)
        => ns.StartsWith(project + ".", StringComparison.Ordinal) ? ns[(project.Length + 1)..].Split('.')[0] : null;

    private static bool Reaches(Dictionary<string, Dictionary<string, List<string>>> uses, string from, string to)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>([from]);
        while (pending.TryPop(out var next))
        {
            if (next == to)
            {
                return true;
            }

            if (seen.Add(next) && uses.TryGetValue(next, out var used))
            {
                foreach (var other in used.Keys)
                {
                    pending.Push(other);
                }
            }
        }

        return false;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orbital.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Orbital.sln above {AppContext.BaseDirectory}: the layout is checked from the sources.");
    }

    [GeneratedRegex(@"^namespace ([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    [GeneratedRegex(@"^using ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex UsingPattern();
}
