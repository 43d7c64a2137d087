namespace EGov.Workflows.Scenarios.Engine;

/// <summary>The one place where <c>./egov test</c> chooses its engine: the real runtime, in memory, on the scenario's virtual clock.
/// A durable store (<c>--store sqlite|postgres</c>) plugs in here.</summary>
public static class ScenarioEngines
{
    /// <summary>The store names <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Stores { get; } = ["memory"];

    /// <param name="store">where instances live (see <see cref="Stores"/>).</param>
    /// <param name="packs">activity packs loaded by <see cref="Packs.PackLoader.Load"/>.</param>
    public static IScenarioEngineFactory Create(string store = "memory", Packs.PackCatalog? packs = null) => store switch
    {
        "memory" => new RuntimeScenarioEngineFactory(packs: packs),
        _ => throw new ArgumentException($"unknown store '{store}'; known: {string.Join(", ", Stores)}", nameof(store)),
    };
}
