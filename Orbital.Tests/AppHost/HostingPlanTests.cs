using Microsoft.Extensions.Configuration;
using Orbital.AppHost.Hosting;

namespace Orbital.Tests.AppHost;

public sealed class HostingPlanTests
{
    private static readonly string[] s_postgresPrograms = ["initdb", "postgres", "pg_ctl"];

    [Fact]
    public void With_a_container_runtime_both_dependencies_are_containers()
    {
        var plan = Resolve(new FakeHostMachine(hasContainerRuntime: true, [.. s_postgresPrograms, "mongod"]));

        Assert.Equal(new HostingPlan(DependencyHosting.Container, DependencyHosting.Container), plan);
    }

    [Fact]
    public void Without_a_container_runtime_local_binaries_are_used()
    {
        var plan = Resolve(new FakeHostMachine(hasContainerRuntime: false, [.. s_postgresPrograms, "mongod"]));

        Assert.Equal(new HostingPlan(DependencyHosting.Local, DependencyHosting.Local), plan);
    }

    [Fact]
    public void Without_a_container_runtime_or_mongod_MongoDB_is_the_emulator_and_PostgreSQL_local()
    {
        var plan = Resolve(new FakeHostMachine(hasContainerRuntime: false, s_postgresPrograms));

        Assert.Equal(new HostingPlan(DependencyHosting.Emulator, DependencyHosting.Local), plan);
    }

    [Fact]
    public void The_emulator_comes_after_a_connection_string_a_container_and_a_local_mongod()
    {
        Assert.Equal(DependencyHosting.External, Resolve(new FakeHostMachine(hasContainerRuntime: false), ("ConnectionStrings:orders", "mongodb://db.example/orbital")).MongoDB);
        Assert.Equal(DependencyHosting.Container, Resolve(new FakeHostMachine(hasContainerRuntime: true)).MongoDB);
        Assert.Equal(DependencyHosting.Local, Resolve(new FakeHostMachine(hasContainerRuntime: false, "mongod")).MongoDB);
        Assert.Equal(DependencyHosting.Emulator, Resolve(new FakeHostMachine(hasContainerRuntime: false)).MongoDB);
    }

    [Fact]
    public void Without_anything_PostgreSQL_is_missing_for_it_has_no_emulator()
        => Assert.Equal(DependencyHosting.Missing, Resolve(new FakeHostMachine(hasContainerRuntime: false)).PostgreSQL);

    [Fact]
    public void Publishing_never_uses_the_emulator_and_refuses_to_be_told_to()
    {
        Assert.Equal(DependencyHosting.External, Resolve(new FakeHostMachine(hasContainerRuntime: false), isPublishMode: true).MongoDB);

        var refused = Assert.Throws<InvalidOperationException>(() => Resolve(new FakeHostMachine(hasContainerRuntime: false), isPublishMode: true, ("Orbital:MongoDB:Hosting", "Emulator")));
        Assert.Contains("development only", refused.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => Resolve(new FakeHostMachine(hasContainerRuntime: false), ("Orbital:PostgreSQL:Hosting", "Emulator")));
    }

    [Fact]
    public void A_postgres_without_initdb_does_not_count_as_local_binaries()
    {
        var plan = Resolve(new FakeHostMachine(hasContainerRuntime: false, "postgres", "pg_ctl"));

        Assert.Equal(DependencyHosting.Missing, plan.PostgreSQL);
    }

    [Fact]
    public void A_configured_connection_string_wins_over_the_machine()
    {
        var plan = Resolve(
            new FakeHostMachine(hasContainerRuntime: true, [.. s_postgresPrograms, "mongod"]),
            ("ConnectionStrings:orders", "mongodb://db.example:27017/orbital"),
            ("ConnectionStrings:kitchen", "Host=pg.example;Database=kitchen"));

        Assert.Equal(new HostingPlan(DependencyHosting.External, DependencyHosting.External), plan);
    }

    [Fact]
    public void An_explicit_hosting_setting_wins_over_everything()
    {
        var plan = Resolve(
            new FakeHostMachine(hasContainerRuntime: true),
            ("Orbital:MongoDB:Hosting", "External"),
            ("Orbital:PostgreSQL:Hosting", "Local"),
            ("ConnectionStrings:kitchen", "Host=pg.example;Database=kitchen"));

        Assert.Equal(new HostingPlan(DependencyHosting.External, DependencyHosting.Local), plan);
    }

    [Fact]
    public void Publishing_uses_a_connection_string_for_MongoDB_and_a_container_for_PostgreSQL()
    {
        var plan = Resolve(new FakeHostMachine(hasContainerRuntime: false, [.. s_postgresPrograms, "mongod"]), isPublishMode: true);

        Assert.Equal(new HostingPlan(DependencyHosting.External, DependencyHosting.Container), plan);
    }

    [Fact]
    public void The_machine_is_not_probed_when_configuration_decides()
    {
        var machine = new ProbeCountingMachine();

        HostingPlan.Resolve(
            Configuration(("ConnectionStrings:orders", "mongodb://x"), ("Orbital:PostgreSQL:Hosting", "Local")),
            isPublishMode: false,
            machine);

        Assert.Equal(0, machine.ContainerRuntimeProbes);
    }

    private static HostingPlan Resolve(IHostMachine machine, params (string Key, string Value)[] settings)
        => HostingPlan.Resolve(Configuration(settings), isPublishMode: false, machine);

    private static HostingPlan Resolve(IHostMachine machine, bool isPublishMode, params (string Key, string Value)[] settings)
        => HostingPlan.Resolve(Configuration(settings), isPublishMode, machine);

    private static IConfiguration Configuration(params (string Key, string Value)[] settings)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();

    private sealed class ProbeCountingMachine : IHostMachine
    {
        public int ContainerRuntimeProbes { get; private set; }

        public bool HasContainerRuntime
        {
            get
            {
                ContainerRuntimeProbes++;
                return false;
            }
        }

        public string? FindExecutable(string program, IEnumerable<string>? extraDirectories = null) => null;
    }
}
