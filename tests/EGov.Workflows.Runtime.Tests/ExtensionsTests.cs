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

        ext.Fields.ShouldBe(new Dictionary<string, FieldValue> { ["url"] = new("https://example.org", IsExpression: false) });
        ext.Properties.ShouldBeSameAs(Extensions.Empty.Properties);
        ext.Inputs.ShouldBeSameAs(Extensions.Empty.Inputs);
        ext.Listeners.ShouldBeSameAs(Extensions.Empty.Listeners);
    }

    private static ParamValue Input(string body)
    {
        var problems = new List<string>();
        var ext = Extensions.Read(Task($"""<camunda:inputOutput><camunda:inputParameter name="x">{body}</camunda:inputParameter></camunda:inputOutput>"""), problems);
        problems.ShouldBeEmpty();
        return ext.Inputs.ShouldHaveSingleItem().Value;
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<camunda:list><camunda:value /></camunda:list>")]
    public void Parameter_EmptyBody_IsNull_NotTheEmptyString(string body)
    {
        var value = Input(body);
        var nullValue = value is ParamValue.List l ? l.Items.ShouldHaveSingleItem() : value;
        nullValue.ShouldBeSameAs(ParamValue.Null.Instance);
    }

    [Fact]
    public void List_InsideAList_StaysAList()
    {
        var value = Input("<camunda:list><camunda:value>a</camunda:value><camunda:list><camunda:value>1</camunda:value><camunda:value>2</camunda:value></camunda:list></camunda:list>");

        var outer = value.ShouldBeOfType<ParamValue.List>();
        outer.Items[0].ShouldBe(new ParamValue.Text("a"));
        outer.Items[1].ShouldBeOfType<ParamValue.List>().Items.ShouldBe([new ParamValue.Text("1"), new ParamValue.Text("2")]);
    }

    [Fact]
    public void Map_InsideAList_StaysAMap_AndAMapEntryHoldsAList()
    {
        var value = Input("""<camunda:list><camunda:map><camunda:entry key="k"><camunda:list><camunda:value>v</camunda:value></camunda:list></camunda:entry></camunda:map></camunda:list>""");

        var map = value.ShouldBeOfType<ParamValue.List>().Items.ShouldHaveSingleItem().ShouldBeOfType<ParamValue.Map>();
        var entry = map.Entries.ShouldHaveSingleItem();
        entry.Key.ShouldBe("k");
        entry.Value.ShouldBeOfType<ParamValue.List>().Items.ShouldBe([new ParamValue.Text("v")]);
    }

    [Fact]
    public void Script_InsideAList_IsAScriptItem()
    {
        var value = Input("""<camunda:list><camunda:script scriptFormat="javascript">1 + 1</camunda:script></camunda:list>""");

        value.ShouldBeOfType<ParamValue.List>().Items.ShouldHaveSingleItem().ShouldBe(new ParamValue.Script("javascript", "1 + 1"));
    }

    [Fact]
    public void Parameter_WithTwoChildElements_IsAProblem_AsInCamunda()
    {
        var problems = new List<string>();
        Extensions.Read(Task("""<camunda:inputOutput><camunda:inputParameter name="x"><camunda:list /><camunda:map /></camunda:inputParameter></camunda:inputOutput>"""), problems);

        problems.ShouldHaveSingleItem().ShouldContain("input parameter 'x' has more than one child element");
    }

    [Fact]
    public void MapEntry_WithoutKey_IsAProblem()
    {
        var problems = new List<string>();
        Extensions.Read(Task("""<camunda:inputOutput><camunda:outputParameter name="y"><camunda:map><camunda:entry>v</camunda:entry></camunda:map></camunda:outputParameter></camunda:inputOutput>"""), problems);

        problems.ShouldHaveSingleItem().ShouldContain("no key");
    }

    [Theory]
    [InlineData("""<camunda:field name="f" stringValue="a"><camunda:string>b</camunda:string></camunda:field>""", "both the attribute stringValue and a camunda:string element")]
    [InlineData("""<camunda:field name="f" expression="${a}"><camunda:expression>${b}</camunda:expression></camunda:field>""", "both the attribute expression and a camunda:expression element")]
    [InlineData("""<camunda:field name="f" />""", "camunda:field 'f' has no value")]
    [InlineData("""<camunda:field name="f"><camunda:string></camunda:string></camunda:field>""", "camunda:field 'f' has no value")]
    public void Field_AsCamundaRefusesIt_IsAProblem(string field, string problem)
    {
        var problems = new List<string>();
        Extensions.Read(Task(field), problems);

        problems.ShouldHaveSingleItem().ShouldContain(problem);
    }

    [Fact]
    public void Field_FixedStringOrExpression_KeepsWhichItIs()
    {
        var problems = new List<string>();
        var ext = Extensions.Read(Task("""
            <camunda:field name="a" stringValue="${x}" />
            <camunda:field name="b"><camunda:string> text </camunda:string></camunda:field>
            <camunda:field name="c" expression="${x}" />
            <camunda:field name="d"><camunda:expression> ${x} </camunda:expression></camunda:field>
            """), problems);

        problems.ShouldBeEmpty();
        ext.Fields["a"].ShouldBe(new FieldValue("${x}", IsExpression: false));
        ext.Fields["b"].ShouldBe(new FieldValue(" text ", IsExpression: false));
        ext.Fields["c"].ShouldBe(new FieldValue("${x}", IsExpression: true));
        ext.Fields["d"].ShouldBe(new FieldValue("${x}", IsExpression: true));
    }
}
