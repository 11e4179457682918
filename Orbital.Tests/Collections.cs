using Orbital.Testing;
using Orbital.Testing.MongoDB;
namespace Orbital.Tests;

// xUnit finds collection definitions in the test assembly only: the fixtures live in Orbital.Testing (shared with
// the benchmarks), their collections here.

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppWithEmulatorCollection : ICollectionFixture<AppWithEmulatorFixture>
{
    public const string Name = "app with the MongoDB emulator";
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppWithoutMongoDBCollection : ICollectionFixture<AppWithoutMongoDBFixture>
{
    public const string Name = "app without MongoDB";
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<LocalPostgresServer>
{
    public const string Name = "PostgreSQL";
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OrbitalAppCollection : ICollectionFixture<OrbitalAppFixture>
{
    public const string Name = "Orbital app";
}

[CollectionDefinition(Name)]
public sealed class MongoDBCollection : ICollectionFixture<MongoDBFixture>
{
    public const string Name = "MongoDB";
}
