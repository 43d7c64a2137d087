using EGov.Workflows.Dmn.Tck;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov tck PATH... [--results FILE]</c>: runs the DMN TCK's test cases under the paths, writes the TCK's results
/// format (<c>tck_results.csv</c>) and prints the totals per compliance level; the last line is <c>N passed, N failed</c>.
/// Exit 0 when nothing failed.
/// </summary>
public sealed class TckCommand : ICliCommand
{
    public string Name => "tck";
    public string Summary => "run the DMN TCK's test cases (folders of .dmn models and *-test-*.xml files); writes tck_results.csv";
    public string Usage => "tck PATH... [--results FILE] [--failures]   (e.g. ./egov tck ../shared/corpora/dmn-tck/TestCases)";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var paths = new List<string>();
        string results = "tck_results.csv";
        var listFailures = false;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--results")
            {
                if (i + 1 >= args.Count) throw new UsageException("--results needs a file name");
                results = args[++i];
            }
            else if (args[i] == "--failures") listFailures = true;
            else if (args[i].StartsWith('-')) throw new UsageException($"unknown option '{args[i]}'");
            else paths.Add(args[i]);
        }
        if (paths.Count == 0) throw new UsageException("no TCK folder given");
        foreach (var p in paths.Where(p => !Directory.Exists(p)))
        {
            stderr.WriteLine($"{p}: error: no such directory");
            return 1;
        }

        var (all, elapsed) = new TckRunner().RunAll(paths);
        var full = Path.GetFullPath(results);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllLines(full, all.Select(r => r.ToCsv()));

        if (listFailures)
            foreach (var r in all.Where(r => !r.Passed)) stdout.WriteLine($"FAIL {r.Folder} {r.TestId}: {r.Reason}");
        foreach (var level in all.GroupBy(r => r.Level).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var passed = level.Count(r => r.Passed);
            stdout.WriteLine($"{level.Key}: {passed}/{level.Count()} passed ({100.0 * passed / Math.Max(level.Count(), 1):0.0} %)");
        }
        stdout.WriteLine($"results: {full} ({all.Count} tests, {elapsed.TotalSeconds:0.0} s)");
        var failed = all.Count(r => !r.Passed);
        stdout.WriteLine($"{all.Count - failed} passed, {failed} failed");
        return failed == 0 && all.Count > 0 ? 0 : 1;
    }
}
