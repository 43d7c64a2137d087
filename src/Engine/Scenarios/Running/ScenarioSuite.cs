using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Loading;

namespace EGov.Workflows.Scenarios.Running;

/// <summary>What <c>./egov test</c> runs and how it reports.</summary>
public sealed record SuiteOptions
{
    /// <summary>Only scenarios whose file or name contains this text (case-insensitive).</summary>
    public string? Filter { get; init; }

    /// <summary>Print each step, and the engine's state after a failure, under the scenario's line.</summary>
    public bool Verbose { get; init; }
}

/// <summary>Finds scenario files, runs each against a fresh engine and prints the spec's report:
/// one <c>PASS</c>/<c>FAIL</c> line per scenario, then <c>N passed, N failed</c>. Exit code 0 only when every scenario passed.</summary>
public sealed class ScenarioSuite(IScenarioEngineFactory engines)
{
    public const string Suffix = ".scenario.yaml";

    private readonly ModelCache _models = new();

    /// <summary>Every <c>*.scenario.yaml</c> under the given files and folders, sorted, as (full path, display path).
    /// A path that does not exist is reported on <paramref name="stderr"/> and makes <paramref name="missing"/> true.</summary>
    public static List<(string Full, string Display)> Discover(IEnumerable<string> paths, TextWriter stderr, out bool missing)
    {
        missing = false;
        var found = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (File.Exists(path)) Add(path);
            else if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*" + Suffix, SearchOption.AllDirectories))
                    if (!IsUnderSkippedFolder(Path.GetRelativePath(path, file))) Add(file);
            }
            else
            {
                stderr.WriteLine($"{path}: error: no such file or directory");
                missing = true;
            }
        }
        return found.Select(f => (f.Value, f.Key)).ToList();

        void Add(string file)
        {
            var full = Path.GetFullPath(file);
            found.TryAdd(Paths.Display(full), full);
        }
    }

    /// <summary>
    /// Build output (<c>bin</c>, <c>obj</c>: a test project copies its scenarios there) and <c>node_modules</c> hold
    /// copies, not sources: walking a folder skips them, so <c>./egov test samples</c> runs each scenario once.
    /// </summary>
    private static bool IsUnderSkippedFolder(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).SkipLast(1).Any(d => d is "node_modules" or "bin" or "obj");

    /// <summary>Runs the scenarios under <paramref name="paths"/>; returns the exit code (0 all passed, 1 otherwise).</summary>
    public int Run(IReadOnlyList<string> paths, SuiteOptions options, TextWriter stdout, TextWriter stderr)
    {
        var files = Discover(paths, stderr, out var missing);
        int passed = 0, failed = 0;
        foreach (var (full, display) in files)
        {
            var result = RunFile(full, display, options);
            if (result is null) continue;
            stdout.WriteLine(result.Line);
            if (options.Verbose && (!result.Passed || result.Trace.Count > 0))
                foreach (var line in result.Trace) stdout.WriteLine("    " + line);
            if (result.Passed) passed++; else failed++;
        }
        if (passed + failed == 0)
            stderr.WriteLine(files.Count == 0 ? $"no {Suffix} files found" : $"no scenario matches '{options.Filter}'");
        stdout.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 && passed > 0 && !missing ? 0 : 1;
    }

    /// <summary>Loads and runs one file; null when the filter excludes it.</summary>
    public ScenarioResult? RunFile(string fullPath, string display, SuiteOptions options)
    {
        var loaded = ScenarioLoader.LoadFile(fullPath, display);
        var name = loaded.Scenario?.Name ?? loaded.Name ?? Path.GetFileName(display);
        if (options.Filter is { Length: > 0 } filter
            && !display.Contains(filter, StringComparison.OrdinalIgnoreCase)
            && !name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            return null;
        if (loaded.Scenario is null) return new ScenarioResult(display, name, loaded.ErrorText, []);
        try
        {
            return new ScenarioRunner(engines, _models).Run(loaded.Scenario);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new ScenarioResult(display, name, $"runner error: {e.GetType().Name}: {e.Message}", []);
        }
    }
}
