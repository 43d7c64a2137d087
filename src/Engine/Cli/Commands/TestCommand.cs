using EGov.Workflows.Packs;
using Microsoft.Extensions.Configuration;
using EGov.Workflows.Persistence;
using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Running;

namespace EGov.Workflows.Cli.Commands;

/// <summary><c>egov test PATH...</c>: runs every <c>*.scenario.yaml</c> under the paths (spec/scenarios.md) in memory on a
/// virtual clock; one PASS/FAIL line per scenario, then <c>N passed, N failed</c>; exit code 0 only when all passed.</summary>
public sealed class TestCommand : ICliCommand
{
    public string Name => "test";
    public string Summary => "run process scenarios (*.scenario.yaml) against the engine on a virtual clock";
    public string Usage => "test [--filter TEXT] [-v|--verbose] [--store memory|sqlite|postgres] [--activities PACK.dll|DIR]... FILE|DIR...";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var paths = new List<string>();
        var options = new SuiteOptions();
        var store = "memory";
        var packs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--filter" or "-f":
                    if (i + 1 >= args.Count) throw new UsageException($"{args[i]} needs a text");
                    options = options with { Filter = args[++i] };
                    break;
                case "--store":
                    // A fresh durable store per scenario (postgres: EGOV_TEST_POSTGRES, see scripts/postgres.sh).
                    if (i + 1 >= args.Count) throw new UsageException("--store needs memory, sqlite or postgres");
                    store = args[++i];
                    break;
                case "--activities":
                    // Custom activity packs (classes deriving from WorkflowActivity with [Activity]) the scenarios' models bind.
                    if (i + 1 >= args.Count) throw new UsageException("--activities needs the path of an activity pack (.dll) or a folder of packs");
                    packs.Add(args[++i]);
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
        if (!TryLoadPacks(packs, stderr, out var activities)) return 1;
        if (store == "memory") return new ScenarioSuite(ScenarioEngines.Create(packs: activities)).Run(paths, options, stdout, stderr);
        ScenarioStores stores;
        try { stores = new ScenarioStores(store); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        using (stores) return new ScenarioSuite(new RuntimeScenarioEngineFactory(stores.Next, activities)).Run(paths, options, stdout, stderr);
    }

    /// <summary>Loads every pack before any scenario runs (<see cref="PackLoader"/>, as serve does), so a broken pack stops the run with one clear line.</summary>
    internal static bool TryLoadPacks(List<string> packs, TextWriter stderr, out PackCatalog catalog)
    {
        catalog = PackCatalog.Empty;
        try
        {
            // The built-in packs are always there, in test mode (Host.BuiltInPacks.TestDefaults): no real outside system.
            var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
                .AddInMemoryCollection(Host.BuiltInPacks.TestDefaults).AddConfiguration(PackConfiguration.Read(null)).Build();
            catalog = (packs.Count == 0 ? PackCatalog.Empty : PackLoader.Load(packs, PackConfiguration.Host()))
                .With(Host.BuiltInPacks.Load(configuration));
            RuntimeScenarioEngineFactory.Registry(catalog); // a name the built-in helpers have is refused now, not per scenario
            return true;
        }
        catch (PackException e) { stderr.WriteLine(e.Message); }
        catch (InvalidOperationException e) { stderr.WriteLine($"--activities: error: {e.Message}"); }
        return false;
    }
}
