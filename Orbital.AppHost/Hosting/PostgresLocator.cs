namespace Orbital.AppHost.Hosting;

/// <summary>
/// Finds the PostgreSQL server binaries: the configured directory (<c>Orbital:PostgreSQL:BinDirectory</c>), then
/// PATH, then Debian's versioned directories, newest first.
/// </summary>
public static class PostgresLocator
{
    /// <summary>The configuration key of an explicit directory holding the PostgreSQL programs.</summary>
    public const string BinDirectoryKey = "Orbital:PostgreSQL:BinDirectory";

    /// <summary><c>initdb</c>, <c>postgres</c> and <c>pg_ctl</c>, or <see langword="null"/> when any is missing.</summary>
    public static PostgresBinaries? Find(IHostMachine machine, string? configuredDirectory)
    {
        ArgumentNullException.ThrowIfNull(machine);

        var debianDirectories = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];

        if (!string.IsNullOrWhiteSpace(configuredDirectory))
        {
            var configured = new PostgresBinaries(
                Path.Combine(configuredDirectory, "initdb"),
                Path.Combine(configuredDirectory, "postgres"),
                Path.Combine(configuredDirectory, "pg_ctl"));
            if (File.Exists(configured.InitDb) && File.Exists(configured.Postgres) && File.Exists(configured.PgCtl))
            {
                return configured;
            }
        }

        var extra = debianDirectories.ToList();
        var initdb = machine.FindExecutable("initdb", extra);
        var postgres = machine.FindExecutable("postgres", extra);
        var pgCtl = machine.FindExecutable("pg_ctl", extra);
        return initdb is not null && postgres is not null && pgCtl is not null ? new(initdb, postgres, pgCtl) : null;
    }
}

/// <summary>The PostgreSQL programs the AppHost runs.</summary>
public sealed record PostgresBinaries(string InitDb, string Postgres, string PgCtl);
