namespace Orbital.Tests.Infrastructure;

/// <summary>
/// The app as a newcomer runs it on a machine without Docker or <c>mongod</c>: no MongoDB configured at all (the
/// AppHost runs its in-memory emulator), and the order simulator on, as <c>Orbital:Simulator:OrdersPerMinute</c> does.
/// </summary>
public sealed class AppWithEmulatorFixture : DistributedAppFixture
{
    protected override IEnumerable<string> Settings => ["Orbital:Simulator:OrdersPerMinute=120"];
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppWithEmulatorCollection : ICollectionFixture<AppWithEmulatorFixture>
{
    public const string Name = "app with the MongoDB emulator";
}
