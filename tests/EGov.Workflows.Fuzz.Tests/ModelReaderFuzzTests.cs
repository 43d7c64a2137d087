using CsCheck;
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
        var seconds = Fuzz.Seconds(12);
        long runs = 0;
        Fuzz.Mutated(corpus, Fuzz.XmlSnippets).Sample(xml =>
        {
            Interlocked.Increment(ref runs);
            var result = new BpmnReader().ReadString(xml, "fuzz.bpmn");
            if (result.HasErrors || result.Definitions is null) return;
            try { new WorkflowEngine(new WorkflowEngineOptions()).Deploy("fuzz.bpmn", result.Definitions); }
            catch (DeploymentException) { } // refused with the reasons: fine
        }, seed: Fuzz.Seed, iter: long.MaxValue, time: seconds, print: Print);
        Fuzz.Report(output.WriteLine, "bpmn-reader+deploy", runs, seconds);
    }

    [Fact]
    public void DmnReader_NeverThrows_OnDamagedDecisions()
    {
        var corpus = Fuzz.Corpus(".dmn", "processes", "tests", "samples", "src/Activities");
        corpus.Count.ShouldBeGreaterThan(3);
        var seconds = Fuzz.Seconds(8);
        long runs = 0;
        Fuzz.Mutated(corpus, Fuzz.XmlSnippets).Sample(xml =>
        {
            Interlocked.Increment(ref runs);
            new DmnReader().ReadString(xml, "fuzz.dmn");
        }, seed: Fuzz.Seed, iter: long.MaxValue, time: seconds, print: Print);
        Fuzz.Report(output.WriteLine, "dmn-reader", runs, seconds);
    }

    [Fact]
    public void ScenarioLoader_NeverThrows_OnDamagedScenarios()
    {
        var corpus = Fuzz.Corpus(".scenario.yaml", "processes", "tests/scenarios", "samples", "src/Activities");
        corpus.Count.ShouldBeGreaterThan(10);
        var seconds = Fuzz.Seconds(8);
        long runs = 0;
        var anchor = Path.Combine(Fuzz.Root, "processes", "fuzz.scenario.yaml");
        Fuzz.Mutated(corpus, Fuzz.YamlSnippets).Sample(yaml =>
        {
            Interlocked.Increment(ref runs);
            var result = ScenarioLoader.Load(yaml, "fuzz.scenario.yaml", anchor);
            (result.Scenario is not null || result.Error is not null).ShouldBeTrue("a scenario or an error");
        }, seed: Fuzz.Seed, iter: long.MaxValue, time: seconds, print: Print);
        Fuzz.Report(output.WriteLine, "scenario-loader", runs, seconds);
    }

    private static string Print(string text) => text.Length <= 4000 ? text : text[..4000] + $"… ({text.Length} characters)";
}
