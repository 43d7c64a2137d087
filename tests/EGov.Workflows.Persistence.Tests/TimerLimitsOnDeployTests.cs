using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// A durable deploy checks literal timers against the engine's limits as a deploy on the in-memory store does (issue 20:
/// a timer that fires too often, or never, floods or starves the job executor) — and stores nothing when one is refused.
/// Versions read back from the store are not checked again: they were accepted when they were deployed.
/// </summary>
public sealed class TimerLimitsOnDeployTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private static string Waiting(string timer) => $"""
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
          <process id="Warten" isExecutable="true">
            <startEvent id="Start" />
            <intermediateCatchEvent id="Pause"><timerEventDefinition>{timer}</timerEventDefinition></intermediateCatchEvent>
            <endEvent id="Ende" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Pause" />
            <sequenceFlow id="f2" sourceRef="Pause" targetRef="Ende" />
          </process>
        </definitions>
        """;

    [Theory, MemberData(nameof(Providers))]
    public void A_catch_event_whose_cron_never_fires_is_refused_and_nothing_is_stored(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Engine(store, Models.Clock());
        var deployments = new DurableDeployments(store);

        var refused = Should.Throw<DeploymentException>(() => deployments.Deploy(engine, "warten.bpmn", Models.Read(Waiting("<timeCycle>0 0 0 30 2 ?</timeCycle>"))));

        refused.Message.ShouldContain("warten.bpmn");
        deployments.List("default").ShouldBeEmpty();
        engine.Deployed().ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public void A_boundary_cycle_shorter_than_the_minimum_is_refused(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Engine(store, Models.Clock());
        var deployments = new DurableDeployments(store);

        var refused = Should.Throw<DeploymentException>(() => deployments.Deploy(engine, "warten.bpmn", Models.Read(Waiting("<timeCycle>R/PT0.01S</timeCycle>"))));

        refused.Message.ShouldContain("shorter than the minimum");
        deployments.List("default").ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public void A_timer_within_the_limits_deploys(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var engine = Models.Engine(store, Models.Clock());
        var deployments = new DurableDeployments(store);

        deployments.Deploy(engine, "warten.bpmn", Models.Read(Waiting("<timeDuration>P3D</timeDuration>"))).ShouldHaveSingleItem().Version.ShouldBe(1);
        engine.GetInstance(engine.StartProcess("Warten")).Waiting.ShouldBe(["Pause"]);
    }
}
