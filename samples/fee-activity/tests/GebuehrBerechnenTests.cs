using System.Text.Json.Nodes;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Runtime;
using EGov.Workflows.Samples.FeeActivity;
using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Loading;
using EGov.Workflows.Scenarios.Running;
using EGov.Workflows.Sdk;
using EGov.Workflows.Sdk.Testing;

namespace EGov.Workflows.Samples.FeeActivity.Tests;

public sealed class GebuehrBerechnenTests
{
    private static readonly string SampleDir = Path.Combine(AppContext.BaseDirectory, "sample");

    /// <summary>The whole registration: one call on the engine builder.</summary>
    private static WorkflowEngine Engine()
    {
        var engine = new WorkflowEngineBuilder().AddActivity<GebuehrBerechnen>().Build();
        var read = new BpmnReader().ReadFile(Path.Combine(SampleDir, "gebuehr.bpmn"));
        read.Definitions.ShouldNotBeNull(string.Join("\n", read.Diagnostics));
        engine.Deploy("gebuehr.bpmn", read.Definitions);
        return engine;
    }

    [Fact]
    public void Two_years_cost_exactly_61_40_and_the_user_task_follows()
    {
        var engine = Engine();
        var id = engine.StartProcess("Process_Gebuehr", new JsonObject { ["leistung"] = "anwohnerparkausweis", ["anzahlJahre"] = 2 });

        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.Waiting.ShouldBe(["Task_Gebuehrenbescheid_Pruefen"]);
        // Exact decimal, not a double that happens to print as 61.4.
        view.Variables["gebuehr"]!.GetValue<decimal>().ShouldBe(61.40m);
        view.Variables["gebuehr"]!.ToJsonString().ShouldBe("61.40");

        engine.CompleteUserTask(engine.OpenUserTasks(id).Single().Id);
        engine.GetInstance(id).CompletedCount("EndEvent_Gebuehr_Festgesetzt").ShouldBe(1);
    }

    [Fact]
    public void Unknown_service_takes_the_error_boundary()
    {
        var engine = Engine();
        var id = engine.StartProcess("Process_Gebuehr", new JsonObject { ["leistung"] = "hundesteuermarke", ["anzahlJahre"] = 1 });

        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.CompletedCount("Event_Unbekannte_Leistung").ShouldBe(1);
        view.Waiting.ShouldBe(["Task_Leistung_Klaeren"]);
        view.Variables.ContainsKey("gebuehr").ShouldBeFalse();
    }

    /// <summary>The activity alone, without an engine: inputs in, result out (the SDK's ActivityTestContext).</summary>
    [Fact]
    public async Task Unit_test_without_an_engine_a_whole_number_reads_exactly_and_a_fraction_fails()
    {
        var two = await new ActivityTestContext().Input("leistung", "anwohnerparkausweis").Input("anzahlJahre", 2).ExecuteAsync(new GebuehrBerechnen());
        two.ShouldBeOfType<ActivityResult.Completed>().Outputs["gebuehr"]!.ToJsonString().ShouldBe("61.40");

        var half = await new ActivityTestContext().Input("leistung", "anwohnerparkausweis").Variable("anzahlJahre", 1.5).ExecuteAsync(new GebuehrBerechnen());
        half.ShouldBeOfType<ActivityResult.Failed>().Message.ShouldBe("anzahlJahre muss 1, 2 oder 3 sein, war 1.5");

        Should.Throw<InvalidOperationException>(() => new ActivityTestContext().Input("leistung", "x").ExecuteAsync(new GebuehrBerechnen()))
            .Message.ShouldBe("activity 'gebuehr-berechnen' needs the input 'anzahlJahre', which is not set");
    }

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(SampleDir, "scenarios"), "*.scenario.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    /// <summary>The sample's scenarios, run by the scenario runner on an engine that has the activity registered.
    /// (The same files run from the command line with the pack loaded: <c>./egov test --activities PACK.dll samples</c>.)</summary>
    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_passes(string file)
    {
        var loaded = ScenarioLoader.LoadFile(Path.Combine(SampleDir, "scenarios", file), file);
        loaded.Scenario.ShouldNotBeNull(loaded.ErrorText);

        var result = new ScenarioRunner(new WithFeeActivity()).Run(loaded.Scenario);

        result.Failure.ShouldBeNull(string.Join("\n", result.Trace));
    }

    /// <summary>The scenario runner's engine, plus this sample's activity: the same one call as in production.</summary>
    private sealed class WithFeeActivity : IScenarioEngineFactory
    {
        public IScenarioEngine Create(ScenarioEngineOptions options) =>
            new RuntimeScenarioEngine(new WorkflowEngineBuilder().UseClock(options.Clock).UseZone(options.Zone).AddActivity<GebuehrBerechnen>().Build());
    }
}
