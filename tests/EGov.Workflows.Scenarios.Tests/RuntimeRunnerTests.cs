using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Loading;
using EGov.Workflows.Scenarios.Running;

namespace EGov.Workflows.Scenarios.Tests;

/// <summary>The runner's rules against the real runtime, with the small models in Models/.</summary>
public sealed class RuntimeRunnerTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public RuntimeRunnerTests()
    {
        foreach (var model in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "EGov.Workflows.Scenarios.Tests", "Models")))
            File.Copy(model, Path.Combine(_dir.Path, Path.GetFileName(model)));
    }

    public void Dispose() => _dir.Dispose();

    private ScenarioResult Run(string yaml)
    {
        var file = _dir.Write("s.scenario.yaml", yaml);
        var loaded = ScenarioLoader.LoadFile(file, "s.scenario.yaml");
        loaded.Error.ShouldBeNull();
        return new ScenarioRunner(new RuntimeScenarioEngineFactory()).Run(loaded.Scenario!);
    }

    private static void ShouldPass(ScenarioResult result) =>
        result.Passed.ShouldBeTrue(result.Line + Environment.NewLine + string.Join(Environment.NewLine, result.Trace));

    [Fact]
    public void CompleteAsAUser_AppliesFourEyes_ARefusalExpectedWithRefused_LeavesTheTaskOpen()
    {
        ShouldPass(Run("""
            deploy: [vier-augen.bpmn]
            steps:
              - complete: Pruefen
                user: anna
              - complete: Freigeben
                user: anna
                refused: Vier-Augen-Prinzip
              - expect: { waiting: [Freigeben] }
              - complete: Freigeben
                user: bernd
              - expect: { state: completed }
            """));
    }

    [Fact]
    public void ARefusalExpected_ButTheTaskCompletes_FailsTheStep()
    {
        var result = Run("""
            deploy: [vier-augen.bpmn]
            steps:
              - complete: Pruefen
                user: anna
              - complete: Freigeben
                user: bernd
                refused: Vier-Augen-Prinzip
            """);
        result.Passed.ShouldBeFalse();
        result.Failure!.ShouldContain("it was completed");
    }

    [Fact]
    public void UnboundServiceTask_NotInServices_FailsAtStart()
    {
        Run("name: n\ndeploy: [services-and-receive.bpmn]\n").Failure
            .ShouldBe("start: an entry under 'services:' for service task Check (it has no implementation) / none");
    }

    [Fact]
    public void FailTimesThenComplete_ExternalTaskWaits_ReceiveTaskCompletes_MessageEnds()
    {
        ShouldPass(Run("""
            deploy: [services-and-receive.bpmn]
            services:
              Check: { fail: "down", times: 2, variables: { score: 7 } }
            steps:
              - expect: { state: running, waiting: [Check], notCompleted: [Check] }
              - advance: PT1H
              - expect: { waiting: [Pay], completed: [Check], counts: { Check: 1 }, variables: { score: 7 } }
              - complete: Pay
                variables: { paid: true }
              - expect: { waiting: [Wait], variables: { paid: true } }
              - complete: Wait
              - expect: { waiting: [WaitMsg] }
              - message: Go
              - expect: { state: completed, waiting: [], completed: [WaitMsg, End] }
            """));
    }

    [Fact]
    public void FailingForever_EndsInAnIncidentWithinTheHour()
    {
        ShouldPass(Run("""
            deploy: [services-and-receive.bpmn]
            services:
              Check: { fail: "connection refused" }
            steps:
              - advance: PT1H
              - expect: { state: incident, incidents: [Check], waiting: [Check] }
            """));
    }

    [Fact]
    public void ReceiveTaskWithAMessage_IsNotCompletedByComplete()
    {
        Run("name: n\ndeploy: [services-and-receive.bpmn]\nservices:\n  Check: {}\n  topic:payment: {}\nsteps:\n  - complete: Wait\n  - complete: WaitMsg\n")
            .Failure.ShouldBe("step 2: an open task at WaitMsg / none open there, waiting [WaitMsg]");
    }

    [Fact]
    public void MessageNobodyWaitsFor_FailsTheStep()
    {
        Run("name: n\ndeploy: [services-and-receive.bpmn]\nservices:\n  Check: {}\n  topic:payment: {}\nsteps:\n  - message: Go\n")
            .Failure.ShouldBe("step 1: a receiver for message Go / nobody waits for it, waiting [Wait]");
    }

    [Fact]
    public void BpmnErrorWithoutCatch_EndsThePathLikeCamunda()
    {
        var result = Run("name: n\ndeploy: [services-and-receive.bpmn]\nservices:\n  Check: {}\n  topic:payment: { error: PAY_FAILED }\nsteps:\n  - expect: { state: completed, notCompleted: [Wait], waiting: [] }\n");
        ShouldPass(result);
    }

    [Fact]
    public void Advance_TimersFireAtTheirDueTimes()
    {
        ShouldPass(Run("""
            deploy: [timers.bpmn]
            steps:
              - expect: { waiting: [Wait2h, Wait1d] }
              - advance: P2D
              - expect: { waiting: [Review, Later], completed: [Wait2h, Stamp2h, Wait1d] }
            """));
    }

    [Fact]
    public void Scripts_SeeTheVirtualClock()
    {
        ShouldPass(Run("""
            deploy: [timers.bpmn]
            steps:
              - advance: PT2H
              - expect: { waiting: [Review, Wait1d], variables: { at2h: "2026-01-05T10:00:00.000Z" } }
            """));
    }

    [Fact]
    public void UnsupportedConstruct_FailsTheDeployWithAPosition()
    {
        Run("name: n\ndeploy: [unsupported.bpmn]\n").Failure!.ShouldMatch(@"^deploy: .*unsupported\.bpmn:5:\d+: scripts loaded from camunda:resource are not supported");
    }

    [Fact]
    public void ProcessOmitted_WithSeveralExecutableProcesses_SaysWhichToName()
    {
        _dir.Write("two.bpmn", """
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="http://example.org/t">
              <process id="A" isExecutable="true"><startEvent id="S1" /></process>
              <process id="B" isExecutable="true"><startEvent id="S2" /></process>
            </definitions>
            """);
        Run("name: n\ndeploy: [two.bpmn]\n").Failure!.ShouldMatch(@"^start: 'process:' names the process to start / .*two\.bpmn has 2 executable processes \(A, B\)$");
        ShouldPass(Run("deploy: [two.bpmn]\nprocess: B\nsteps:\n  - expect: { state: completed, completed: [S2] }\n"));
    }

    [Theory]
    [InlineData("CompensateEventTest.testCompensateScope", "{ undoBookHotel: 5, undoBookFlight: 5 }")]
    [InlineData("CompensateEventTest.testCompensateActivityRef", "{ undoBookHotel: 5 }")]
    public void CamundaTestHelpers_StandInForUndoService(string model, string variables)
    {
        var path = Path.Combine(RepoPaths.Shared, "corpora", "camunda", "event", "compensate", model + ".bpmn20.xml");
        var result = Run($"deploy: [\"{path}\"]\nsteps:\n  - expect: {{ variables: {variables} }}\n");
        ShouldPass(result);
    }

    [Fact]
    public void CamundaTestHelpers_WaitStateUndoServiceCountsToo()
    {
        var path = Path.Combine(RepoPaths.Shared, "corpora", "camunda", "subprocess", "transaction", "TransactionSubProcessTest.testSimpleCase.bpmn20.xml");
        ShouldPass(Run($$"""
            deploy: ["{{path}}"]
            steps:
              - complete: askCustomer
                variables: { confirmed: false }
              - expect: { waiting: [afterCancellation], variables: { undoBookHotel: 5, undoBookFlight: 1, undoChargeCard: 1 } }
            """));
    }
}
