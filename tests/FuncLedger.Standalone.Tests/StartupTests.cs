using System.Diagnostics;
using FuncLedger.TestSupport;

namespace FuncLedger.Standalone.Tests;

/// <summary>A newcomer's first start with a setting that cannot work: one clear line and exit code 2, no stack trace.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("short", "sqlite", "error: Function and master keys must be at least 16 characters.")]
    [InlineData("0123456789abcdef-key", "oracle", "error: Unknown Ledger:Provider 'oracle'. Use sqlite, postgres or sqlserver.")]
    [InlineData("0123456789abcdef-key", "sqlite", "error: Set ReconcileSchedule: a timer schedule reads it.")]
    public async Task A_setting_that_cannot_work_is_one_line_on_stderr_and_exit_code_2(string key, string provider, string expected)
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
        start.Environment["Standalone__FunctionKeys"] = key;
        start.Environment["Standalone__MasterKey"] = key;
        start.Environment["Ledger__Provider"] = provider;
        start.Environment["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        start.Environment.Remove("ReconcileSchedule");
        start.Environment["HoldExpirySchedule"] = "0 * * * * *";
        start.Environment["ConnectionStrings__Ledger"] = "Data Source=" + Path.Combine(Path.GetTempPath(), $"startup-{Guid.NewGuid():N}.db");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal(expected, (await stderr).Trim());
        Assert.DoesNotContain("   at ", await stdout + await stderr, StringComparison.Ordinal);
    }
}
