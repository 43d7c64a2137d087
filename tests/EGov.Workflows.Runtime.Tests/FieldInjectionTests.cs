using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>camunda:field as Camunda 7's "Field Injection" describes it: fixed strings as written, expressions evaluated.</summary>
public class FieldInjectionTests
{
    /// <summary>A stand-in for a Java delegate that reports the fields it was given, as variables <c>feld_NAME</c>.</summary>
    [Activity("echo-fields", CamundaClass = "org.example.EchoFields")]
    private sealed class EchoFields : WorkflowActivity
    {
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
        {
            var outputs = new JsonObject();
            foreach (var (name, value) in context.Inputs) outputs["feld_" + name] = value?.DeepClone();
            return Task.FromResult(ActivityResult.Complete(outputs));
        }
    }

    private static JsonObject Run(string fields, object? variables = null)
    {
        var h = new Harness(b => b.AddActivity<EchoFields>()).Process($"""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <serviceTask id="T" camunda:class="org.example.EchoFields"><extensionElements>{fields}</extensionElements></serviceTask>
            <sequenceFlow id="f2" sourceRef="T" targetRef="After" /><userTask id="After" />
            """).Start(variables);
        h.ShouldWaitAt("After");
        return h.Variables;
    }

    [Fact]
    public void StringValue_IsInjectedAsWritten_EvenWithAnExpressionInIt()
    {
        var vars = Run("""<camunda:field name="text" stringValue="Hallo ${name}" />""", new { name = "Erika" });
        vars["feld_text"]!.GetValue<string>().ShouldBe("Hallo ${name}");
    }

    [Fact]
    public void CamundaStringElement_IsInjectedWithItsTextAsWritten()
    {
        var vars = Run("<camunda:field name=\"mail\"><camunda:string>\n  Sehr geehrte Damen und Herren,\n  ${gruss}\n</camunda:string></camunda:field>");
        vars["feld_mail"]!.GetValue<string>().ShouldBe("\n  Sehr geehrte Damen und Herren,\n  ${gruss}\n");
    }

    [Fact]
    public void Expression_IsEvaluatedWithTheProcessVariables_AttributeOrElement()
    {
        var vars = Run("""
            <camunda:field name="anrede" expression="Hallo ${name}" />
            <camunda:field name="doppelt"><camunda:expression>
              ${betrag * 2}
            </camunda:expression></camunda:field>
            """, new { name = "Erika", betrag = 21 });
        vars["feld_anrede"]!.GetValue<string>().ShouldBe("Hallo Erika");
        vars["feld_doppelt"]!.GetValue<decimal>().ShouldBe(42m);
    }
}
