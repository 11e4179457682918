namespace Orbital.Tests.Infrastructure;

/// <summary>The app on a machine where MongoDB can be neither started nor reached.</summary>
public sealed class AppWithoutMongoDBFixture : DistributedAppFixture
{
    protected override IEnumerable<string> Settings => ["Orbital:MongoDB:Hosting=Missing"];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppWithoutMongoDBCollection : ICollectionFixture<AppWithoutMongoDBFixture>
{
    public const string Name = "app without MongoDB";
}
