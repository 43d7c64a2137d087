using EGov.Workflows.Bpmn.Reading;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>Which version of a process a start uses.</summary>
public class VersionTests
{
    private static Model.Definitions Read(string taskId) => new BpmnReader().ReadString(Harness.Head + $"""
        <process id="P" isExecutable="true">
          <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="{taskId}" /><userTask id="{taskId}" />
        </process></definitions>
        """, "p.bpmn").Definitions!;

    [Fact]
    public void Start_UsesTheHighestVersion_EvenWhenAnOlderOneWasAddedLater()
    {
        var engine = new Harness().Engine;
        engine.DeployVersions([("p.bpmn", Read("Neu"), "P", 2)], scheduleStartTimers: false);
        engine.DeployVersions([("p.bpmn", Read("Alt"), "P", 1)], scheduleStartTimers: false); // e.g. restored for a running instance

        var id = engine.StartProcess("P");

        engine.GetInstance(id).Version.ShouldBe(2);
        engine.OpenUserTasks(id).Single().ElementId.ShouldBe("Neu");
        engine.Deployed().Single().Version.ShouldBe(2);
    }
}
