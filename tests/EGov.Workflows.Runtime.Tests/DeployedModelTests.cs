using System.Runtime.CompilerServices;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Model;
using EGov.Workflows.Runtime.Graph;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// What a deployed version keeps of its model: the executable graph with a detached copy of each flow node's
/// element, never the file's definitions (diagram, documentation, lanes).
/// </summary>
public class DeployedModelTests
{
    private const string Body = """
        <process id="P" isExecutable="true" name="Antrag">
          <documentation>Ein Antrag</documentation>
          <startEvent id="S" />
          <sequenceFlow id="f1" sourceRef="S" targetRef="T" />
          <userTask id="T" name="Prüfen" camunda:assignee="sachbearbeitung">
            <documentation>Prüft den Antrag</documentation>
            <extensionElements><camunda:properties><camunda:property name="k" value="v" /></camunda:properties></extensionElements>
            <incoming>f1</incoming><outgoing>f2</outgoing>
          </userTask>
          <sequenceFlow id="f2" sourceRef="T" targetRef="E" />
          <endEvent id="E" />
        </process>
        """;

    private static Definitions Read(string body) =>
        new BpmnReader().ReadString(Harness.Head + body + "</definitions>", "p.bpmn").Definitions.ShouldNotBeNull();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference DeployAndForget(WorkflowEngine engine)
    {
        var defs = Read(Body);
        engine.Deploy("p.bpmn", defs);
        return new WeakReference(defs);
    }

    [Fact]
    public void Deploy_KeepsNoReferenceToTheDefinitions()
    {
        var engine = new Harness().Engine;

        var defs = DeployAndForget(engine);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        defs.IsAlive.ShouldBeFalse("the engine still reaches the model it was deployed from");
        engine.Deployed().Single().Name.ShouldBe("Antrag");
        var id = engine.StartProcess("P");
        engine.OpenUserTasks(id).Single().ShouldSatisfyAllConditions(t => t.Name.ShouldBe("Prüfen"), t => t.Assignee.ShouldBe("sachbearbeitung"));
    }

    [Fact]
    public void ExecutableElement_KeepsAttributesAndSemanticChildren_WithoutParentDocumentationOrExtensions()
    {
        var defs = Read("""
            <process id="P" isExecutable="true">
              <startEvent id="S" />
              <subProcess id="Sub">
                <documentation>innen</documentation>
                <extensionElements><camunda:properties><camunda:property name="k" value="v" /></camunda:properties></extensionElements>
                <incoming>f1</incoming>
                <multiInstanceLoopCharacteristics camunda:collection="${items}"><completionCondition>${done}</completionCondition></multiInstanceLoopCharacteristics>
                <startEvent id="Inner" /><!-- a comment -->
              </subProcess>
              <sequenceFlow id="f1" sourceRef="S" targetRef="Sub" />
            </process>
            """);
        var sub = defs.Find<SubProcess>("Sub")!;

        var copy = ExecutableElement.Of(sub, defs);

        copy.Parent.ShouldBeNull();
        copy.Attributes.ShouldBe(sub.Attributes);
        copy.Elements().Select(e => e.Name.LocalName).ShouldBe(["multiInstanceLoopCharacteristics"]);
        copy.Children.OfType<Model.Xml.XmlComment>().ShouldBeEmpty();
        var mi = copy.LoopCharacteristics.ShouldBeOfType<MultiInstanceLoopCharacteristics>();
        mi.CamundaCollection.ShouldBe("${items}");
        mi.CompletionCondition!.Body.ShouldBe("${done}");
    }

    [Fact]
    public void ExecutableElement_ReplacesAnEventDefinitionRef_WithTheDefinitionItNames()
    {
        var defs = Read("""
            <timerEventDefinition id="Frist"><timeDuration>PT1H</timeDuration></timerEventDefinition>
            <process id="P" isExecutable="true"><intermediateCatchEvent id="W"><eventDefinitionRef>Frist</eventDefinitionRef></intermediateCatchEvent></process>
            """);

        var copy = ExecutableElement.Of(defs.Find<IntermediateCatchEvent>("W")!, defs);

        copy.Definition.ShouldBeOfType<TimerEventDefinition>().TimeDuration!.Body.ShouldBe("PT1H");
    }

    [Fact]
    public void TimerByEventDefinitionRef_WaitsAndFires_AfterTheModelIsGone()
    {
        var h = new Harness().Deploy("""
            <timerEventDefinition id="Frist"><timeDuration>PT1H</timeDuration></timerEventDefinition>
            <process id="P" isExecutable="true">
              <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="W" />
              <intermediateCatchEvent id="W"><eventDefinitionRef>Frist</eventDefinitionRef></intermediateCatchEvent>
              <sequenceFlow id="f2" sourceRef="W" targetRef="T" /><userTask id="T" />
            </process>
            """);

        h.Start();
        h.ShouldWaitAt("W");
        h.Advance("PT1H");
        h.ShouldWaitAt("T");
    }
}
