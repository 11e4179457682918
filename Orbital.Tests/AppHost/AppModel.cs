using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Orbital.Tests.AppHost;

/// <summary>Builds the AppHost's model with the given configuration, without starting anything.</summary>
internal sealed class AppModel : IAsyncDisposable
{
    private readonly IDistributedApplicationTestingBuilder _builder;

    private AppModel(IDistributedApplicationTestingBuilder builder) => _builder = builder;

    public static async Task<AppModel> BuildAsync(params string[] settings)
    {
        var args = settings.Select(s => $"--{s}").ToArray();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Orbital_AppHost>(
            args, TestContext.Current.CancellationToken);
        return new AppModel(builder);
    }

    public IResource Resource(string name) => _builder.Resources.Single(r => r.Name == name);

    public T Resource<T>(string name) where T : IResource => Assert.IsType<T>(Resource(name), exactMatch: false);

    public bool Has(string name) => _builder.Resources.Any(r => r.Name == name);

    public IEnumerable<IResource> Resources() => _builder.Resources;

    public IReadOnlyList<string> Names => [.. _builder.Resources.Select(r => r.Name).Order()];

    /// <summary>The environment a resource is given, as manifest expressions (e.g. <c>{kitchen.connectionString}</c>).</summary>
    public async Task<Dictionary<string, string>> EnvironmentOf(string name)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(Resource(name))
            .WithEnvironmentVariablesConfig()
            .BuildAsync(PublishContext(), NullLogger.Instance, TestContext.Current.CancellationToken);
        Assert.Null(configuration.Exception);
        return configuration.EnvironmentVariables.ToDictionary();
    }

    /// <summary>The arguments a resource is started with, as manifest expressions.</summary>
    public async Task<IReadOnlyList<string>> ArgumentsOf(string name)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(Resource(name))
            .WithArgumentsConfig()
            .BuildAsync(PublishContext(), NullLogger.Instance, TestContext.Current.CancellationToken);
        Assert.Null(configuration.Exception);
        return [.. configuration.Arguments.Select(a => a.Value)];
    }

    private static DistributedApplicationExecutionContext PublishContext()
        => new(new DistributedApplicationExecutionContextOptions(DistributedApplicationOperation.Publish));

    public static IReadOnlyList<string> WaitsOf(IResource resource)
        => [.. resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Order()];

    public ValueTask DisposeAsync() => _builder.DisposeAsync();
}
