using EGov.Workflows.Bpmn.Tests.Support;

namespace EGov.Workflows.Bpmn.Tests.Cli;

/// <summary><c>egov format FILE -o OUT</c> writes the file back through the model, losing nothing.</summary>
public sealed class FormatCommandTests
{
    [Fact]
    public void Format_WritesTheModelBack_WithTheSameContent()
    {
        using var dir = new TempFolder();
        var source = Path.Combine(SharedCorpus.Corpora, "bpmn-miwg", "reference", "C.8.0.bpmn");
        var output = Path.Combine(dir.Path, "out.bpmn");
        var run = CliRun.Of("format", source, "-o", output);
        run.ExitCode.ShouldBe(0, run.Stderr);
        CanonicalXml.OfFile(output).ShouldBe(CanonicalXml.OfFile(source));
        File.ReadAllText(output).ShouldContain("<semantic:definitions");
    }

    [Fact]
    public void Format_WithoutOutput_WritesToStdout()
    {
        using var dir = new TempFolder();
        var file = dir.Write("m.bpmn", Models.Process("<task id=\"T\" name=\"Bescheid &lt;erstellen> &amp; senden\"/>"));
        var run = CliRun.Of("format", file);
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldStartWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        run.Stdout.ShouldContain("name=\"Bescheid &lt;erstellen&gt; &amp; senden\"");
    }

    [Fact]
    public void Format_BrokenFile_ExitsOne_AndWritesNothing()
    {
        using var dir = new TempFolder();
        var file = dir.Write("bad.bpmn", "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\">");
        var output = Path.Combine(dir.Path, "out.bpmn");
        var run = CliRun.Of("format", file, "-o", output);
        run.ExitCode.ShouldBe(1);
        run.Stderr.ShouldContain($"{file}:1:");
        File.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void Format_KeepsCommentsCDataAndXsiTypePrefixes()
    {
        using var dir = new TempFolder();
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn2:definitions xmlns:bpmn2="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
              <!-- Frist nach § 31 VwVfG -->
              <bpmn2:process id="P" isExecutable="true">
                <bpmn2:startEvent id="S"/><bpmn2:endEvent id="E"/>
                <bpmn2:sequenceFlow id="F" sourceRef="S" targetRef="E"><bpmn2:conditionExpression xsi:type="bpmn2:tFormalExpression"><![CDATA[${a < b}]]></bpmn2:conditionExpression></bpmn2:sequenceFlow>
              </bpmn2:process>
            </bpmn2:definitions>
            """;
        var file = dir.Write("m.bpmn", xml);
        var run = CliRun.Of("format", file);
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldContain("<!-- Frist nach § 31 VwVfG -->");
        run.Stdout.ShouldContain("<![CDATA[${a < b}]]>");
        run.Stdout.ShouldContain("xsi:type=\"bpmn2:tFormalExpression\"");
        CanonicalXml.Of(run.Stdout).ShouldBe(CanonicalXml.Of(xml));
    }
}
