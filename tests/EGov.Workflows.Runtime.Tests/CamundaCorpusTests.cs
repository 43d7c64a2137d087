using System.Text.Json.Nodes;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>Camunda 7's own assertions on its test models (../shared/corpora/camunda/SOURCE.md), replayed on our engine.</summary>
public class CamundaCorpusTests
{
    private static readonly string Root = Path.Combine(FindShared(), "corpora", "camunda");

    private static string FindShared()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "shared", "corpora"))) dir = Path.GetDirectoryName(dir);
        return dir is null ? "/work/shared" : Path.Combine(dir, "shared");
    }

    /// <summary>Stands in for Camunda's test helper UndoService: increments the variable named by its counterName field.</summary>
    [Activity("undo-service", CamundaClass = "org.camunda.bpm.engine.test.bpmn.event.compensate.helper.UndoService")]
    private sealed class UndoService : WorkflowActivity
    {
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
        {
            var name = context.GetString("counterName")!;
            var current = context.Variable(name) is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
            return Task.FromResult(ActivityResult.Complete(new JsonObject { [name] = current + 1 }));
        }
    }

    /// <summary>Camunda's WaitStateUndoService: counts, then waits to be signalled.</summary>
    [Activity("wait-state-undo-service", CamundaClass = "org.camunda.bpm.engine.test.bpmn.event.compensate.helper.WaitStateUndoService")]
    private sealed class WaitStateUndoService : WorkflowActivity
    {
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context) => Task.FromResult(ActivityResult.Wait());
    }

    private static Harness Load(string path, object? vars = null)
    {
        var h = new Harness(b => b.AddActivity<UndoService>());
        var r = new BpmnReader().ReadFile(Path.Combine(Root, path));
        r.Definitions.ShouldNotBeNull();
        h.Engine.Deploy(path, r.Definitions);
        h.Start(vars, r.Definitions.Processes.First().Id!);
        return h;
    }

    private static List<string> Tasks(Harness h) => h.Engine.OpenUserTasks(h.Instance).Select(t => t.ElementId).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void MergingInclusiveGateway_TwoTokensArrive_OneTask()
    {
        var h = Load("gateway/InclusiveGatewayTest.testMergingInclusiveGateway.bpmn20.xml", new { input = 2 });
        h.Engine.OpenUserTasks(h.Instance).Count.ShouldBe(1);
    }

    [Fact]
    public void PartialMergingInclusiveGateway_FullJoinWaitsForPartialTask()
    {
        var h = Load("gateway/InclusiveGatewayTest.testPartialMergingInclusiveGateway.bpmn20.xml", new { input = 2 });
        Tasks(h).ShouldBe(["partialTask"]);
        h.Complete("partialTask");
        Tasks(h).ShouldBe(["theTask"]);
    }

    [Fact]
    public void InclusiveLoop_WithGroovyCounterStubbed_EndsAfterTaskC()
    {
        var h = Load("gateway/InclusiveGatewayTest.testLoop.bpmn20.xml", new { counter = 1 });
        for (var k = 0; k < 10 && h.Engine.OpenExternalTasks(h.Instance).FirstOrDefault() is { } t; k++)
        {
            var c = h.Variables["counter"]!.GetValue<int>();
            h.Engine.CompleteExternalTask(t.Id, new JsonObject { ["counter"] = c + 1 });
        }
        Tasks(h).ShouldBe(["C"]);
        h.Complete("C");
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void NoSequenceFlowSelected_OpensIncident()
    {
        var h = Load("gateway/InclusiveGatewayTest.testNoSequenceFlowSelected.bpmn20.xml", new { input = 4 });
        h.State.ShouldBe(InstanceState.Incident);
        h.View.Incidents.Single().Message.ShouldContain("No outgoing sequence flow for the element with id 'inclusiveGw' could be selected");
    }

    [Fact]
    public void JoinAfterEventBasedGateway_WaitsForMessage()
    {
        var h = Load("gateway/InclusiveGatewayTest.testJoinAfterEventBasedGateway.bpmn20.xml");
        var task = h.Engine.OpenUserTasks(h.Instance).Single();
        h.Engine.CompleteUserTask(task.Id);
        h.Engine.OpenUserTasks(h.Instance).ShouldBeEmpty();
        h.Message("foo");
        Tasks(h).ShouldBe(["taskAfterJoin"]);
    }

    [Fact]
    public void UnstructuredConcurrencyTwoJoins_EndsAtOnce()
    {
        var h = Load("gateway/ParallelGatewayTest.testUnstructuredConcurrencyTwoJoins.bpmn20.xml");
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void UnbalancedForkJoin_TasksAppearInOrder()
    {
        var h = Load("gateway/ParallelGatewayTest.testUnbalancedForkJoin.bpmn20.xml");
        var tasks = h.Engine.OpenUserTasks(h.Instance);
        tasks.Count.ShouldBe(3);
        h.Complete(tasks[0].ElementId).Complete(tasks[1].ElementId);
        h.Engine.OpenUserTasks(h.Instance).Count.ShouldBe(2);
        foreach (var t in h.Engine.OpenUserTasks(h.Instance)) h.Engine.CompleteUserTask(t.Id);
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void EventBasedGateway_MessageWithdrawsSignalAndTimer()
    {
        var h = Load("gateway/EventBasedGatewayTest.testCatchSignalAndMessageAndTimer.bpmn20.xml");
        var s = h.Engine.Store.Load("default", h.Instance!)!;
        s.Subscriptions.Count.ShouldBe(2);
        s.Jobs.Count.ShouldBe(1);
        h.Message("newInvoice");
        s = h.Engine.Store.Load("default", h.Instance!)!;
        s.Subscriptions.ShouldBeEmpty();
        s.Jobs.ShouldBeEmpty();
        Tasks(h).ShouldBe(["task3"]);
    }

    [Fact]
    public void MultipleNonInterruptingTimers_OnUserTask()
    {
        var h = Load("event/timer/BoundaryTimerNonInterruptingEventTest.testMultipleTimersOnUserTask.bpmn20.xml");
        h.Advance("PT1H");
        h.Engine.OpenUserTasks(h.Instance).Count.ShouldBe(2);
        h.Engine.Store.Load("default", h.Instance!)!.Jobs.Count.ShouldBe(1);
        h.Advance("PT1H");
        h.Engine.OpenUserTasks(h.Instance).Count.ShouldBe(3);
        h.Engine.Store.Load("default", h.Instance!)!.Jobs.Count.ShouldBe(0);
        foreach (var t in h.Engine.OpenUserTasks(h.Instance)) h.Engine.CompleteUserTask(t.Id);
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void NonInterruptingTimer_BothPathsJoin()
    {
        var h = Load("event/timer/BoundaryTimerNonInterruptingEventTest.testJoin.bpmn20.xml");
        h.Advance("PT2H");
        var tasks = h.Engine.OpenUserTasks(h.Instance);
        tasks.Count.ShouldBe(2);
        var main = tasks.First(t => !t.ElementId.Contains("scalation", StringComparison.OrdinalIgnoreCase) && !t.ElementId.Contains("imer", StringComparison.Ordinal));
        h.Engine.CompleteUserTask(main.Id);
        h.Engine.OpenUserTasks(h.Instance).Count.ShouldBe(1);
        h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance).Single().Id);
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void NonInterruptingCycleTimer_FiresHourly_StopsWithTask()
    {
        var h = Load("event/timer/BoundaryTimerNonInterruptingEventTest.testTimerWithCycle.bpmn20.xml");
        int Fired() => h.Engine.OpenUserTasks(h.Instance).Count(t => t.ElementId == "timerFiredTask");
        Fired().ShouldBe(0);
        h.Advance("PT1H");
        Fired().ShouldBe(1);
        h.Advance("PT1H");
        Fired().ShouldBe(2);
        var main = h.Engine.OpenUserTasks(h.Instance).First(t => t.ElementId != "timerFiredTask");
        h.Engine.CompleteUserTask(main.Id);
        h.Advance("PT3H");
        Fired().ShouldBe(2);
    }

    [Fact]
    public void NonInterruptingSignalBoundary()
    {
        var h = Load("event/signal/SignalEventTest.testNonInterruptingSignal.bpmn20.xml");
        h.Signal("alert");
        h.Engine.OpenUserTasks(h.Instance).Count.ShouldBe(2);
        var first = h.Engine.OpenUserTasks(h.Instance)[0];
        h.Engine.CompleteUserTask(first.Id);
        h.Engine.OpenUserTasks(h.Instance).Single().Name.ShouldBe("My Second User Task");
    }

    [Fact]
    public void NonInterruptingMessageEventSubprocess_WithoutMessage_EndsAndUnsubscribes()
    {
        var h = Load("event/message/MessageEventSubprocessTest.testNonInterruptingUnderProcessDefinition.bpmn20.xml");
        h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance).Single().Id);
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void NonInterruptingMessageEventSubprocess_BothTasksMustComplete()
    {
        var h = Load("event/message/MessageEventSubprocessTest.testNonInterruptingUnderProcessDefinition.bpmn20.xml");
        h.Message("newMessage");
        h.Engine.OpenUserTasks(h.Instance).Count.ShouldBe(2);
        h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance)[1].Id);
        h.State.ShouldBe(InstanceState.Running);
        h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance)[0].Id);
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void InterruptingMessageEventSubprocess_CancelsTask()
    {
        var h = Load("event/message/MessageEventSubprocessTest.testInterruptingUnderProcessDefinition.bpmn20.xml");
        h.Message("newMessage");
        Tasks(h).ShouldBe(["eventSubProcessTask"]);
    }

    [Fact]
    public void ErrorEventSubprocess_TakesPrecedenceOverBoundary()
    {
        var h = Load("event/error/ErrorEventSubProcessTest.testEventSubprocessTakesPrecedence.bpmn20.xml");
        var tasks = h.Engine.OpenUserTasks(h.Instance);
        tasks.Count.ShouldBe(1);
        tasks[0].Name.ShouldBe("Escalated Task");
        h.Engine.CompleteUserTask(tasks[0].Id);
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void ErrorCode_TakesPrecedenceOverCatchAll()
    {
        var h = Load("event/error/ErrorEventSubProcessTest.testErrorCodeTakesPrecedence.bpmn20.xml");
        Tasks(h).ShouldBe(["taskAfterErrorCatch2"]);
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public void NonInterruptingEscalation_TriggeredTwice(bool mainFirst, int expected)
    {
        var h = Load("event/escalation/EscalationEventSubprocessTest.testNonInterruptingEscalationTriggeredTwice.bpmn20.xml");
        var sub = h.Engine.OpenUserTasks(h.Instance).First(t => t.ElementId == "TaskInSubprocess");
        var main = h.Engine.OpenUserTasks(h.Instance).First(t => t.Id != sub.Id);
        if (mainFirst) h.Engine.CompleteUserTask(main.Id);
        else { h.Engine.CompleteUserTask(sub.Id); h.Engine.CompleteUserTask(main.Id); }
        h.Engine.OpenUserTasks(h.Instance).Count(t => t.ElementId == sub.ElementId).ShouldBe(expected);
    }

    [Fact]
    public void CatchErrorOnEmbeddedSubprocess()
    {
        var h = Load("event/error/BoundaryErrorEventTest.testCatchErrorOnEmbeddedSubprocess.bpmn20.xml");
        h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance).Single().Id);
        h.Engine.OpenUserTasks(h.Instance).Single().Name.ShouldBe("task after catching the error");
    }

    [Fact]
    public void ErrorOfInnerSubprocess_CaughtOnOuter_CancelsConcurrentTask()
    {
        var h = Load("event/error/BoundaryErrorEventTest.testCatchErrorOfInnerSubprocessOnOuterSubprocess.bpmn20.xml");
        var tasks = h.Engine.OpenUserTasks(h.Instance);
        tasks.Count.ShouldBe(2);
        h.Engine.CompleteUserTask(tasks.First(t => t.Name!.Contains('2', StringComparison.Ordinal)).Id);
        h.Engine.OpenUserTasks(h.Instance).Single().Name.ShouldBe("task outside subprocess");
    }

    [Fact]
    public void DeeplyNestedError_EndsAtProcessEnd1()
    {
        var h = Load("event/error/BoundaryErrorEventTest.testDeeplyNestedErrorThrownOnlyAutomaticSteps.bpmn20.xml", new { input = 1 });
        h.State.ShouldBe(InstanceState.Completed);
        h.Count("processEnd1").ShouldBe(1);
    }

    [Fact]
    public void ErrorsInConcurrentEmbeddedSubprocesses()
    {
        var h = Load("event/error/BoundaryErrorEventTest.testCatchErrorInConcurrentEmbeddedSubprocesses.bpmn20.xml");
        var tasks = h.Engine.OpenUserTasks(h.Instance);
        tasks.Select(t => t.Name).Order(StringComparer.Ordinal).ShouldBe(["task A", "task B"]);
        h.Engine.CompleteUserTask(tasks.First(t => t.Name == "task A").Id);
        h.Engine.OpenUserTasks(h.Instance).Single().Name.ShouldBe("task D");

        h = Load("event/error/BoundaryErrorEventTest.testCatchErrorInConcurrentEmbeddedSubprocesses.bpmn20.xml");
        h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance).First(t => t.Name == "task B").Id);
        h.Engine.OpenUserTasks(h.Instance).Select(t => t.Name).Order(StringComparer.Ordinal).ShouldBe(["task A", "task C"]);
        h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance).First(t => t.Name == "task C").Id);
        h.Engine.OpenUserTasks(h.Instance).Single().Name.ShouldBe("task A");
        h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance).Single().Id);
        h.Engine.OpenUserTasks(h.Instance).Single().Name.ShouldBe("task D");
    }

    [Fact]
    public void UnhandledErrorInEmbeddedSubprocess_BehavesLikeNoneEnd()
    {
        var h = Load("event/error/UnhandledBpmnErrorTest.testUnhandledErrorInEmbeddedSubprocess.bpmn20.xml");
        h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance).Single().Id);
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void LinkEvents_JumpAndAreNotRecorded()
    {
        var h = Load("event/link/LinkEventTest.testValidEventLink.bpmn20.xml");
        h.ShouldWaitAt("waitAfterLink1");
        h.Complete("waitAfterLink1");
        h.ShouldWaitAt("waitAfterLink2");
        h.Complete("waitAfterLink2");
        h.State.ShouldBe(InstanceState.Completed);
        h.View.History.Count(r => r.Completed).ShouldBe(4);
    }

    [Fact]
    public void ParallelUserTasks_CompletionCondition_CancelsTheRest()
    {
        var h = Load("multiinstance/MultiInstanceTest.testParallelUserTasksCompletionCondition.bpmn20.xml");
        h.Engine.OpenUserTasks(h.Instance).Count.ShouldBe(5);
        for (var k = 0; k < 3; k++) h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance)[0].Id);
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void SequentialSubProcess_CompletionCondition_ThreeIterations()
    {
        var h = Load("multiinstance/MultiInstanceTest.testSequentialSubProcessCompletionCondition.bpmn20.xml");
        for (var k = 0; k < 3; k++)
        {
            var tasks = h.Engine.OpenUserTasks(h.Instance);
            tasks.Count.ShouldBe(2);
            foreach (var t in tasks) h.Engine.CompleteUserTask(t.Id);
        }
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void ParallelUserTasks_BasedOnCollection()
    {
        var names = new JsonArray("kermit", "gonzo", "mispiggy", "fozzie", "bubba");
        var h = Load("multiinstance/MultiInstanceTest.testParallelUserTasksBasedOnCollection.bpmn20.xml", new JsonObject { ["assigneeList"] = names });
        h.Engine.OpenUserTasks(h.Instance).Select(t => t.Assignee).Order(StringComparer.Ordinal).ShouldBe(["bubba", "fozzie", "gonzo", "kermit", "mispiggy"]);
        for (var k = 0; k < 3; k++) h.Engine.CompleteUserTask(h.Engine.OpenUserTasks(h.Instance)[0].Id);
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void CompensateSubprocess_OncePerCompletedInstance()
    {
        var h = Load("event/compensate/CompensateEventTest.testCompensateSubprocess.bpmn20.xml");
        h.Variables["undoBookHotel"]!.GetValue<int>().ShouldBe(5);
    }

    [Fact]
    public void CompensateActivityRef_OnlyThatActivity()
    {
        var h = Load("event/compensate/CompensateEventTest.testCompensateActivityRef.bpmn20.xml");
        h.Variables["undoBookHotel"]!.GetValue<int>().ShouldBe(5);
        h.Variables.ContainsKey("undoBookFlight").ShouldBeFalse();
    }

    [Fact]
    public void CompensateScope_Everything()
    {
        var h = Load("event/compensate/CompensateEventTest.testCompensateScope.bpmn20.xml");
        h.Variables["undoBookHotel"]!.GetValue<int>().ShouldBe(5);
        h.Variables["undoBookFlight"]!.GetValue<int>().ShouldBe(5);
    }

    [Fact]
    public void Transaction_Successful_RunsNoUndo()
    {
        var h = Load("subprocess/transaction/TransactionSubProcessTest.testSimpleCase.bpmn20.xml");
        h.Complete("askCustomer", new { confirmed = true });
        h.ShouldWaitAt("afterSuccess");
        h.Count("undoBookHotel").ShouldBe(0);
    }

    [Fact]
    public void Transaction_Cancelled_CompensatesThenTakesCancelBoundary()
    {
        var h = Load("subprocess/transaction/TransactionSubProcessTest.testSimpleCase.bpmn20.xml");
        h.Complete("askCustomer", new { confirmed = false });
        h.Waiting.Count(w => w == "undoBookHotel").ShouldBe(5);
        h.Waiting.Count(w => w == "undoBookFlight").ShouldBe(1);
        h.Waiting.Count(w => w == "undoChargeCard").ShouldBe(1);
        while (h.Engine.OpenExternalTasks(h.Instance).FirstOrDefault() is { } t) h.Engine.CompleteExternalTask(t.Id);
        h.ShouldWaitAt("afterCancellation");
    }
}
