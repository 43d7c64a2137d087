namespace EGov.Workflows.Architecture.Tests;

/// <summary>
/// Dependencies point inward (STYLE.md): model ← parser and SDK ← runtime ← persistence, host ← CLI. Projects
/// that do not exist yet are skipped, so the rules can be written before the layers are.
/// </summary>
public sealed class DependencyDirectionTests
{
    private static readonly ProjectGraph Graph = ProjectGraph.Load();

    /// <summary>The outer layers: what inner layers must never see.</summary>
    private static readonly string[] Outer = ["Runtime", "Persistence", "Identity", "Host", "Cli", "Scenarios"];

    public static TheoryData<string, string[]> AllowedReferences() => new()
    {
        { "Model", [] },
        { "Bpmn", ["Model", "Time"] },
        { "Expressions", ["Model"] },
        { "Time", ["Model"] },
        // Activity packs build on the SDK; the SDK stays thin: the model and plain value types only.
        { "Sdk", ["Model", "Time"] },
        // The pack loader knows the SDK only: the runtime, host and CLI hand it paths and get activity registrations back.
        { "Packs", ["Sdk"] },
        // FEEL and DMN are inner layers: the model's XML rules and plain values; the runtime uses them, never the reverse.
        { "Feel", [] },
        { "Dmn", ["Model", "Feel"] },
        // The service catalogue (service.yaml, Leistungen) is data about processes, not a runtime: model and time only.
        { "Catalogue", ["Model", "Time"] },
    };

    [Fact]
    public void Graph_FindsTheCoreProjects()
    {
        Graph.Has("Model").ShouldBeTrue();
        Graph.Has("Bpmn").ShouldBeTrue();
        Graph.Has("Cli").ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(AllowedReferences))]
    public void InnerProject_ReferencesOnlyWhatIsAllowed(string project, string[] allowed)
    {
        if (!Graph.Has(project)) return;
        var forbidden = Graph.ReferencesOf(project).Where(r => !allowed.Contains(r)).ToList();
        forbidden.ShouldBeEmpty($"{project} may reference only [{string.Join(", ", allowed)}]");
    }

    [Theory]
    [InlineData("Model")]
    [InlineData("Bpmn")]
    [InlineData("Sdk")]
    [InlineData("Packs")]
    [InlineData("Expressions")]
    [InlineData("Time")]
    [InlineData("Feel")]
    [InlineData("Dmn")]
    [InlineData("Catalogue")]
    public void InnerProject_NeverReachesAnOuterLayer(string project)
    {
        if (!Graph.Has(project)) return;
        Graph.Reachable(project).Intersect(Outer).ShouldBeEmpty($"{project} must not depend on runtime, persistence, host or CLI");
    }

    [Fact]
    public void Runtime_NeverReferencesPersistenceHostOrCli() =>
        Graph.Reachable("Runtime").Intersect(["Persistence", "Host", "Cli"]).ShouldBeEmpty();

    [Fact]
    public void Persistence_NeverReferencesHostOrCli() =>
        Graph.Reachable("Persistence").Intersect(["Host", "Cli"]).ShouldBeEmpty();

    [Fact]
    public void Identity_NeverReferencesHostOrCli() =>
        Graph.Reachable("Identity").Intersect(["Host", "Cli"]).ShouldBeEmpty();

    [Fact]
    public void NothingUnderSrc_ReferencesTheCli()
    {
        var offenders = Graph.Nodes.Values.Where(n => n.References.Contains("Cli")).Select(n => n.Path).ToList();
        offenders.ShouldBeEmpty("the CLI is the outermost layer");
    }

    /// <summary>Every project under src/Activities (issue 12): named EGov.Workflows.Activities.PACK, it references the SDK and nothing else.</summary>
    [Fact]
    public void ActivityPacks_SeeOnlyTheSdk()
    {
        var packs = Graph.Nodes.Values.Where(n => n.Path.StartsWith("src/Activities/", StringComparison.Ordinal)).ToList();
        packs.ShouldNotBeEmpty("the built-in packs live under src/Activities");
        foreach (var pack in packs)
        {
            pack.Name.ShouldStartWith("EGov.Workflows.Activities.", customMessage: $"{pack.Path}: a pack is named EGov.Workflows.Activities.PACK");
            pack.References.ShouldBe(["Sdk"], $"{pack.Path} must build on the SDK only");
        }
    }

    [Fact]
    public void ProjectGraph_HasNoCycles()
    {
        foreach (var name in Graph.Nodes.Keys)
            Graph.Reachable(name).ShouldNotContain(name, $"{name} reaches itself");
    }
}
