namespace EGov.Workflows.Runtime.Tests;

/// <summary>egov:uniqueBusinessKey: one instance of a process per business key; a second start is refused and changes nothing.</summary>
public sealed class UniqueBusinessKeyTests
{
    private const string Unique = """
        <process id="P" isExecutable="true" egov:uniqueBusinessKey="true">
          <startEvent id="S" />
          <userTask id="T" />
          <endEvent id="E" />
          <sequenceFlow id="f1" sourceRef="S" targetRef="T" />
          <sequenceFlow id="f2" sourceRef="T" targetRef="E" />
        </process>
        """;

    [Fact]
    public void ASecondStartWithTheKey_IsRefused_NamingTheInstanceThatHoldsIt()
    {
        var h = new Harness().Deploy(Unique);
        var first = h.Engine.StartProcess("P", businessKey: "AZ-1");

        var e = Should.Throw<InstanceExistsException>(() => h.Engine.StartProcess("P", businessKey: "AZ-1"));

        e.InstanceId.ShouldBe(first);
        e.BusinessKey.ShouldBe("AZ-1");
        h.Engine.OpenUserTasks().Count.ShouldBe(1);
    }

    [Fact]
    public void OtherKeys_NoKey_AndProcessesWithoutTheAttribute_StartFreely()
    {
        var h = new Harness().Deploy(Unique);
        h.Engine.StartProcess("P", businessKey: "AZ-1");
        h.Engine.StartProcess("P", businessKey: "AZ-2");
        h.Engine.StartProcess("P");
        h.Engine.StartProcess("P");
        h.Engine.OpenUserTasks().Count.ShouldBe(4);
    }

    [Fact]
    public void StartProcessAs_WithAnExistingId_IsRefused_AndRunsNothing()
    {
        var h = new Harness().Deploy(Unique.Replace(" egov:uniqueBusinessKey=\"true\"", "", StringComparison.Ordinal));
        var id = new string('a', 32);
        h.Engine.StartProcessAs(id, "P").ShouldBe(id);

        Should.Throw<InstanceExistsException>(() => h.Engine.StartProcessAs(id, "P")).InstanceId.ShouldBe(id);
        h.Engine.OpenUserTasks().Count.ShouldBe(1);
    }
}
