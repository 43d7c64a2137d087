using System.Diagnostics;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov bench</c>: builds the bench runner (bench/EGov.Workflows.Bench, kept out of the CLI so the CLI does not carry
/// ScottPlot, the durable stores or the peers) into .egov/bench/bin when its sources changed, and runs it with the
/// arguments as given. The runner prints the table, writes JSON and PNG where the flags say, and exits 0 when it ran.
/// </summary>
public sealed class BenchCommand : ICliCommand
{
    private const string Project = "bench/EGov.Workflows.Bench/EGov.Workflows.Bench.csproj";

    public string Name => "bench";
    public string Summary => "benchmark the engine (W1-W5, memory/SQLite/PostgreSQL) next to peer engines; table, JSON, PNG";
    public string Usage => "bench [--quick] [--workload W1,W3] [--store memory,sqlite,postgres] [--mode sequential,concurrent] [--peers LIST|none] [--n N] [--json FILE] [--png FILE]";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var root = FindRoot() ?? throw new UsageException("no bench/ here: run ./egov bench from the repository");
        var output = Path.Combine(root, ".egov", "bench", "bin");
        var dll = Path.Combine(output, "egov-bench.dll");
        if (Stale(root, dll))
        {
            stderr.WriteLine("bench: building the bench runner …");
            stderr.Flush();
            if (Build(root, output, stderr) is { } error)
            {
                stderr.WriteLine($"egov bench: the bench runner did not build: {error}");
                return 1;
            }
            File.SetLastWriteTimeUtc(dll, DateTime.UtcNow);
        }
        stdout.Flush();
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = Environment.CurrentDirectory };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--root");
        psi.ArgumentList.Add(root);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the bench runner");
        p.WaitForExit();
        return p.ExitCode;
    }

    private static string? FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, Project))) return d.FullName;
        return null;
    }

    /// <summary>True when the runner is missing or a source it is built from (bench/, src/, the props files) is newer.</summary>
    private static bool Stale(string root, string dll)
    {
        if (!File.Exists(dll)) return true;
        var built = File.GetLastWriteTimeUtc(dll);
        var props = new[] { "Directory.Build.props", "Directory.Packages.props" }.Select(f => Path.Combine(root, f)).Where(File.Exists);
        var sources = new[] { "bench/EGov.Workflows.Bench", "src/Engine" }.Select(d => Path.Combine(root, d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal) || f.EndsWith(".sql", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        return props.Concat(sources).Any(f => File.GetLastWriteTimeUtc(f) > built);
    }

    /// <summary>dotnet build in Release; retries when another build holds a file. Returns the first error line, or null.</summary>
    private static string? Build(string root, string output, TextWriter stderr)
    {
        for (var attempt = 1; ; attempt++)
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root,
            };
            foreach (var a in new[] { "build", Project, "-c", "Release", "-o", output, "--nologo", "-v", "q", "-clp:NoSummary" }) psi.ArgumentList.Add(a);
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_NOLOGO"] = "1";
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet build");
            var outTask = p.StandardOutput.ReadToEndAsync();
            var errTask = p.StandardError.ReadToEndAsync();
            p.WaitForExit();
            var text = outTask.Result + errTask.Result;
            if (p.ExitCode == 0) return null;
            if (attempt < 3 && text.Contains("being used by another process", StringComparison.Ordinal))
            {
                stderr.WriteLine("bench: a file is locked by another build; retrying in 20 s …");
                Thread.Sleep(20_000);
                continue;
            }
            var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Distinct().Take(10).ToList();
            foreach (var l in lines) stderr.WriteLine(l);
            return lines.FirstOrDefault() ?? $"dotnet build exited with {p.ExitCode}";
        }
    }
}
