using System.Text.Json.Nodes;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// <c>camunda:initiator</c> on a start event (Camunda 7): the case records who started it in the named variable, taken from
/// the command's user — the caller's token or session — never from what the caller sends; so a service can offer the
/// starter's own tasks (Rückfrage an den Antragsteller) and a clerk cannot start a case in someone else's name.
/// </summary>
public sealed class InitiatorTests
{
    private const string Model = """
        <process id="P" isExecutable="true">
          <startEvent id="S" camunda:initiator="antragsteller" />
          <userTask id="T" camunda:assignee="${antragsteller}" />
          <sequenceFlow id="f1" sourceRef="S" targetRef="T" />
        </process>
        """;

    [Fact]
    public void TheStartingUser_IsTheInitiatorVariable_AndCanBeAssignedTasks()
    {
        var h = new Harness().Deploy(Model);
        var id = h.Engine.StartProcess("P", userId: "m.muster");

        h.Engine.GetInstance(id).Variables["antragsteller"]!.GetValue<string>().ShouldBe("m.muster");
        h.Engine.OpenUserTasks().ShouldHaveSingleItem().Assignee.ShouldBe("m.muster");
    }

    [Fact]
    public void AStartVariableOfTheSameName_CannotNameSomeoneElse()
    {
        var h = new Harness().Deploy(Model);
        var id = h.Engine.StartProcess("P", new JsonObject { ["antragsteller"] = "b.buergermeister", ["betreff"] = "x" }, userId: "m.muster");

        var variables = h.Engine.GetInstance(id).Variables;
        variables["antragsteller"]!.GetValue<string>().ShouldBe("m.muster");
        variables["betreff"]!.GetValue<string>().ShouldBe("x");
    }

    [Fact]
    public void WithoutAUser_TheVariableIsNull_AsInCamunda()
    {
        var h = new Harness().Deploy(Model.Replace("""<userTask id="T" camunda:assignee="${antragsteller}" />""", """<userTask id="T" />""", StringComparison.Ordinal));
        var id = h.Engine.StartProcess("P", new JsonObject { ["antragsteller"] = "b.buergermeister" });

        var variables = h.Engine.GetInstance(id).Variables;
        variables.ContainsKey("antragsteller").ShouldBeTrue();
        variables["antragsteller"].ShouldBeNull();
    }

    [Fact]
    public void AMessageStart_OfAProcessWhoseStartEventNamesTheInitiator_SetsItToo()
    {
        var h = new Harness().Deploy("""
            <process id="P" isExecutable="true">
              <startEvent id="S" camunda:initiator="starter" />
              <startEvent id="M"><messageEventDefinition messageRef="msg" /></startEvent>
              <userTask id="T" />
              <sequenceFlow id="f1" sourceRef="S" targetRef="T" />
              <sequenceFlow id="f2" sourceRef="M" targetRef="T" />
            </process>
            <message id="msg" name="Antrag" />
            """);
        var id = h.Engine.StartProcessByMessage("Antrag", userId: "fit-connect");

        h.Engine.GetInstance(id).Variables["starter"]!.GetValue<string>().ShouldBe("fit-connect");
    }
}
