using Microsoft.Extensions.Logging;
using Orbital.AppHost.Hosting;

namespace Orbital.AppHost.PostgreSQL;

/// <summary>
/// The data directory of a local PostgreSQL server, and the programs that prepare it. PostgreSQL refuses to
/// run as root, so when the AppHost runs as root every program runs as <see cref="RunAsUser"/> through
/// <c>setpriv</c> (which execs, so the server receives the orchestrator's signals directly).
/// </summary>
/// <param name="Path">The data directory; created on first start.</param>
/// <param name="Binaries">The server's programs.</param>
/// <param name="RunAsUser">The user the server runs as; <see langword="null"/> to run as the current user.</param>
public sealed record LocalPostgresDataDirectory(string Path, PostgresBinaries Binaries, string? RunAsUser)
{
    /// <summary>The command line that runs <paramref name="program"/> as the right user.</summary>
    public (string Command, IReadOnlyList<string> Arguments) CommandFor(string program, params IReadOnlyList<string> arguments)
    {
        if (RunAsUser is null)
        {
            return (program, arguments);
        }

        return ("setpriv", [$"--reuid={RunAsUser}", $"--regid={RunAsUser}", "--init-groups", program, .. arguments]);
    }

    /// <summary>
    /// Makes the directory ready for the server to start: creates and initialises it on first use, stops a
    /// server a crashed AppHost left running on it, and sets the superuser password to <paramref name="password"/>
    /// (the parameter may have changed since the directory was created).
    /// </summary>
    public async Task PrepareAsync(string password, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);

        if (!File.Exists(System.IO.Path.Combine(Path, "PG_VERSION")))
        {
            await CreateAsync(password, logger, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (File.Exists(System.IO.Path.Combine(Path, "postmaster.pid"))
            && await RunAsync(Binaries.PgCtl, ["status", "-D", Path], logger, null, cancellationToken).ConfigureAwait(false) == 0)
        {
            logger.LogWarning("A PostgreSQL server left over from an earlier run is using {DataDirectory}; stopping it", Path);
            await RunRequiredAsync(Binaries.PgCtl, ["stop", "-D", Path, "-m", "fast", "-w", "-t", "60"], logger, null, cancellationToken).ConfigureAwait(false);
        }

        // Single-user mode sets the password without opening any network port.
        var escaped = password.Replace("'", "''", StringComparison.Ordinal);
        await RunRequiredAsync(
            Binaries.Postgres,
            ["--single", "-D", Path, "-c", "listen_addresses=", "-c", "unix_socket_directories=", "postgres"],
            logger,
            $"ALTER ROLE {LocalPostgresServerResource.UserName} WITH PASSWORD '{escaped}';\n",
            cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateAsync(string password, ILogger logger, CancellationToken cancellationToken)
    {
        logger.LogInformation("Creating the PostgreSQL data directory {DataDirectory}", Path);
        var directory = Directory.CreateDirectory(Path);
        if (!OperatingSystem.IsWindows())
        {
            directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        if (RunAsUser is not null)
        {
            await RunRequiredAsync("chown", [$"{RunAsUser}:", Path], logger, null, cancellationToken, asServerUser: false).ConfigureAwait(false);
        }

        // initdb reads the password from a file: one only the server user can read, deleted right after.
        var passwordFile = System.IO.Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(passwordFile, password + "\n", cancellationToken).ConfigureAwait(false);
            if (RunAsUser is not null)
            {
                await RunRequiredAsync("chown", [$"{RunAsUser}:", passwordFile], logger, null, cancellationToken, asServerUser: false).ConfigureAwait(false);
            }

            await RunRequiredAsync(
                Binaries.InitDb,
                ["-D", Path, "-U", LocalPostgresServerResource.UserName, "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--no-locale"],
                logger,
                null,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task RunRequiredAsync(
        string program,
        IReadOnlyList<string> arguments,
        ILogger logger,
        string? standardInput,
        CancellationToken cancellationToken,
        bool asServerUser = true)
    {
        var exitCode = asServerUser
            ? await RunAsync(program, arguments, logger, standardInput, cancellationToken).ConfigureAwait(false)
            : await ProgramRunner.RunAsync(program, arguments, System.IO.Path.GetTempPath(), logger, standardInput, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new DistributedApplicationException(
                $"'{System.IO.Path.GetFileName(program)} {string.Join(' ', arguments)}' failed with exit code {exitCode}; see the resource's logs.");
        }
    }

    private Task<int> RunAsync(string program, IReadOnlyList<string> arguments, ILogger logger, string? standardInput, CancellationToken cancellationToken)
    {
        var (command, commandArguments) = CommandFor(program, arguments);
        // The server user may not be allowed into the AppHost's working directory.
        var workingDirectory = Directory.Exists(Path) ? Path : System.IO.Path.GetTempPath();
        return ProgramRunner.RunAsync(command, commandArguments, workingDirectory, logger, standardInput, cancellationToken);
    }
}
