using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Running;

namespace EGov.Workflows.Cli.Commands;

/// <summary><c>egov test PATH...</c>: runs every <c>*.scenario.yaml</c> under the paths (spec/scenarios.md) in memory on a
/// virtual clock; one PASS/FAIL line per scenario, then <c>N passed, N failed</c>; exit code 0 only when all passed.</summary>
public sealed class TestCommand : ICliCommand
{
    public string Name => "test";
    public string Summary => "run process scenarios (*.scenario.yaml) against the engine on a virtual clock";
    public string Usage => "test [--filter TEXT] [-v|--verbose] FILE|DIR...";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var paths = new List<string>();
        var options = new SuiteOptions();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--filter" or "-f":
                    if (i + 1 >= args.Count) throw new UsageException($"{args[i]} needs a text");
                    options = options with { Filter = args[++i] };
                    break;
                case "-v" or "--verbose":
                    options = options with { Verbose = true };
                    break;
                case var a when a.StartsWith('-') && a.Length > 1:
                    throw new UsageException($"unknown option '{a}'");
                default:
                    paths.Add(args[i]);
                    break;
            }
        }
        if (paths.Count == 0) throw new UsageException("no file or folder given");
        return new ScenarioSuite(ScenarioEngines.Create()).Run(paths, options, stdout, stderr);
    }
}
