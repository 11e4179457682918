using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Orbital.AppHost.Hosting;

/// <summary>Runs a short-lived program to completion, feeding it input and logging what it prints.</summary>
internal static class ProgramRunner
{
    public static async Task<int> RunAsync(
        string command,
        IEnumerable<string> arguments,
        string workingDirectory,
        ILogger logger,
        string? standardInput,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => LogLine(logger, e.Data);
        process.ErrorDataReceived += (_, e) => LogLine(logger, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput).ConfigureAwait(false);
        }

        process.StandardInput.Close();

        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return process.ExitCode;
    }

    private static void LogLine(ILogger logger, string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            logger.LogInformation("{Line}", line);
        }
    }
}
