using System.Diagnostics;
using FuncLedger.TestSupport;

namespace FuncLedger.Standalone.Tests;

/// <summary>A newcomer's first start with a setting that cannot work: one clear line and exit code 2, no stack trace.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("short", "sqlite", "error: Function and master keys must be at least 16 characters.")]
    [InlineData("0123456789abcdef-key", "oracle", "error: Unknown Ledger:Provider 'oracle'. Use sqlite, postgres or sqlserver.")]
    [InlineData("0123456789abcdef-key", "sqlite", "error: Set ReconcileSchedule: the NightlyReconciliation trigger reads it.")]
    [InlineData("0123456789abcdef-key", "sqlite", "error: Set HistoryLinks__Secret (32 bytes or more) to issue and check history links.",
        "too-short-secret")]
    public async Task A_setting_that_cannot_work_is_one_line_on_stderr_and_exit_code_2(string key, string provider, string expected,
        string? secret = "startup-test-history-link-secret-0123456789")
    {
        var (exitCode, stderr, output) = await StandaloneStart.RunAsync(new Dictionary<string, string?>
        {
            ["Standalone__FunctionKeys"] = key,
            ["Standalone__MasterKey"] = key,
            ["Ledger__Provider"] = provider,
            ["ReconcileSchedule"] = null,
            ["HistoryLinks__Secret"] = secret,
        });

        Assert.Equal(2, exitCode);
        Assert.Equal(expected, stderr);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}

/// <summary>Starts the built Standalone as a process with settings that should stop it before it serves anything.</summary>
public static class StandaloneStart
{
    /// <summary>Runs Standalone with a working set of settings changed by <paramref name="changes"/> (null removes one); its exit
    /// code, its trimmed stderr, and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Stderr, string Output)> RunAsync(IReadOnlyDictionary<string, string?> changes)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(TestPaths.RepositoryRoot, "src", "FuncLedger.Standalone", "bin", configuration, "net10.0", "FuncLedger.Standalone.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        var settings = new Dictionary<string, string?>
        {
            ["Standalone__FunctionKeys"] = "0123456789abcdef-key",
            ["Standalone__MasterKey"] = "0123456789abcdef-master",
            ["Ledger__Provider"] = "sqlite",
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["ReconcileSchedule"] = "0 0 3 * * *",
            ["HoldExpirySchedule"] = "0 * * * * *",
            ["HistoryLinks__Secret"] = "startup-test-history-link-secret-0123456789",
            ["ConnectionStrings__Ledger"] = "Data Source=" + Path.Combine(Path.GetTempPath(), $"startup-{Guid.NewGuid():N}.db"),
        };
        foreach (var (name, value) in changes)
        {
            settings[name] = value;
        }

        foreach (var (name, value) in settings)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // It started and served: not what these settings should allow.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, "Standalone started and served for 60 s", await stdout + await stderr);
        }

        return (process.ExitCode, (await stderr).Trim(), await stdout + await stderr);
    }
}
