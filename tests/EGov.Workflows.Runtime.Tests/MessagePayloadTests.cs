namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// egov:messagePayload: a message throw event the engine delivers itself — to a waiting receiver with the case's business key,
/// else by starting the process with that message start event — carrying ONLY the named variables (once-only with consent).
/// </summary>
public sealed class MessagePayloadTests
{
    private const string Sender = """
        <message id="M" name="Geburt_beurkundet" />
        <process id="Sender" isExecutable="true">
          <startEvent id="S" />
          <intermediateThrowEvent id="Throw" egov:messagePayload="kind, eltern"><messageEventDefinition messageRef="M" /></intermediateThrowEvent>
          <userTask id="After" />
          <sequenceFlow id="f1" sourceRef="S" targetRef="Throw" />
          <sequenceFlow id="f2" sourceRef="Throw" targetRef="After" />
        </process>
        """;

    private const string Receiver = """
        <process id="Receiver" isExecutable="true">
          <startEvent id="RS"><messageEventDefinition messageRef="M" /></startEvent>
          <userTask id="Work" />
          <sequenceFlow id="r1" sourceRef="RS" targetRef="Work" />
        </process>
        """;

    private static readonly object Case = new
    {
        kind = new { vorname = "Mia", geburtsdatum = "2026-01-02" },
        eltern = new { mutter = "Anna Muster" },
        geburtsanzeige = new { klinik = "Klinikum", geburtsgewicht = 3200 },
        steuerId = "12345678901",
    };

    [Fact]
    public void TheReceiverStartsWithTheNamedVariables_AndNothingElseOfTheCase()
    {
        var h = new Harness().Deploy(Sender + Receiver).Start(Case, process: "Sender", businessKey: "G-1");

        var work = h.Engine.OpenUserTasks().Single(t => t.ElementId == "Work");
        var received = h.Engine.GetInstance(work.RootInstanceId);
        received.BusinessKey.ShouldBe("G-1");
        received.Variables.Select(v => v.Key).Order(StringComparer.Ordinal).ShouldBe(["eltern", "kind"]);
        received.Variables["kind"]!["vorname"]!.GetValue<string>().ShouldBe("Mia");
        h.ShouldWaitAt("After");
        h.Variables.ContainsKey("geburtsanzeige").ShouldBeTrue(); // the sender keeps its own data
    }

    [Fact]
    public void AVariableNotSet_IsLeftOut_NotSentEmpty()
    {
        var h = new Harness().Deploy(Sender + Receiver).Start(new { kind = new { vorname = "Mia" } }, process: "Sender", businessKey: "G-2");

        var work = h.Engine.OpenUserTasks().Single(t => t.ElementId == "Work");
        h.Engine.GetInstance(work.RootInstanceId).Variables.Select(v => v.Key).ShouldBe(["kind"]);
    }

    [Fact]
    public void AWaitingReceiverWithTheBusinessKey_GetsIt_InsteadOfANewStart()
    {
        const string waiting = """
            <process id="Waiter" isExecutable="true">
              <startEvent id="WS" />
              <intermediateCatchEvent id="Catch"><messageEventDefinition messageRef="M" /></intermediateCatchEvent>
              <userTask id="Got" />
              <sequenceFlow id="w1" sourceRef="WS" targetRef="Catch" />
              <sequenceFlow id="w2" sourceRef="Catch" targetRef="Got" />
            </process>
            """;
        var h = new Harness().Deploy(Sender + waiting);
        var other = h.Engine.StartProcess("Waiter", businessKey: "G-9");
        var mine = h.Engine.StartProcess("Waiter", businessKey: "G-3");
        h.Start(Case, process: "Sender", businessKey: "G-3");

        h.Engine.GetInstance(mine).Waiting.ShouldBe(["Got"]);
        h.Engine.GetInstance(mine).Variables.ContainsKey("steuerId").ShouldBeFalse();
        h.Engine.GetInstance(mine).Variables.ContainsKey("kind").ShouldBeTrue();
        h.Engine.GetInstance(other).Waiting.ShouldBe(["Catch"]);
    }

    [Fact]
    public void NoReceiver_OpensAnIncidentAtTheEvent_AndTheCaseStaysBeforeIt()
    {
        var h = new Harness().Deploy(Sender).Start(Case, process: "Sender", businessKey: "G-4");

        h.View.Incidents.Single().ElementId.ShouldBe("Throw");
        h.View.Incidents.Single().Message.ShouldContain("Geburt_beurkundet");
        h.Count("Throw").ShouldBe(0);
    }

    [Fact]
    public void WithoutTheAttribute_AMessageThrowStaysANoneEvent_AsInCamunda()
    {
        var h = new Harness().Deploy(Sender.Replace(" egov:messagePayload=\"kind, eltern\"", "", StringComparison.Ordinal) + Receiver)
            .Start(Case, process: "Sender");

        h.ShouldWaitAt("After");
        h.Engine.OpenUserTasks().ShouldNotContain(t => t.ElementId == "Work");
    }

    [Fact]
    public void OnAnotherElement_TheAttributeIsRefusedAtDeploy()
    {
        var e = Should.Throw<Exception>(() => new Harness().Deploy("""
            <process id="P" isExecutable="true">
              <startEvent id="S" />
              <userTask id="T" egov:messagePayload="kind" />
              <sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            </process>
            """));
        e.Message.ShouldContain("egov:messagePayload");
    }
}
