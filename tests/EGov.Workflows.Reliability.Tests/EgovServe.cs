using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// One <c>egov serve</c> process (the CLI's egov.dll run by <c>dotnet</c>) on a free loopback port: started, asked over
/// HTTP, and killed with SIGKILL (<see cref="Process.Kill()"/> on Linux) as a crash would end it.
/// </summary>
public sealed partial class EgovServe : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private EgovServe(Process process, StringBuilder output, Uri baseAddress, string? nodeId, (string Id, string Secret) credentials)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
        NodeId = nodeId;
        Client = new EngineClient(baseAddress, credentials.Id, credentials.Secret);
    }

    private static readonly Dictionary<string, Task<(string, string)>> Clients = new(StringComparer.Ordinal);

    /// <summary>
    /// The machine client the tests act as on a store (every role, every tenant), created once per store with
    /// <c>egov clients add</c> as an operator would; its secret is read from what the command prints.
    /// </summary>
    public static Task<(string Id, string Secret)> ClientFor(string store, string workDir)
    {
        lock (Clients)
        {
            if (!Clients.TryGetValue(store, out var task)) Clients[store] = task = CreateClientAsync(store, workDir);
            return task;
        }
    }

    private static async Task<(string, string)> CreateClientAsync(string store, string workDir)
    {
        var id = $"reliability-{Guid.NewGuid():N}"[..24];
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CliDll, "clients", "add", id, "--roles", "admin,analyst,clerk,teamlead,operator,auditor,worker", "--tenant", "*", "--topics", "*", "--store", store })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var secret = SecretLine().Match(stdout);
        if (process.ExitCode != 0 || !secret.Success) throw new InvalidOperationException($"egov clients add failed ({process.ExitCode}): {stdout}{stderr}");
        return (id, secret.Groups[1].Value);
    }

    public Uri BaseAddress { get; }
    /// <summary>The --node-id it was started with (null: the server's default).</summary>
    public string? NodeId { get; }
    public EngineClient Client { get; }
    public int ProcessId => _process.Id;

    /// <summary>Starts a server and waits (bounded) until it prints where it listens.</summary>
    public static async Task<EgovServe> StartAsync(string store, string processes, string? nodeId, string workDir, string urls = "http://127.0.0.1:0",
        IReadOnlyList<string>? extraArguments = null)
    {
        var credentials = await ClientFor(store, workDir);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { CliDll, "serve", "--urls", urls, "--store", store, "--processes", processes })
            info.ArgumentList.Add(a);
        if (nodeId is not null) { info.ArgumentList.Add("--node-id"); info.ArgumentList.Add(nodeId); }
        foreach (var a in extraArguments ?? []) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value.TrimEnd('/') + "/"));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Generous: several engineers share two cores, and a start after a crash may first recover the database.
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromMinutes(3)));
        if (first != listening.Task)
        {
            if (!process.HasExited) process.Kill();
            string text;
            lock (output) text = output.ToString();
            throw new InvalidOperationException($"egov serve ({nodeId ?? store}) did not start: {(first == exited ? $"exit code {process.ExitCode}" : "no banner within 3 minutes")}\n{text}");
        }
        return new EgovServe(process, output, await listening.Task, nodeId, credentials);
    }

    /// <summary>SIGKILL: no shutdown code runs, leases stay held, whatever was not committed is gone.</summary>
    /// <summary>Runs an <c>egov</c> command (backup, restore, …) to its end: exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunCliAsync(string workDir, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd, Kubernetes or <c>kill</c> stop a service; answers the exit code and how long the stop took.</summary>
    public async Task<(int ExitCode, TimeSpan Took)> TerminateAsync(TimeSpan wait)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed ({kill.ExitCode})");
        }
        using var timeout = new CancellationTokenSource(wait);
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"egov serve did not exit within {wait.TotalSeconds:0} s of SIGTERM\n{Output}"); }
        return (_process.ExitCode, clock.Elapsed);
    }

    /// <summary>Everything the server printed (for failure messages).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>The repository's root (the folder with EGov.Workflows.sln above this test's build).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException($"no EGov.Workflows.sln above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>The egov.dll of the build this test project was built with (its project reference builds it first).</summary>
    public static string CliDll
    {
        get
        {
            if (Environment.GetEnvironmentVariable("EGOV_RELIABILITY_CLI") is { Length: > 0 } explicitPath) return explicitPath;
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            var dll = Path.Combine(RepositoryRoot, "src", "Engine", "Cli", "bin", configuration, "net10.0", "egov.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"{dll} is missing: build the test project (it builds the CLI first)");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Client.Dispose();
        _process.Dispose();
    }

    [GeneratedRegex(@"^\s*secret: (\S+)", RegexOptions.Multiline)]
    private static partial Regex SecretLine();

    [GeneratedRegex(@"^egov serve: listening on (\S+)")]
    private static partial Regex ListeningLine();
}
