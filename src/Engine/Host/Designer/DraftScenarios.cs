using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Loading;
using EGov.Workflows.Scenarios.Running;

namespace EGov.Workflows.Host.Designer;

/// <summary>One scenario's outcome against a draft: passed, or the failing step and what was expected and found.</summary>
public sealed record DraftScenarioResult(string File, string Name, bool Passed, string? Failure);

/// <summary>
/// "Szenarien ausführen": the process's scenarios (<c>processes/&lt;service&gt;/scenarios/*.scenario.yaml</c> beside the
/// model file that holds the process) run on the server against a draft instead of the model file — in memory, on a
/// virtual clock, with the built-in packs in test mode (<see cref="BuiltInPacks.TestDefaults"/>: never a real outside
/// system), as <c>./egov test</c> runs them.
/// </summary>
public static class DraftScenarios
{
    /// <summary>The model file under the processes folder that holds the process (null: none, or no folder).</summary>
    public static string? ModelFile(string? processesDirectory, string processId)
    {
        if (processesDirectory is null || !Directory.Exists(processesDirectory)) return null;
        var marker = $"id=\"{processId}\"";
        return Deployment.ModelDeployer.FindModels(processesDirectory)
            .Where(f => f.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase))
            .FirstOrDefault(f => File.ReadAllText(f).Contains(marker, StringComparison.Ordinal));
    }

    public static IReadOnlyList<DraftScenarioResult> Run(string? processesDirectory, string processId, string draftXml)
    {
        ArgumentNullException.ThrowIfNull(draftXml);
        if (ModelFile(processesDirectory, processId) is not { } model) return [];
        var folder = Path.Combine(Path.GetDirectoryName(model)!, "scenarios");
        if (!Directory.Exists(folder)) return [];
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(BuiltInPacks.TestDefaults).Build();
        var engines = new RuntimeScenarioEngineFactory(packs: Packs.PackCatalog.Empty.With(BuiltInPacks.Load(configuration)));
        var models = new ModelCache().Override(model, draftXml);
        var results = new List<DraftScenarioResult>();
        foreach (var file in Directory.EnumerateFiles(folder, "*" + ScenarioSuite.Suffix).Order(StringComparer.Ordinal))
        {
            var display = Path.GetFileName(file);
            var loaded = ScenarioLoader.LoadFile(file, display);
            var name = loaded.Scenario?.Name ?? loaded.Name ?? display;
            if (loaded.Scenario is null)
            {
                results.Add(new DraftScenarioResult(display, name, false, loaded.ErrorText));
                continue;
            }
            try
            {
                var r = new ScenarioRunner(engines, models).Run(loaded.Scenario);
                results.Add(new DraftScenarioResult(display, r.Name, r.Passed, r.Failure));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                results.Add(new DraftScenarioResult(display, name, false, $"runner error: {e.GetType().Name}: {e.Message}"));
            }
        }
        return results;
    }
}
