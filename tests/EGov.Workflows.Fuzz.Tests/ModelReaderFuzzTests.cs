using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Dmn.Reading;
using EGov.Workflows.Runtime;
using EGov.Workflows.Scenarios.Loading;
using Xunit.Abstractions;

namespace EGov.Workflows.Fuzz.Tests;

/// <summary>
/// The readers of files people hand in (BPMN, DMN, scenarios), fed damaged copies of every such file of the repository. The
/// rule: a broken file is answered with positioned errors, never an exception, a hang or a crash; a BPMN file the reader
/// accepts is deployed or refused with a <see cref="DeploymentException"/> — nothing else.
/// </summary>
public sealed class ModelReaderFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void BpmnReader_AndDeployment_NeverThrow_OnDamagedModels()
    {
        var corpus = Fuzz.Corpus(".bpmn", "processes", "tests", "samples", "src/Activities");
        corpus.Count.ShouldBeGreaterThan(10);
        Fuzz.Run(output.WriteLine, "bpmn-reader+deploy", 12, Fuzz.Mutated(corpus, Fuzz.XmlSnippets), xml =>
        {
            var result = new BpmnReader().ReadString(xml, "fuzz.bpmn");
            if (result.HasErrors || result.Definitions is null) return;
            try { new WorkflowEngine(new WorkflowEngineOptions()).Deploy("fuzz.bpmn", result.Definitions); }
            catch (DeploymentException) { } // refused with the reasons: fine
        }, Print);
    }

    [Fact]
    public void DmnReader_NeverThrows_OnDamagedDecisions()
    {
        var corpus = Fuzz.Corpus(".dmn", "processes", "tests", "samples", "src/Activities");
        corpus.Count.ShouldBeGreaterThan(3);
        Fuzz.Run(output.WriteLine, "dmn-reader", 8, Fuzz.Mutated(corpus, Fuzz.XmlSnippets), xml => new DmnReader().ReadString(xml, "fuzz.dmn"), Print);
    }

    [Fact]
    public void ScenarioLoader_NeverThrows_OnDamagedScenarios()
    {
        var corpus = Fuzz.Corpus(".scenario.yaml", "processes", "tests/scenarios", "samples", "src/Activities");
        corpus.Count.ShouldBeGreaterThan(10);
        var anchor = Path.Combine(Fuzz.Root, "processes", "fuzz.scenario.yaml");
        Fuzz.Run(output.WriteLine, "scenario-loader", 8, Fuzz.Mutated(corpus, Fuzz.YamlSnippets), yaml =>
        {
            var result = ScenarioLoader.Load(yaml, "fuzz.scenario.yaml", anchor);
            (result.Scenario is not null || result.Error is not null).ShouldBeTrue("a scenario or an error");
        }, Print);
    }

    private static string Print(string text) => text.Length <= 4000 ? text : text[..4000] + $"… ({text.Length} characters)";
}
