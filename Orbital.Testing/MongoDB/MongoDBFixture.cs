namespace Orbital.Testing.MongoDB;

/// <summary>
/// Chooses the MongoDB the tests use: <c>ORBITAL_TEST_MONGODB</c> (a connection string) when set; otherwise a
/// <c>mongod</c> on PATH, started as a one-node replica set; otherwise the in-memory wire double. The choice
/// is printed once per run.
/// </summary>
public sealed class MongoDBFixture : IAsyncLifetime
{
    /// <summary>The environment variable naming a real server to test against.</summary>
    public const string ServerVariable = "ORBITAL_TEST_MONGODB";

    public IMongoTestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await CreateAsync();

        // The runner shows test output only for failures; CI prints this file so every run says what it tested against.
        var results = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults"));
        await File.WriteAllTextAsync(Path.Combine(results.FullName, "mongodb-under-test.txt"), $"MongoDB under test: {Server.Description}{Environment.NewLine}");
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A database name no other test uses, so tests never see each other's documents.</summary>
    public static string UniqueDatabaseName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];

    /// <summary>The server this run uses, chosen as described on <see cref="MongoDBFixture"/>.</summary>
    public static async Task<IMongoTestServer> CreateAsync()
    {
        if (Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } connectionString)
        {
            return new ExternalMongoServer(connectionString);
        }

        var mongod = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "mongod"))
            .FirstOrDefault(File.Exists);
        if (mongod is not null)
        {
            return await LocalMongodServer.StartAsync(mongod);
        }

        return new WireDoubleServer();
    }
}
