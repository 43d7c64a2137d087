using Microsoft.Extensions.Configuration;
using System.Text.RegularExpressions;
using EGov.Workflows.Bpmn.Tests.Support;

namespace EGov.Workflows.Bpmn.Tests.Cli;

/// <summary><c>egov validate</c>: exit 0 with warnings only, 1 with any error, each problem as file:line:column, never a stack trace.</summary>
public sealed partial class ValidateCommandTests
{
    private const string Runnable = """
        <startEvent id="S"/><serviceTask id="T" camunda:type="external" camunda:topic="t"/><endEvent id="E"/>
        <sequenceFlow id="F1" sourceRef="S" targetRef="T"/><sequenceFlow id="F2" sourceRef="T" targetRef="E"/>
        """;

    /// <summary>A Frist in hours (egov:frist="PT5H"): only the deployment refuses it.</summary>
    private const string FristInHours = """
        <startEvent id="S"/><userTask id="Pruefen" egov:frist="PT5H"/><endEvent id="E"/>
        <sequenceFlow id="F1" sourceRef="S" targetRef="Pruefen"/><sequenceFlow id="F2" sourceRef="Pruefen" targetRef="E"/>
        """;

    /// <summary>An egov:activity that none of the built-in packs has.</summary>
    private const string UnknownActivity = """
        <startEvent id="S"/><serviceTask id="T" egov:activity="gibt-es-nicht"/><endEvent id="E"/>
        <sequenceFlow id="F1" sourceRef="S" targetRef="T"/><sequenceFlow id="F2" sourceRef="T" targetRef="E"/>
        """;

    [GeneratedRegex(@"^.+:\d+:\d+: (error|warning): .+$")]
    private static partial Regex DiagnosticLine();

    [Fact]
    public void Validate_ConsistentFile_ExitsZero()
    {
        using var dir = new TempFolder();
        var file = dir.Write("ok.bpmn", Models.Process(Runnable));
        var run = CliRun.Of("validate", file);
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stderr.ShouldBeEmpty();
        run.Stdout.ShouldContain("1 file(s) valid");
    }

    [Fact]
    public void Validate_WarningsOnly_PrintsThemAndExitsZero()
    {
        using var dir = new TempFolder();
        var file = dir.Write("warn.bpmn", Models.Process("<task id=\"T\"/>",
            "<bpmndi:BPMNDiagram id=\"D\"><bpmndi:BPMNPlane id=\"Pl\" bpmnElement=\"P\"><bpmndi:BPMNShape id=\"Sh\" bpmnElement=\"Gone\"/></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>", executable: false));
        var run = CliRun.Of("validate", file);
        run.ExitCode.ShouldBe(0);
        run.Stdout.ShouldContain($"{file}:6:70: warning:");
        run.Stdout.ShouldContain(": warning: BPMNShape 'Sh': bpmnElement 'Gone' does not exist");
    }

    [Fact]
    public void Validate_DanglingReference_PrintsFileLineColumnAndExitsOne()
    {
        using var dir = new TempFolder();
        var file = dir.Write("bad.bpmn", Models.Process("<startEvent id=\"S\"/>\n<sequenceFlow id=\"F\" sourceRef=\"S\" targetRef=\"Gone\"/>"));
        var run = CliRun.Of("validate", file);
        run.ExitCode.ShouldBe(1);
        run.StderrLines.ShouldHaveSingleItem().ShouldBe($"{file}:5:1: error: sequenceFlow 'F': targetRef 'Gone' does not exist");
    }

    [Fact]
    public void Validate_Folder_ChecksEveryModelAndFailsIfOneFails()
    {
        using var dir = new TempFolder();
        dir.Write("a.bpmn", Models.Process(Runnable));
        dir.Write("b.bpmn20.xml", Models.Process(Runnable));
        dir.Write("c.bpmn", "<definitions");
        dir.Write("notes.xml", "<xdf:schema xmlns:xdf=\"urn:xoev-de:fim:standard:xdatenfelder_2\"/>");
        var run = CliRun.Of("validate", dir.Path);
        run.ExitCode.ShouldBe(1);
        run.Stdout.ShouldContain("3 file(s) checked");
        run.StderrLines.ShouldHaveSingleItem().ShouldContain("c.bpmn:1:");
    }

    [Fact]
    public void Validate_MissingPath_ExitsOne()
    {
        var run = CliRun.Of("validate", "/no/such/model.bpmn");
        run.ExitCode.ShouldBe(1);
        run.Stderr.ShouldContain("/no/such/model.bpmn: error: no such file or directory");
    }

    [Fact]
    public void Validate_NoArguments_IsAUsageError() =>
        CliRun.Of("validate").ExitCode.ShouldBe(2);

    [Fact]
    public void Validate_UnknownOption_IsAUsageError()
    {
        var run = CliRun.Of("validate", "--strict", "x.bpmn");
        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("unknown option '--strict'");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\u0000\u0001\u0002garbage")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><definitions/>")]
    [InlineData("<notBpmn/>")]
    public void Validate_HostileFile_PrintsOnePositionedLine_NoStackTrace(string content)
    {
        using var dir = new TempFolder();
        var file = dir.Write("hostile.bpmn", content);
        var run = CliRun.Of("validate", file);
        run.ExitCode.ShouldBe(1);
        var line = run.StderrLines.ShouldHaveSingleItem();
        DiagnosticLine().IsMatch(line).ShouldBeTrue(line);
        run.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public void Validate_BrokenFile_NeverPrintsMoreThanAScreen()
    {
        using var dir = new TempFolder();
        var flows = string.Concat(Enumerable.Range(0, 300).Select(i => $"<sequenceFlow id=\"f{i}\" sourceRef=\"x{i}\" targetRef=\"y{i}\"/>\n"));
        var file = dir.Write("flood.bpmn", Models.Process("<task id=\"T\"/>" + flows));
        var run = CliRun.Of("validate", file);
        run.ExitCode.ShouldBe(1);
        run.StderrLines.Length.ShouldBeLessThanOrEqualTo(51);
        run.StderrLines[^1].ShouldBe($"{file}: … and 550 more");
    }

    [Fact]
    public void ValidateExecutable_ReportsEachGap_AsError()
    {
        using var dir = new TempFolder();
        var file = dir.Write("gaps.bpmn", Models.Process("""
            <startEvent id="S"/><serviceTask id="T" camunda:class="de.example.Send"/><endEvent id="E"/>
            <sequenceFlow id="F1" sourceRef="S" targetRef="T"/><sequenceFlow id="F2" sourceRef="T" targetRef="E"/>
            """));
        CliRun.Of("validate", file).ExitCode.ShouldBe(0);
        var run = CliRun.Of("validate", "--executable", file);
        run.ExitCode.ShouldBe(1);
        run.StderrLines.ShouldHaveSingleItem().ShouldBe($"{file}:4:21: error: serviceTask 'T' cannot run here: Java delegate class de.example.Send — use camunda:type=\"external\" with camunda:topic, or egov:activity");
    }

    [Fact]
    public void ValidateExecutable_RunnableFile_ExitsZero()
    {
        using var dir = new TempFolder();
        var run = CliRun.Of("validate", "--executable", dir.Write("ok.bpmn", Models.Process(Runnable)));
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldContain("valid and executable");
    }

    [Fact]
    public void ValidateExecutable_ReportsWhatTheDeploymentRefuses_Positioned()
    {
        // A Frist in hours passes the reader and the executable rules; only building the process for deployment refuses it.
        using var dir = new TempFolder();
        var file = dir.Write("frist.bpmn", Models.Process(FristInHours));
        CliRun.Of("validate", file).ExitCode.ShouldBe(0);
        var run = CliRun.Of("validate", "--executable", file);
        run.ExitCode.ShouldBe(1);
        var line = run.StderrLines.ShouldHaveSingleItem();
        line.ShouldStartWith($"{file}:4:21: error: egov:frist 'PT5H' on userTask 'Pruefen' counts hours or minutes");
        DiagnosticLine().IsMatch(line).ShouldBeTrue(line);
    }

    [Fact]
    public void ValidateExecutable_UnknownActivity_IsAnError_WithoutNamingPacks()
    {
        // The built-in packs are always known, as on the server: an egov:activity that none of them has cannot deploy.
        using var dir = new TempFolder();
        var file = dir.Write("activity.bpmn", Models.Process(UnknownActivity));
        var run = CliRun.Of("validate", "--executable", file);
        run.ExitCode.ShouldBe(1);
        run.Stderr.ShouldContain("gibt-es-nicht");
        run.StderrLines.ShouldAllBe(l => DiagnosticLine().IsMatch(l));
    }

    [Theory]
    [InlineData(FristInHours)]
    [InlineData(UnknownActivity)]
    [InlineData("""<startEvent id="S"/><intermediateCatchEvent id="W"><timerEventDefinition><timeCycle>R/PT0.001S</timeCycle></timerEventDefinition></intermediateCatchEvent><endEvent id="E"/><sequenceFlow id="F1" sourceRef="S" targetRef="W"/><sequenceFlow id="F2" sourceRef="W" targetRef="E"/>""")]
    [InlineData("""<startEvent id="S"/><serviceTask id="T" camunda:class="de.example.Send"/><endEvent id="E"/><sequenceFlow id="F1" sourceRef="S" targetRef="T"/><sequenceFlow id="F2" sourceRef="T" targetRef="E"/>""")]
    public void ValidateExecutable_SaysWhatTheDesignersCheckSays(string body)
    {
        // The designer's "Prüfen" on a server with the built-in packs, and the command line, word for word.
        using var dir = new TempFolder();
        var xml = Models.Process(body);
        var file = dir.Write("gleich.bpmn", xml);
        var packs = Packs.PackCatalog.Empty.With(Host.BuiltInPacks.Load(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(Host.BuiltInPacks.TestDefaults).Build()));
        var tenant = new Host.Tenancy.TenantEngine("default", new Runtime.WorkflowEngine(new Runtime.WorkflowEngineOptions { Activities = packs.AddTo(new Sdk.ActivityRegistry()) }));
        var designer = Host.Designer.ModelCheck.Run(tenant, xml, file);
        designer.HasErrors.ShouldBeTrue();
        var run = CliRun.Of("validate", "--executable", file);
        run.ExitCode.ShouldBe(1);
        run.StderrLines.ShouldBe(designer.Problems.Where(p => p.Severity == "error").Select(p => p.Text).ToArray());
    }

    [Fact]
    public void Validate_WholeSharedCorpus_ExitsZero()
    {
        var run = CliRun.Of("validate", SharedCorpus.Corpora);
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stderr.ShouldBeEmpty();
    }

    [Fact]
    public void Validate_Overlays_SchemaAndEveryNamedElementGroupAndFormField_WithPositions()
    {
        using var dir = new TempFolder();
        dir.Write("processes/hund/hund.bpmn", Models.Process("""
            <startEvent id="S"/><userTask id="T1" name="Prüfen" camunda:candidateGroups="amt" camunda:formKey="egov:forms/f"/><endEvent id="E"/>
            <sequenceFlow id="F1" sourceRef="S" targetRef="T1"/><sequenceFlow id="F2" sourceRef="T1" targetRef="E"/>
            """));
        dir.Write("processes/hund/forms/f.form", """{ "type": "default", "components": [ { "type": "textfield", "key": "x", "label": "X" } ] }""");
        var fits = dir.Write("tenants/a/hund.overlay.yaml", "groups: { amt: amt-a }\ntexts:\n  T1: \"Prüfen (A)\"\nforms:\n  f: { x: \"Feld X\" }\n");
        var gone = dir.Write("tenants/b/hund.overlay.yaml", "texts:\n  T9: \"y\"\nforms:\n  f: { nope: \"Z\" }\ngroups: { keine: k }\n");
        var hours = dir.Write("tenants/c/hund.overlay.yaml", "fristen:\n  T1: PT5H\n");
        var noService = dir.Write("tenants/d/katze.overlay.yaml", "texts: { T1: x }\n");

        var ok = CliRun.Of("validate", fits);
        ok.ExitCode.ShouldBe(0, ok.Stderr + ok.Stdout);

        var run = CliRun.Of("validate", System.IO.Path.Combine(dir.Path, "tenants"));
        run.ExitCode.ShouldBe(1);
        run.Stderr.ShouldContain($"{gone}:2:3: error: texts: the shared model");
        run.Stderr.ShouldContain("has no element 'T9'");
        run.Stderr.ShouldContain("forms: the form 'f' has no field with the key 'nope'");
        run.Stderr.ShouldContain($"{gone}:5:11: error: groups: no element of the shared model");
        run.Stderr.ShouldContain($"{hours}:2:");
        run.Stderr.ShouldContain($"{noService}:1:1: error: there is no shared service 'katze'");
        run.Stderr.ShouldNotContain(fits);
        foreach (var line in run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)) DiagnosticLine().IsMatch(line).ShouldBeTrue(line);
    }
}
