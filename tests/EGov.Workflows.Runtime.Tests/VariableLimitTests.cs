namespace EGov.Workflows.Runtime.Tests;

/// <summary>Variables within size limits (issue 20, item 5): inputs over a limit are refused before anything changes; script results over it are incidents.</summary>
public class VariableLimitTests
{
    private const string Wait = """<startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" /><userTask id="T" />""";

    [Fact]
    public void Start_WithAVariableNameOfAMillionCharacters_IsRefused_AndNoInstanceExists()
    {
        var h = new Harness().Process(Wait);
        var vars = new System.Text.Json.Nodes.JsonObject { [new string('n', 1_000_000)] = 1 };
        Should.Throw<VariableLimitException>(() => h.Engine.StartProcess("P", vars)).Message.ShouldContain("at most 256");
        h.Engine.OpenUserTasks().ShouldBeEmpty();
    }

    [Fact]
    public void Start_WithTwoHundredThousandVariables_IsRefused()
    {
        var h = new Harness().Process(Wait);
        var vars = new System.Text.Json.Nodes.JsonObject();
        for (var i = 0; i < 200_000; i++) vars[$"v{i}"] = i;
        Should.Throw<VariableLimitException>(() => h.Engine.StartProcess("P", vars)).Message.ShouldContain("at most 1000");
    }

    [Fact]
    public void CompleteTask_WithA29MegabyteValue_IsRefused_AndTheTaskStaysOpen()
    {
        var h = new Harness().Process(Wait).Start();
        var task = h.Engine.OpenUserTasks().Single();
        Should.Throw<VariableLimitException>(() => h.Engine.CompleteUserTask(task.Id, Harness.Vars(new { doc = new string('x', 29_000_000) })))
            .Message.ShouldContain("variable 'doc'");
        h.Engine.OpenUserTasks().Single().Id.ShouldBe(task.Id);
    }

    [Fact]
    public void Script_ProducingAValueOverTheLimit_IsAnIncident_NotAVariable()
    {
        var h = new Harness(b => b.UseVariableLimits(new VariableLimits { MaxValueLength = 1000 })).Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Big" />
            <scriptTask id="Big" scriptFormat="javascript"><script>execution.setVariable('text', 'x'.repeat(5000))</script></scriptTask>
            <sequenceFlow id="f2" sourceRef="Big" targetRef="T" /><userTask id="T" />
            """).Start();
        h.State.ShouldBe(InstanceState.Incident);
        h.View.Incidents.Single().Message.ShouldContain("variable 'text' holds 5000 characters");
        h.View.Variables.ContainsKey("text").ShouldBeFalse();
    }

    [Fact]
    public void OrdinaryVariables_AreUntouched()
    {
        var h = new Harness().Process(Wait).Start(new { antrag = new { name = "Müller", betrag = 30.5 }, text = new string('x', 10_000) });
        h.View.Variables["text"]!.GetValue<string>().Length.ShouldBe(10_000);
    }
}
