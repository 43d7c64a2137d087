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
    public string Usage => "test [--filter TEXT] [-v|--verbose] [--store memory|sqlite|postgres] [--activities PACK.dll]... [--settings FILE] FILE|DIR...";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var paths = new List<string>();
        var options = new SuiteOptions();
        var store = "memory";
        var packs = new List<string>();
        string? settings = null;
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
                    if (i + 1 >= args.Count) throw new UsageException("--activities needs the path of an activity assembly (.dll)");
                    packs.Add(args[++i]);
                    break;
                case "--settings":
                    // The built-in packs' settings; without it they run in test mode (e-mail into a pickup folder, see TestPacks).
                    if (i + 1 >= args.Count) throw new UsageException("--settings needs the path of a JSON settings file");
                    settings = args[++i];
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
        if (!TryLoadActivities(packs, stderr, out var activities)) return 1;
        Action<Sdk.ActivityRegistry> builtIn;
        try { builtIn = TestPacks.Create(settings); }
        catch (FileNotFoundException e) { throw new UsageException(e.Message); }
        if (store == "memory") return new ScenarioSuite(ScenarioEngines.Create(activities: activities, builtIn: builtIn)).Run(paths, options, stdout, stderr);
        ScenarioStores stores;
        try { stores = new ScenarioStores(store); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        using (stores) return new ScenarioSuite(new RuntimeScenarioEngineFactory(stores.Next, activities, builtIn)).Run(paths, options, stdout, stderr);
    }

    /// <summary>Loads every pack before any scenario runs, so a missing or empty pack stops the run with one clear line.</summary>
    private static bool TryLoadActivities(List<string> packs, TextWriter stderr, out IReadOnlyList<Type> activities)
    {
        var all = new List<Type>();
        activities = all;
        try
        {
            foreach (var pack in packs) all.AddRange(ActivityAssemblies.Load(pack));
            RuntimeScenarioEngineFactory.Registry(all, TestPacks.Create(null));
            return true;
        }
        catch (ActivityAssemblyException e) { stderr.WriteLine(e.Message); }
        catch (InvalidOperationException e) { stderr.WriteLine($"--activities: error: {e.Message}"); }
        return false;
    }
}

/// <summary>
/// The built-in activity packs as <c>./egov test</c> runs them: never against a real system unless <c>--settings FILE</c>
/// says so. Without it e-mails go as .eml files into a pickup folder under the temporary directory (sender
/// <c>noreply@egov-test.invalid</c>); the developer's <c>egov.settings.json</c> is not read.
/// </summary>
internal static class TestPacks
{
    public static Action<Sdk.ActivityRegistry> Create(string? settingsFile)
    {
        var defaults = new Dictionary<string, string?>
        {
            ["Packs:Notifications:From"] = "noreply@egov-test.invalid",
            ["Packs:Notifications:FromName"] = "egov test",
            ["Packs:Notifications:Delivery"] = "Directory",
            ["Packs:Notifications:Directory"] = Path.Combine(Path.GetTempPath(), "egov-test-mail"),
        };
        var configuration = Host.Packs.BuiltInPacks.LoadSettings(settingsFile, defaults, readDefaultFile: false);
        var template = Host.Packs.BuiltInPacks.CreateRegistry(configuration);
        return registry => { foreach (var a in template.All) registry.Add(a.Type, a.Create); };
    }
}
