using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Model;
using EGov.Workflows.Runtime.Graph;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>The Camunda extensions a node keeps while its version is deployed.</summary>
public class ExtensionsTests
{
    private static FlowNode Task(string extensions) =>
        new BpmnReader().ReadString(Harness.Head + $"""
            <process id="P" isExecutable="true"><serviceTask id="T"><extensionElements>{extensions}</extensionElements></serviceTask></process></definitions>
            """, "p.bpmn").Definitions!.Find<FlowNode>("T")!;

    [Fact]
    public void Read_OnlyOtherVendorsExtensions_IsTheSharedEmptyOne()
    {
        var ext = Extensions.Read(Task("""<x:vendor xmlns:x="urn:x" />"""), []);

        ext.ShouldBeSameAs(Extensions.Empty);
        ext.Fields.ShouldBeEmpty();
        ext.Properties.ShouldBeEmpty();
    }

    [Fact]
    public void Read_KeepsWhatIsThere_AndTheEmptyPartsAreShared()
    {
        var ext = Extensions.Read(Task("""<camunda:field name="url" stringValue="https://example.org" />"""), []);

        ext.Fields.ShouldBe(new Dictionary<string, string> { ["url"] = "https://example.org" });
        ext.Properties.ShouldBeSameAs(Extensions.Empty.Properties);
        ext.Inputs.ShouldBeSameAs(Extensions.Empty.Inputs);
        ext.Listeners.ShouldBeSameAs(Extensions.Empty.Listeners);
    }
}
