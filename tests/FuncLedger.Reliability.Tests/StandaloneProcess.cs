using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace FuncLedger.Reliability.Tests;

/// <summary>
/// FuncLedger.Standalone as a real child process (so it can be killed with SIGKILL and restarted), built by the
/// solution build, serving the fixture's database (PostgreSQL, or SQL Server in its lane) and Azurite over loopback. Every line it writes is kept for the log checks.
/// </summary>
public sealed class StandaloneProcess : IAsyncDisposable
{
    public const string FunctionKey = "reliability-function-key-0123456789";
    public const string MasterKey = "reliability-master-key-0123456789";

    private readonly Dictionary<string, string> _environment;
    private readonly string _dll;
    private Process? _process;

    public StandaloneProcess(string repositoryRoot, string provider, string connectionString, string azurite, string hostJsonFolder)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        _dll = Path.Combine(repositoryRoot, "src", "FuncLedger.Standalone", "bin", configuration, "net10.0", "FuncLedger.Standalone.dll");
        if (!File.Exists(_dll))
        {
            throw new InvalidOperationException($"{_dll} is missing: build the solution first (./build.sh test does).");
        }

        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(repositoryRoot, "host.json")))!;
        hostJson["extensions"]!["queues"]!["visibilityTimeout"] = "00:00:00.300";
        hostJson["extensions"]!["queues"]!["maxPollingInterval"] = "00:00:00.200";
        var hostJsonPath = Path.Combine(hostJsonFolder, "host.json");
        File.WriteAllText(hostJsonPath, hostJson.ToJsonString());
        Port = FreePort();
        _environment = new Dictionary<string, string>
        {
            ["Standalone__FunctionKeys"] = FunctionKey,
            ["Standalone__MasterKey"] = MasterKey,
            ["Standalone__HostJson"] = hostJsonPath,
            ["Ledger__Provider"] = provider,
            ["ConnectionStrings__Ledger"] = connectionString,
            ["AzureWebJobsStorage"] = azurite,
            ["ReconcileSchedule"] = "0 0 3 * * *",
            ["HistoryLinks__Secret"] = "reliability-history-link-secret-0123456789",
            // An award that finds the database down comes back in about 2 s (30 s in production) so the outage scenario is short.
            ["Payouts__UnavailableRetryDelaySeconds"] = "2",
            ["HoldExpirySchedule"] = "0 * * * * *",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
        };
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public ConcurrentQueue<string> Lines { get; } = new();

    public int Starts { get; private set; }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(_dll);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) Lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Lines.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Starts++;
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await client.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException("Standalone exited at start:\n" + string.Join('\n', Lines.TakeLast(30)));
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("Standalone did not become healthy.");
    }

    /// <summary>SIGKILL: no shutdown, no flush, in-flight requests and messages cut off.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit();
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
