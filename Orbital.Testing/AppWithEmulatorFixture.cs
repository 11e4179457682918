namespace Orbital.Testing;

/// <summary>
/// The app as a newcomer runs it on a machine without Docker or <c>mongod</c>: no MongoDB configured at all (the
/// AppHost runs its in-memory emulator), and the order simulator on, as <c>Orbital:Simulator:OrdersPerMinute</c> does.
/// </summary>
public sealed class AppWithEmulatorFixture : DistributedAppFixture
{
    protected override IEnumerable<string> Settings => ["Orbital:Simulator:OrdersPerMinute=120"];
}
