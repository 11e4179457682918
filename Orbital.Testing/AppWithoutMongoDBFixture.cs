namespace Orbital.Testing;

/// <summary>The app on a machine where MongoDB can be neither started nor reached.</summary>
public sealed class AppWithoutMongoDBFixture : DistributedAppFixture
{
    protected override IEnumerable<string> Settings => ["Orbital:MongoDB:Hosting=Missing"];
}
