using EGov.Workflows.Sdk;

namespace EGov.Workflows.Scenarios.Engine;

/// <summary>The one place where <c>./egov test</c> chooses its engine: the real runtime, in memory, on the scenario's virtual clock.
/// A durable store (<c>--store sqlite|postgres</c>) plugs in here.</summary>
public static class ScenarioEngines
{
    /// <summary>The store names <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Stores { get; } = ["memory"];

    /// <param name="store">where instances live (see <see cref="Stores"/>).</param>
    /// <param name="activities">custom activity classes from packs (<see cref="ActivityAssemblies.Load"/>).</param>
    /// <param name="builtIn">adds the host's built-in activity packs to each engine's registry.</param>
    public static IScenarioEngineFactory Create(string store = "memory", IReadOnlyList<Type>? activities = null, Action<ActivityRegistry>? builtIn = null) => store switch
    {
        "memory" => new RuntimeScenarioEngineFactory(activities: activities, builtIn: builtIn),
        _ => throw new ArgumentException($"unknown store '{store}'; known: {string.Join(", ", Stores)}", nameof(store)),
    };
}
