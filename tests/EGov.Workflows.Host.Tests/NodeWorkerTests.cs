using System.Diagnostics;
using System.Text;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// The real npm client camunda-external-task-client-js 3.1.0 (tests/external-task-client) works against the server:
/// it fetches and locks, completes with typed variables, reports a failure without retries and a BPMN error.
/// Runs <c>npm ci</c> there when node_modules is missing; skipped (with the reason) when node is not installed.
/// </summary>
public sealed class NodeWorkerTests
{
    [NodeFact]
    public async Task CamundaJsWorker_CompletesFailsAndThrowsBpmnErrors()
    {
        var folder = NodeFactAttribute.ClientFolder!;
        await EnsureNodeModulesAsync(folder);
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("zahlung.bpmn");
        var ok1 = await s.StartProcessAsync("Zahlung", new { variables = new { ausgang = "ok", betrag = 30 }, businessKey = "KZ-1" });
        var ok2 = await s.StartProcessAsync("Zahlung", new { variables = new { ausgang = "ok", betrag = 12.5 }, businessKey = "KZ-2" });
        var failed = await s.StartProcessAsync("Zahlung", new { variables = new { ausgang = "fehler", betrag = 30 }, businessKey = "KZ-3" });
        var rejected = await s.StartProcessAsync("Zahlung", new { variables = new { ausgang = "abgelehnt", betrag = 30 }, businessKey = "KZ-4" });

        // Camunda workers that only speak HTTP Basic sign in with the client id and secret of a worker client.
        var secret = await s.Identities.CreateClientAsync("kasse-worker", ["worker"], topics: ["gebuehr-einziehen"]);
        var (code, output) = await RunAsync("node", ["worker.mjs", s.BaseAddress.ToString(), "4", "60000"], folder, TimeSpan.FromSeconds(90),
            new Dictionary<string, string> { ["EGOV_CLIENT_ID"] = "kasse-worker", ["EGOV_CLIENT_SECRET"] = secret });
        code.ShouldBe(0, output);

        var i1 = await s.InstanceAsync(ok1);
        i1["state"]!.GetValue<string>().ShouldBe("completed", output);
        i1["variables"]!["quittung"]!.GetValue<string>().ShouldBe("Q-KZ-1");
        i1["variables"]!["bezahlt"]!.GetValue<bool>().ShouldBeTrue();
        i1["variables"]!["betragBestaetigt"]!.GetValue<long>().ShouldBe(30);
        i1["variables"]!["beleg"]!["kassenzeichen"]!.GetValue<string>().ShouldBe("KZ-1");
        var i2 = await s.InstanceAsync(ok2);
        i2["state"]!.GetValue<string>().ShouldBe("completed");
        i2["variables"]!["betragBestaetigt"]!.GetValue<double>().ShouldBe(12.5);

        var f = await s.InstanceAsync(failed);
        f["state"]!.GetValue<string>().ShouldBe("incident");
        f["incidents"]![0]!["message"]!.GetValue<string>().ShouldBe("Kassenverfahren nicht erreichbar");

        var r = await s.InstanceAsync(rejected);
        r["state"]!.GetValue<string>().ShouldBe("completed");
        r["variables"]!["grund"]!.GetValue<string>().ShouldBe("Lastschrift zurückgewiesen");
        (await s.GetJsonAsync($"api/process-instances/{rejected}/history")).AsArray()
            .Select(h => h!["elementId"]!.GetValue<string>()).ShouldContain("NichtBezahlt");
    }

    private static async Task EnsureNodeModulesAsync(string folder)
    {
        if (File.Exists(Path.Combine(folder, "node_modules", "camunda-external-task-client-js", "package.json"))) return;
        var (code, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], folder, TimeSpan.FromMinutes(5));
        code.ShouldBe(0, $"npm ci in {folder} failed:\n{output}");
    }

    internal static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = new Process { StartInfo = psi };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (output) output.AppendLine($"[killed after {timeout}]");
            return (-1, output.ToString());
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}

/// <summary>A fact that needs node and the external-task-client folder; skipped with the reason when either is missing.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (ClientFolder is null) Skip = "tests/external-task-client not found above the test's output folder";
        else if (FindOnPath("node") is null) Skip = "node is not installed (apt-get install nodejs npm): the Camunda JS worker test needs it";
        else if (!Directory.Exists(Path.Combine(ClientFolder, "node_modules")) && FindOnPath("npm") is null)
            Skip = "node_modules is missing and npm is not installed to run npm ci";
    }

    public static string? ClientFolder { get; } = FindClientFolder();

    private static string? FindClientFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "external-task-client");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        return null;
    }

    internal static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
