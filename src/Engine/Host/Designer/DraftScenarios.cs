using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Loading;
using EGov.Workflows.Scenarios.Running;

namespace EGov.Workflows.Host.Designer;

/// <summary>One scenario's outcome against a draft: passed, or the failing step and what was expected and found.</summary>
/// <param name="Draft">true: the scenario was written or recorded with the draft (not a file under processes/).</param>
public sealed record DraftScenarioResult(string File, string Name, bool Passed, string? Failure, bool Draft = false);

/// <summary>
/// "Szenarien ausführen": the process's scenarios (<c>processes/&lt;service&gt;/scenarios/*.scenario.yaml</c> beside the
/// model file that holds the process) and those written with the draft run on the server against the draft instead of
/// the model file — in memory, on a virtual clock, with the built-in packs in test mode
/// (<see cref="BuiltInPacks.TestDefaults"/>: never a real outside system), as <c>./egov test</c> runs them. A scenario of
/// the draft reads as if it lay in that scenarios folder (<c>deploy: [../model.bpmn]</c>); a process deployed only
/// through the API gets a folder of its own that holds nothing but the draft.
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

    /// <summary>The model file a draft stands in for: the one under processes/, else a virtual one named <paramref name="fileName"/>.</summary>
    public static string Model(string? processesDirectory, string processId, string fileName) =>
        ModelFile(processesDirectory, processId)
        ?? Path.Combine(Path.GetTempPath(), "egov-designer", string.Concat(processId.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_')), fileName);

    /// <summary>The folder the draft's scenarios read as if they lay in.</summary>
    public static string Folder(string? processesDirectory, string processId, string fileName) =>
        Path.Combine(Path.GetDirectoryName(Model(processesDirectory, processId, fileName))!, "scenarios");

    public static IReadOnlyList<DraftScenarioResult> Run(string? processesDirectory, string processId, string draftXml,
        IReadOnlyDictionary<string, string>? written = null, string? only = null, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(draftXml);
        var model = Model(processesDirectory, processId, fileName ?? $"{processId}.bpmn");
        var folder = Path.Combine(Path.GetDirectoryName(model)!, "scenarios");
        var sources = new List<(string Display, bool Draft, Func<LoadResult> Load)>();
        if (ModelFile(processesDirectory, processId) is not null && Directory.Exists(folder))
            foreach (var file in Directory.EnumerateFiles(folder, "*" + ScenarioSuite.Suffix).Order(StringComparer.Ordinal))
                if (written is null || !written.ContainsKey(Path.GetFileName(file)))
                    sources.Add((Path.GetFileName(file), false, () => ScenarioLoader.LoadFile(file, Path.GetFileName(file))));
        foreach (var (name, text) in (written ?? new Dictionary<string, string>()).OrderBy(w => w.Key, StringComparer.Ordinal))
            sources.Add((name, true, () => ScenarioLoader.Load(text, name, Path.Combine(folder, name))));
        if (only is not null) sources.RemoveAll(s => s.Display != only);
        if (sources.Count == 0) return [];

        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(BuiltInPacks.TestDefaults).Build();
        var engines = new RuntimeScenarioEngineFactory(packs: Packs.PackCatalog.Empty.With(BuiltInPacks.Load(configuration)));
        var models = new ModelCache().Override(model, draftXml);
        var results = new List<DraftScenarioResult>();
        foreach (var (display, draft, load) in sources)
        {
            var loaded = load();
            var name = loaded.Scenario?.Name ?? loaded.Name ?? display;
            if (loaded.Scenario is null)
            {
                results.Add(new DraftScenarioResult(display, name, false, loaded.ErrorText, draft));
                continue;
            }
            try
            {
                var r = new ScenarioRunner(engines, models).Run(loaded.Scenario);
                results.Add(new DraftScenarioResult(display, r.Name, r.Passed, r.Failure, draft));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                results.Add(new DraftScenarioResult(display, name, false, $"runner error: {e.GetType().Name}: {e.Message}", draft));
            }
        }
        return results;
    }
}
