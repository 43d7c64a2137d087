using System.Text.Json.Nodes;
using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Running;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Scenarios.Tests;

/// <summary>A custom activity in this test assembly, which doubles as an activity pack.</summary>
[Activity("test-stempel")]
public sealed class Stempel : WorkflowActivity
{
    public override Task<ActivityResult> ExecuteAsync(ActivityContext context) =>
        Task.FromResult(ActivityResult.Complete(new JsonObject { ["gestempelt"] = true }));
}

/// <summary><c>./egov test --activities PACK.dll</c>: packs are loaded by their [Activity] classes, or refused with one clear line.</summary>
public sealed class ActivityAssembliesTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string ThisAssembly => typeof(Stempel).Assembly.Location;

    [Fact]
    public void Load_FindsThePublicActivityClassesOfThePack()
    {
        ActivityAssemblies.Load(ThisAssembly).ShouldBe([typeof(Stempel)]);
    }

    [Fact]
    public void Load_AMissingFile_SaysNoSuchActivityAssembly()
    {
        var ex = Should.Throw<ActivityAssemblyException>(() => ActivityAssemblies.Load("nirgends/Pack.dll"));
        ex.Message.ShouldStartWith("nirgends/Pack.dll: error: no such activity assembly");
    }

    [Fact]
    public void Load_AnAssemblyWithoutActivities_SaysItHasNone()
    {
        var sdk = typeof(WorkflowActivity).Assembly.Location;
        var ex = Should.Throw<ActivityAssemblyException>(() => ActivityAssemblies.Load(sdk));
        ex.Message.ShouldBe($"{sdk}: error: no activity in it (a public class deriving from WorkflowActivity with [Activity(\"name\")])");
    }

    [Fact]
    public void Load_AFileThatIsNoAssembly_SaysSo()
    {
        var file = _dir.Write("Kaputt.dll", "kein .NET");
        Should.Throw<ActivityAssemblyException>(() => ActivityAssemblies.Load(file)).Message.ShouldBe($"{file}: error: not a .NET assembly");
    }

    [Fact]
    public void Scenarios_RunWithThePackActivities_AndFailWithoutThem()
    {
        _dir.Write("stempel.bpmn", """
            <?xml version="1.0" encoding="UTF-8"?>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0" id="D" targetNamespace="http://example.org/t">
              <process id="P" isExecutable="true">
                <startEvent id="Start" /><sequenceFlow id="F1" sourceRef="Start" targetRef="Stempeln" />
                <serviceTask id="Stempeln" egov:activity="test-stempel" /><sequenceFlow id="F2" sourceRef="Stempeln" targetRef="End" />
                <endEvent id="End" />
              </process>
            </definitions>
            """);
        _dir.Write("stempel.scenario.yaml", "name: stamped\ndeploy: [stempel.bpmn]\nsteps:\n  - expect: { state: completed, variables: { gestempelt: true } }\n");

        Run(ScenarioEngines.Create(activities: ActivityAssemblies.Load(ThisAssembly))).ShouldBe(0);
        Run(ScenarioEngines.Create()).ShouldBe(1);
    }

    private int Run(IScenarioEngineFactory engines) =>
        new ScenarioSuite(engines).Run([_dir.Path], new SuiteOptions(), TextWriter.Null, TextWriter.Null);

    [Fact]
    public void WalkingAFolder_SkipsBuildOutput()
    {
        _dir.Write("a.scenario.yaml", "name: A\ndeploy: [model.bpmn]\n");
        _dir.Write("bin/Release/a.scenario.yaml", "name: copy\ndeploy: [../../model.bpmn]\n");
        _dir.Write("obj/a.scenario.yaml", "name: copy\ndeploy: [../model.bpmn]\n");

        ScenarioSuite.Discover([_dir.Path], TextWriter.Null, out _).Select(f => f.Full).ShouldBe([Path.GetFullPath(Path.Combine(_dir.Path, "a.scenario.yaml"))]);
    }
}
