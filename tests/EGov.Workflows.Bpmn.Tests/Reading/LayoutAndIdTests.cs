using EGov.Workflows.Bpmn.Tests.Support;
using EGov.Workflows.Model;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Bpmn.Tests.Reading;

/// <summary>What the reader keeps of whitespace, and which elements are in the id space (both are read in one pass).</summary>
public sealed class LayoutAndIdTests
{
    private static Definitions Read(string body)
    {
        var result = new Bpmn.Reading.BpmnReader().ReadString(Models.Header + body + "</definitions>", "layout.bpmn");
        result.Errors.ShouldBeEmpty(result.Messages());
        return result.Definitions!;
    }

    [Fact]
    public void Reader_WhitespaceBetweenChildElements_IsDropped_WhitespaceAloneIsKept()
    {
        var d = Read("<process id=\"P\" isExecutable=\"false\">\n  <documentation>  </documentation>\n  <task id=\"T\"/>\n  text\n  <task id=\"U\"/>\n</process>");

        var process = d.Find<Process>("P")!;
        process.Children.OfType<XmlText>().Select(t => t.Value.Trim()).ShouldBe(["text"]);
        process.Element(Namespaces.Bpmn + "documentation")!.Text.ShouldBe("  ");
    }

    [Fact]
    public void Reader_ElementsWithoutChildrenOrAttributes_ShareTheEmptyList()
    {
        var d = Read("<process id=\"P\" isExecutable=\"false\"><task id=\"T\"/><task id=\"U\"><incoming>f</incoming><outgoing>g</outgoing></task><task id=\"V\"></task></process>");

        var u = d.Find<TaskElement>("U")!.Elements().ToList();
        d.Find<TaskElement>("T")!.Children.ShouldBeEmpty();
        d.Find<TaskElement>("T")!.Children.ShouldBeSameAs(d.Find<TaskElement>("V")!.Children);
        u[0].Attributes.ShouldBeEmpty();
        u[0].Attributes.ShouldBeSameAs(u[1].Attributes);
    }

    [Fact]
    public void Reader_SiblingsAndNestedElements_KeepTheirOwnChildren()
    {
        var d = Read("<process id=\"P\" isExecutable=\"false\"><subProcess id=\"S\"><task id=\"A\"><incoming>f</incoming></task>x<task id=\"B\"/></subProcess><task id=\"C\"><outgoing>g</outgoing></task></process>");

        d.Find<Process>("P")!.Elements().Select(e => e.Id).ShouldBe(["S", "C"]);
        d.Find<SubProcess>("S")!.Children.Select(c => c is XmlText x ? x.Value : ((BpmnElement)c).Id).ShouldBe(["A", "x", "B"]);
        d.Find<TaskElement>("A")!.Elements().Single().Text.ShouldBe("f");
        d.Find<TaskElement>("C")!.Elements().Single().Text.ShouldBe("g");
    }

    [Fact]
    public void IdentifiedElements_SkipForeignSubtrees_InFileOrder()
    {
        var d = Read("<process id=\"P\" isExecutable=\"false\"><extensionElements><x:vendor xmlns:x=\"urn:x\" id=\"V\">"
            + "<task id=\"Inside\"/></x:vendor></extensionElements><task id=\"T\"/></process>");

        d.IdentifiedElements().Select(e => e.Id).ShouldBe(["P", "T"]);
        d.FindById("Inside").ShouldBeNull();
    }
}
