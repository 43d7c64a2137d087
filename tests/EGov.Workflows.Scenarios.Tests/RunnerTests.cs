using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Loading;
using EGov.Workflows.Scenarios.Running;
using NodaTime;

namespace EGov.Workflows.Scenarios.Tests;

/// <summary>The runner's own rules, against a scripted engine.</summary>
public sealed class RunnerTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private ScenarioResult Run(string yaml, Action<FakeEngine> setup, out FakeEngine engine)
    {
        var file = _dir.Write("t.scenario.yaml", yaml);
        var loaded = ScenarioLoader.LoadFile(file, "t.scenario.yaml");
        loaded.Error.ShouldBeNull();
        var factory = new FakeEngineFactory(setup);
        var result = new ScenarioRunner(factory).Run(loaded.Scenario!);
        engine = factory.Created.SingleOrDefault() ?? new FakeEngine(new ScenarioEngineOptions(new VirtualClock(default), DateTimeZone.Utc));
        return result;
    }

    [Fact]
    public void Passing_ScenarioPrintsPass()
    {
        var result = Run("name: ok\ndeploy: [model.bpmn]\nsteps:\n  - expect: { waiting: [Review] }\n  - complete: Review\n  - expect: { completed: [Review], waiting: [] }\n",
            e => e.OnStart = f => f.AddTask("Review"), out var engine);
        result.Line.ShouldBe("PASS t.scenario.yaml: ok");
        engine.Log.ShouldBe(["start P", "complete t1"]);
        engine.Deployed.Single().ShouldEndWith("model.bpmn");
    }

    [Fact]
    public void Complete_TakesTheOldestOpenTaskAtThatElement()
    {
        Run("deploy: [model.bpmn]\nsteps:\n  - complete: Sign\n  - complete: Sign\n",
            e => e.OnStart = f => { f.AddTask("Sign"); f.AddTask("Other"); f.AddTask("Sign"); f.AddTask("Sign"); }, out var engine);
        engine.Log.ShouldBe(["start P", "complete t1", "complete t3"]);
    }

    [Fact]
    public void Complete_WithoutAnOpenTask_FailsTheStep()
    {
        var result = Run("name: n\ndeploy: [model.bpmn]\nsteps:\n  - expect: { state: running }\n  - complete: Missing\n",
            e => e.OnStart = f => f.AddTask("Review"), out _);
        result.Line.ShouldBe("FAIL t.scenario.yaml: n: step 2: an open task at Missing / none open there, waiting [Review]");
    }

    [Fact]
    public void Message_NobodyReceives_FailsTheStep()
    {
        var result = Run("name: n\ndeploy: [model.bpmn]\nsteps:\n  - message: Zahlung\n    correlationKey: K1\n", _ => { }, out _);
        result.Failure.ShouldBe("step 1: a receiver for message Zahlung with correlationKey K1 / nobody waits for it, waiting []");
    }

    [Fact]
    public void Expect_FailureNamesStepExpectedAndFound()
    {
        var result = Run("name: n\ndeploy: [model.bpmn]\nsteps:\n  - expect: { state: completed, waiting: [B] }\n",
            e => e.OnStart = f => f.AddTask("A"), out _);
        result.Line.ShouldBe("FAIL t.scenario.yaml: n: step 1: state completed; waiting [B] / state running; waiting [A]");
    }

    [Fact]
    public void Advance_FiresTimersInDueOrder_WithTheClockAtEachDueTime()
    {
        var start = Instant.FromUtc(2026, 1, 5, 8, 0);
        var result = Run("deploy: [model.bpmn]\nsteps:\n  - advance: P1D\n  - expect: { waiting: [After2h, After5h] }\n", e => e.OnStart = f =>
        {
            f.Timers.Add((start + Duration.FromHours(5), "T5", () => f.AddTask("After5h")));
            f.Timers.Add((start + Duration.FromHours(2), "T2", () =>
            {
                f.AddTask("After2h");
                // a timer created while firing, still inside the advance: fires too, at its own due time
                f.Timers.Add((f.Clock.GetCurrentInstant() + Duration.FromHours(1), "T3", () => { }));
            }));
            f.Timers.Add((start + Duration.FromDays(2), "Later", () => f.AddTask("Later")));
        }, out var engine);
        result.Failure.ShouldBeNull();
        engine.Log.ShouldBe(["start P", "fire T2 at 2026-01-05T10:00:00Z", "fire T3 at 2026-01-05T11:00:00Z", "fire T5 at 2026-01-05T13:00:00Z"]);
        engine.Clock.GetCurrentInstant().ShouldBe(start + Duration.FromDays(1));
    }

    [Fact]
    public void Advance_PastATimerAlreadyDue_FiresItAtOnce()
    {
        var start = Instant.FromUtc(2026, 1, 5, 8, 0);
        Run("deploy: [model.bpmn]\n", e => e.OnStart = f => f.Timers.Add((start, "Now", () => { })), out var engine);
        engine.Log.ShouldBe(["start P", "fire Now at 2026-01-05T08:00:00Z"]);
    }

    [Fact]
    public void Services_CompleteByElementOrTopic_WithVariables()
    {
        var result = Run("""
            deploy: [model.bpmn]
            services:
              Check: { variables: { score: 7 } }
              topic:payment: { variables: { paid: true } }
            steps:
              - expect: { completed: [Check, Pay], waiting: [Manual], variables: { score: 7, paid: true } }
            """, e => e.OnStart = f => { f.AddExternal("Check", null, unbound: true); f.AddExternal("Pay", "payment"); f.AddExternal("Manual", "other"); }, out _);
        result.Failure.ShouldBeNull();
    }

    [Fact]
    public void Services_ElementIdWinsOverTopic()
    {
        Run("deploy: [model.bpmn]\nservices:\n  topic:payment: { error: E }\n  Pay: { variables: { a: 1 } }\n",
            e => e.OnStart = f => f.AddExternal("Pay", "payment"), out var engine);
        engine.Log.ShouldContain("service complete Pay");
    }

    [Fact]
    public void Services_FailTimesThenComplete_RetriesAtTheEnginesBackoff()
    {
        var result = Run("""
            deploy: [model.bpmn]
            services:
              Pay: { fail: "connection refused", times: 2, variables: { paid: true } }
            steps:
              - expect: { completed: [] , state: running }
              - advance: PT1H
              - expect: { completed: [Pay], variables: { paid: true } }
            """, e => e.OnStart = f => f.AddExternal("Pay", "payment"), out var engine);
        result.Failure.ShouldBeNull();
        engine.Log.ShouldBe([
            "start P",
            "service fail Pay at 2026-01-05T08:00:00Z",
            "service fail Pay at 2026-01-05T08:10:00Z",
            "service complete Pay",
        ]);
    }

    [Fact]
    public void Services_FailingForever_EndsInTheEnginesIncident()
    {
        var result = Run("""
            deploy: [model.bpmn]
            services:
              Pay: { fail: "connection refused" }
            steps:
              - advance: PT1H
              - expect: { state: incident, incidents: [Pay] }
            """, e => e.OnStart = f => f.AddExternal("Pay", "payment"), out var engine);
        result.Failure.ShouldBeNull();
        engine.Log.Count(l => l.StartsWith("service fail", StringComparison.Ordinal)).ShouldBe(3);
    }

    [Fact]
    public void Services_BpmnError()
    {
        Run("deploy: [model.bpmn]\nservices:\n  Archive: { error: ARCHIVE_DOWN }\n", e => e.OnStart = f => f.AddExternal("Archive", null), out var engine);
        engine.Log.ShouldContain("service error Archive ARCHIVE_DOWN");
    }

    [Fact]
    public void Services_UnboundTaskNotMentioned_FailsTheScenario()
    {
        var result = Run("name: n\ndeploy: [model.bpmn]\nsteps:\n  - complete: Review\n",
            e => { e.OnStart = f => f.AddTask("Review"); e.OnComplete = (f, _) => f.AddExternal("Task_Check", null, unbound: true); }, out _);
        result.Failure.ShouldBe("step 1: an entry under 'services:' for service task Task_Check (it has no implementation) / none");
    }

    [Fact]
    public void Services_ExternalTaskNotMentioned_Waits_AndCompleteServesIt()
    {
        var result = Run("deploy: [model.bpmn]\nsteps:\n  - expect: { waiting: [Pay] }\n  - complete: Pay\n  - expect: { completed: [Pay] }\n",
            e => e.OnStart = f => { f.AddExternal("Pay", "payment"); f.Tasks.Add(new OpenTask("x1", "Pay", "root", OpenTaskKind.External, 1)); }, out _);
        result.Failure.ShouldBeNull();
    }

    [Fact]
    public void Deploy_RefusedByTheEngine_FailsWithItsMessage()
    {
        var result = Run("name: n\ndeploy: [model.bpmn]\n", e => e.DeployError = "model.bpmn:4:5: error: complex gateways are not supported", out _);
        result.Failure.ShouldBe("deploy: model.bpmn:4:5: error: complex gateways are not supported");
    }

    [Fact]
    public void Deploy_UnreadableModel_FailsWithTheParsersPosition()
    {
        _dir.Write("broken.bpmn", "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">\n  <process id=\"P\">\n</definitions>\n");
        var file = _dir.Write("b.scenario.yaml", "name: n\ndeploy: [broken.bpmn]\n");
        var result = new ScenarioRunner(new FakeEngineFactory()).Run(ScenarioLoader.LoadFile(file, "b.scenario.yaml").Scenario!);
        result.Failure.ShouldNotBeNull();
        result.Failure.ShouldStartWith("deploy: ");
        result.Failure.ShouldMatch(@"^deploy: .*broken\.bpmn:\d+:\d+: error: ");
    }

    [Fact]
    public void Deploy_MissingModel_FailsClearly()
    {
        var result = Run("name: n\ndeploy: [nowhere.bpmn]\n", _ => { }, out _);
        result.Failure!.ShouldMatch(@"^deploy: .*nowhere\.bpmn:1:1: error: file not found");
    }

    [Fact]
    public void EngineExceptions_BecomeOneLine()
    {
        var result = Run("name: n\ndeploy: [model.bpmn]\nsteps:\n  - complete: Review\n",
            e => { e.OnStart = f => f.AddTask("Review"); e.OnComplete = (_, _) => throw new InvalidOperationException("boom"); }, out _);
        result.Failure.ShouldBe("step 1: complete Review / engine error: InvalidOperationException: boom");
    }

    [Fact]
    public void StartByMessage_WhenTheScenarioSaysSo()
    {
        Run("deploy: [model.bpmn]\nstart: { message: Antrag, variables: { a: 1 } }\n", _ => { }, out var engine);
        engine.Log.ShouldBe(["start by Antrag"]);
        engine.Variables["a"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public void Verbose_TraceShowsStepsAndTheStateAfterAFailure()
    {
        var result = Run("name: n\ndeploy: [model.bpmn]\nsteps:\n  - expect: { waiting: [X] }\n", e => e.OnStart = f => f.AddTask("Review"), out _);
        result.Trace.ShouldContain(l => l.StartsWith("step 1: expect { waiting: [X] }", StringComparison.Ordinal));
        result.Trace.ShouldContain("waiting: [Review]");
        result.Trace.ShouldContain("open tasks: [Review (user)]");
    }

    [Fact]
    public void CalendarTime_DaysKeepTheWallClockAcrossDaylightSaving()
    {
        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var saturday = Instant.FromUtc(2026, 3, 28, 8, 0); // 09:00 CET, the night before summer time
        CalendarTime.Add(saturday, Period.FromDays(1), berlin).ShouldBe(Instant.FromUtc(2026, 3, 29, 7, 0)); // 09:00 CEST
        CalendarTime.Add(saturday, Period.FromHours(24), berlin).ShouldBe(Instant.FromUtc(2026, 3, 29, 8, 0));
        CalendarTime.Add(Instant.FromUtc(2026, 1, 31, 8, 0), Period.FromMonths(1), berlin).ShouldBe(Instant.FromUtc(2026, 2, 28, 8, 0));
    }

    [Fact]
    public void Services_KeyNamingNoElement_IsAPositionedScenarioError()
    {
        var result = Run("name: n\ndeploy: [model.bpmn]\nservices:\n  Chek: {}\n", _ => { }, out _);
        result.Failure.ShouldBe("t.scenario.yaml:4:3: 'Chek' is no element of the deployed models; services are keyed by element id or topic:NAME");
    }

    [Fact]
    public void Services_TopicNoTaskHas_IsAPositionedScenarioError()
    {
        var result = Run("name: n\ndeploy: [model.bpmn]\nservices:\n  topic:paymnet: {}\n", _ => { }, out _);
        result.Failure.ShouldBe("t.scenario.yaml:4:3: no task of the deployed models has the topic 'paymnet' (topics: other, payment)");
    }
}
