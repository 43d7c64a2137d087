using System.IO.Compression;
using System.Text;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Bpmn.Tests.Support;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Bpmn.Tests.Cli;

/// <summary>
/// <c>egov import fim</c> on every FIM file of ../shared/corpora/fim: each imports into a skeleton that
/// <c>egov validate --executable</c> accepts, that deploys and whose case starts; hostile input is refused with a position.
/// </summary>
public sealed class ImportFimCommandTests
{
    private static string Fim => Path.Combine(SharedCorpus.Corpora, "fim");

    private static IEnumerable<string> CodeLists => Directory.EnumerateFiles(Fim, "*_genericode.xml");

    /// <summary>Every XProzess, XDatenfelder and BPMN file of the corpus (code lists come with the Datenschema that uses them).</summary>
    public static TheoryData<string> FimFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(SharedCorpus.Corpora, "fim"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            if ((f.EndsWith(".xml", StringComparison.Ordinal) && !f.EndsWith("_genericode.xml", StringComparison.Ordinal)) || f.EndsWith(".bpmn", StringComparison.Ordinal))
                data.Add(Path.GetRelativePath(Path.Combine(SharedCorpus.Corpora, "fim"), f));
        return data;
    }

    [Theory, MemberData(nameof(FimFiles))]
    public void EveryFimFile_ImportsIntoAnExecutableSkeleton_ThatDeploysAndStarts(string file)
    {
        using var tmp = new TempFolder();
        var outDir = Path.Combine(tmp.Path, "service");
        var run = CliRun.Of(["import", "fim", Path.Combine(Fim, file), .. CodeLists, "-o", outDir]);
        run.ExitCode.ShouldBe(0, run.Stderr);
        var validate = CliRun.Of("validate", "--executable", outDir);
        validate.ExitCode.ShouldBe(0, validate.Stdout + validate.Stderr);
        var model = Directory.EnumerateFiles(outDir, "*.bpmn").Single();
        var read = new BpmnReader().ReadFile(model);
        var engine = new WorkflowEngineBuilder().Build();
        var deployed = engine.Deploy(model, read.Definitions!);
        var id = engine.StartProcess(deployed.Single().ProcessId);
        engine.OpenUserTasks(id).ShouldNotBeEmpty();
        File.Exists(Path.Combine(outDir, "IMPORT.md")).ShouldBeTrue();
        File.Exists(Path.Combine(outDir, "forms", "bearbeitung.form")).ShouldBeTrue();
        EGov.Workflows.Catalogue.Services.ServiceYamlReader.ReadFile(Path.Combine(outDir, "service.yaml")).Diagnostics
            .Where(d => d.Severity == Model.Diagnostics.Severity.Error).ShouldBeEmpty();
    }

    [Fact]
    public void XProzess_WithDatenschema_GivesLeikaLegalBasesGroupsAndAStartFormWithCodeLists()
    {
        using var tmp = new TempFolder();
        var outDir = Path.Combine(tmp.Path, "mutterschutz");
        CliRun.Of(["import", "fim", Path.Combine(Fim, "xprozess-mutterschutz-anzeige.xml"), Path.Combine(Fim, "S00000094V1.0_xdf2.xml"), .. CodeLists, "-o", outDir])
            .ExitCode.ShouldBe(0);
        var yaml = File.ReadAllText(Path.Combine(outDir, "service.yaml"));
        yaml.ShouldContain("leika: \"99006028261000\"");
        yaml.ShouldContain("§ 27 MuSchG");
        var form = File.ReadAllText(Path.Combine(outDir, "forms", "antrag.form"));
        form.ShouldContain("\"type\": \"group\"");
        form.ShouldContain("\"maxLength\": 55");            // Straße
        form.ShouldContain("\"pattern\": \"([0]{1}[1-9]{1}|[1-9]{1}[0-9]{1})[0-9]{3}\""); // Postleitzahl
        form.ShouldContain("\"required\": true");
        form.ShouldContain("in Deutschland");               // a code list's option (C60000006)
        var bpmn = File.ReadAllText(Directory.EnumerateFiles(outDir, "*.bpmn").Single());
        bpmn.ShouldContain("camunda:candidateGroups=\"aufsichtsbehoerde");
        bpmn.ShouldContain("camunda:formKey=\"egov:forms/antrag\"");
        File.ReadAllText(Path.Combine(outDir, "IMPORT.md")).ShouldContain("not mapped");
    }

    [Fact]
    public void ACodeListAlone_IsNoService()
    {
        using var tmp = new TempFolder();
        var run = CliRun.Of("import", "fim", CodeLists.First(), "-o", Path.Combine(tmp.Path, "x"));
        run.ExitCode.ShouldBe(1);
        run.Stderr.ShouldContain("a code list alone makes no service");
    }

    [Fact]
    public void ADtd_IsRefusedWithItsPosition_NoExternalEntity()
    {
        using var tmp = new TempFolder();
        var file = tmp.Write("xxe.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE x [ <!ENTITY e SYSTEM \"file:///etc/passwd\"> ]>\n<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf=\"urn:xoev-de:fim:standard:xdatenfelder_2\">&e;</xdf:xdatenfelder.stammdatenschema.0102>");
        var run = CliRun.Of("import", "fim", file, "-o", Path.Combine(tmp.Path, "x"));
        run.ExitCode.ShouldBe(1);
        run.Stderr.ShouldContain("xxe.xml:");
        run.Stderr.ShouldContain("a DTD is not allowed");
        run.Stderr.ShouldNotContain("root:");
    }

    [Fact]
    public void AnotherXmlFile_IsNotFim()
    {
        using var tmp = new TempFolder();
        var file = tmp.Write("other.xml", "<?xml version=\"1.0\"?>\n<rechnung xmlns=\"urn:example\" />");
        var run = CliRun.Of("import", "fim", file, "-o", Path.Combine(tmp.Path, "x"));
        run.ExitCode.ShouldBe(1);
        run.Stderr.ShouldContain("other.xml:2:2: error: not an XProzess 2, XDatenfelder 2/3, genericode or BPMN 2.0 file");
    }

    [Fact]
    public void AZipBombInTheProcessModel_IsRefused()
    {
        using var tmp = new TempFolder();
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry("BPMN DI-Export.xml", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 40; i++) s.Write(zeros); // 40 MB of zeros, a few KB compressed
        }
        var xml = $"<?xml version=\"1.0\"?>\n<x:alleInhalte.export.0303 xmlns:x=\"http://www.regierung-mv.de/xprozess/2\"><x:prozess><x:id>99006028261000</x:id><x:name>Bombe</x:name><x:prozessmodell><x:prozessmodelldatei><x:inhalt>{Convert.ToBase64String(ms.ToArray())}</x:inhalt></x:prozessmodelldatei></x:prozessmodell></x:prozess></x:alleInhalte.export.0303>";
        var file = tmp.Write("bombe.xml", xml);
        var run = CliRun.Of("import", "fim", file, "-o", Path.Combine(tmp.Path, "x"));
        run.ExitCode.ShouldBe(1);
        run.Stderr.ShouldContain("bombe.xml:2:");
        run.Stderr.ShouldContain("zip bomb");
    }
}
