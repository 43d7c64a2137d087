using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace EGov.Workflows.Bench;

/// <summary>Runs a child process with a time limit and collects its output.</summary>
public static class ChildProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr, bool TimedOut);

    public static Outcome Run(string file, IEnumerable<string> args, TimeSpan limit, string? workingDir = null,
        IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDir ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = new Process { StartInfo = psi };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        try { p.Start(); }
        catch (System.ComponentModel.Win32Exception e) { return new Outcome(127, "", $"cannot start {file}: {e.Message}", false); }
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var timedOut = !p.WaitForExit(limit);
        if (timedOut)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit(5000);
        }
        else p.WaitForExit(); // drains the asynchronous readers
        lock (stdout) lock (stderr)
            return new Outcome(timedOut ? -1 : p.ExitCode, stdout.ToString(), stderr.ToString(), timedOut);
    }

    /// <summary>The JSON object on the last line of stdout that starts with '{' (a child's result).</summary>
    /// <summary>Every JSON line of a child's stdout (a run with several results).</summary>
    public static List<T> AllJson<T>(string stdout) where T : class
    {
        var list = new List<T>();
        foreach (var line in stdout.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('{')))
        {
            try { if (JsonSerializer.Deserialize<T>(line, BenchResult.Json) is { } r) list.Add(r); }
            catch (JsonException) { }
        }
        return list;
    }

    public static T? LastJson<T>(string stdout) where T : class
    {
        var line = stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        if (line is null) return null;
        try { return JsonSerializer.Deserialize<T>(line, BenchResult.Json); }
        catch (JsonException) { return null; }
    }

    /// <summary>One line of a child's stderr to print as the reason it failed.</summary>
    public static string Reason(Outcome o, string what)
    {
        if (o.TimedOut) return $"{what}: timed out";
        var lines = o.Stderr.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var msg = lines.FirstOrDefault(l => l.StartsWith("error", StringComparison.OrdinalIgnoreCase))
            ?? lines.FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("at ", StringComparison.Ordinal))
            ?? lines.LastOrDefault() ?? $"exit code {o.ExitCode}";
        return $"{what}: {(msg.Length > 300 ? msg[..300] + "…" : msg)}";
    }
}
