using System.Diagnostics;

namespace FuncLedger.Cli.Tests;

/// <summary>A program run as a real process, as an operator's shell runs it: its exit code and both streams. The CLI's
/// own provider and connection variables are removed, so only the arguments choose the database.</summary>
internal static class CliProcess
{
    public static async Task<CliRun> RunAsync(string file, string? workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove(FuncLedgerCli.ProviderVariable);
        start.Environment.Remove(FuncLedgerCli.ConnectionVariable);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }
}
