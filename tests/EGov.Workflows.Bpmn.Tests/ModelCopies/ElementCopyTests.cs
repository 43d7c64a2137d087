using EGov.Workflows.Bpmn.Tests.Support;
using EGov.Workflows.Model;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Bpmn.Tests.ModelCopies;

/// <summary>A detached copy holds the part of a model it was given and nothing that links back to the file.</summary>
public sealed class ElementCopyTests
{
    private static Definitions Read() => Models.Read(Models.Process("""
        <startEvent id="S" />
        <subProcess id="Sub" name="Prüfen">
          <documentation>Prüft den Antrag</documentation>
          <extensionElements><camunda:properties><camunda:property name="k" value="v" /></camunda:properties></extensionElements>
          <incoming>f1</incoming>
          <multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics>
          <startEvent id="Inner" />
        </subProcess>
        <sequenceFlow id="f1" sourceRef="S" targetRef="Sub" />
        """)).Definitions!;

    private static XmlNode? WithoutDocumentation(XmlNode n) => n is Documentation ? null : n;

    [Fact]
    public void Detached_HasNoParent_AndItsChildrenLinkToTheCopy()
    {
        var sub = Read().Find<SubProcess>("Sub")!;

        var copy = (SubProcess)ElementCopy.Detached(sub, WithoutDocumentation);

        copy.Parent.ShouldBeNull();
        copy.Definitions.ShouldBeNull();
        copy.LoopCharacteristics.ShouldNotBeNull().Parent.ShouldBeSameAs(copy);
        copy.LoopCharacteristics.ShouldNotBeSameAs(sub.LoopCharacteristics);
    }

    [Fact]
    public void Detached_KeepsAttributesAndTheSelectedChildren_TypedAsRead()
    {
        var sub = Read().Find<SubProcess>("Sub")!;

        var copy = ElementCopy.Detached(sub, WithoutDocumentation);

        copy.ShouldBeOfType<SubProcess>();
        copy.Attributes.ShouldBe(sub.Attributes);
        copy.Position.ShouldBe(sub.Position);
        ((SubProcess)copy).Documentation.ShouldBeEmpty();
        ((SubProcess)copy).LoopCharacteristics.ShouldBeOfType<MultiInstanceLoopCharacteristics>().LoopCardinality!.Body.ShouldBe("3");
        ((SubProcess)copy).FlowElements.Select(f => f.Id).ShouldBe(["Inner"]);
        ((SubProcess)copy).ExtensionValues.Single().Name.LocalName.ShouldBe("properties");
    }

    [Fact]
    public void Detached_SharesTextAndComments_WithTheOriginal()
    {
        var defs = Models.Read(Models.Process("<scriptTask id=\"T\" scriptFormat=\"javascript\"><!-- Frist --><script><![CDATA[x = 1;]]></script></scriptTask>")).Definitions!;
        var task = defs.Find<ScriptTask>("T")!;

        var copy = (ScriptTask)ElementCopy.Detached(task, n => n);

        copy.Script.ShouldBe("x = 1;");
        copy.Children.OfType<XmlComment>().Single().ShouldBeSameAs(task.Children.OfType<XmlComment>().Single());
        copy.Elements().Single().Children.Single().ShouldBeSameAs(task.Elements().Single().Children.Single());
    }

    [Fact]
    public void Detached_PutsTheNodeTheSelectorReturns_InPlaceOfTheChild()
    {
        var defs = Read();
        var sub = defs.Find<SubProcess>("Sub")!;
        var start = defs.Find<StartEvent>("S")!;

        var copy = ElementCopy.Detached(sub, n => n is Documentation ? start : n);

        copy.Elements().First().ShouldBeOfType<StartEvent>().Id.ShouldBe("S");
        start.Parent.ShouldBeOfType<Process>(); // the original stays where it was
    }
}
