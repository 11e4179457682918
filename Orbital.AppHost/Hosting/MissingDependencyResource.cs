namespace Orbital.AppHost.Hosting;

/// <summary>
/// Stands in the dashboard for a dependency this machine can neither start nor reach, so its absence is
/// visible (state "Missing", with what to configure) instead of failing the whole app at start.
/// </summary>
public sealed class MissingDependencyResource(string name, string resourceType, string remedy) : Resource(name)
{
    /// <summary>What the dependency is, e.g. "MongoDB".</summary>
    public string ResourceType { get; } = resourceType;

    /// <summary>What an operator does to provide it.</summary>
    public string Remedy { get; } = remedy;
}

/// <summary>Adds <see cref="MissingDependencyResource"/>s.</summary>
public static class MissingDependencyExtensions
{
    public static IResourceBuilder<MissingDependencyResource> AddMissingDependency(
        this IDistributedApplicationBuilder builder,
        string name,
        string resourceType,
        string remedy)
    {
        ArgumentNullException.ThrowIfNull(builder);

        return builder.AddResource(new MissingDependencyResource(name, resourceType, remedy))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = resourceType,
                State = new ResourceStateSnapshot("Missing", KnownResourceStateStyles.Warn),
                Properties = [new("Remedy", remedy)],
            })
            .ExcludeFromManifest();
    }
}
