using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
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
    public void Regeln_AreMappedWhereTheirWordingIsFims_TheOthersListed()
    {
        using var tmp = new TempFolder();
        var outDir = Path.Combine(tmp.Path, "mutterschutz");
        CliRun.Of(["import", "fim", Path.Combine(Fim, "S00000094V1.0_xdf2.xml"), .. CodeLists, "-o", outDir]).ExitCode.ShouldBe(0);
        var form = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "forms", "antrag.form")))!.AsObject();
        // R00000849: "Sonstiges" asks for the other employment only when 009 is chosen — shown then, and required.
        var sonstiges = Components(form).Single(c => c["key"]?.GetValue<string>() == "beschaeftigungsverhaeltnisFrauSonstiges");
        sonstiges["conditional"]!["hide"]!.GetValue<string>().ShouldBe("=beschaeftigungsverhaeltnisFrau != \"009\"");
        sonstiges["validate"]!["required"]!.GetValue<bool>().ShouldBeTrue();
        // R00001165: at least one of Telefon, Telefax, E-Mail — a check the server runs. Its Kommunikation group is the schema's
        // second (the first, with E-Mail Personalangelegenheit, has R00001223): the rule names the fields of its own group.
        var rules = form["egov:rules"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var atLeastOne = rules.Single(r => r["id"]!.GetValue<string>() == "R00001165");
        atLeastOne["check"]!.GetValue<string>().ShouldBe("=(telefon2 != null and telefon2 != \"\") or (telefax2 != null and telefax2 != \"\") or (eMail != null and eMail != \"\")");
        atLeastOne["message"]!.GetValue<string>().ShouldBe("Es muss mindestens eines der Felder \"Telefon\", \"Telefax\" oder \"E-Mail\" befüllt sein.");
        rules.Single(r => r["id"]!.GetValue<string>() == "R00001223")["fields"]!.AsArray().Select(f => f!.GetValue<string>())
            .ShouldBe(["telefon", "telefax", "eMailPersonalangelegenheit"]);
        // R00001166: the consent is asked only when an e-mail address is given (a checkbox: answered, never forced to a tick).
        var consent = Components(form).Where(c => c["type"]?.GetValue<string>() == "checkbox" && c["conditional"] is not null).ToList();
        consent.Count.ShouldBe(2);
        consent.ShouldAllBe(c => c["validate"] == null || c["validate"]!["required"] == null);
        var report = File.ReadAllText(Path.Combine(outDir, "IMPORT.md"));
        report.ShouldContain("(R00000849) mapped: 'Sonstiges Beschäftigungsverhältnis' is shown only when");
        report.ShouldContain("(R60000024) not mapped");   // a date to be checked for validity
        report.ShouldContain("(R60000019) not mapped");   // one of two groups
    }

    [Fact]
    public void ARepeatableFieldOrGroup_IsADynamicList_WithItsAnzahl()
    {
        using var tmp = new TempFolder();
        var outDir = Path.Combine(tmp.Path, "mutterschutz");
        CliRun.Of(["import", "fim", Path.Combine(Fim, "S00000094V1.0_xdf2.xml"), .. CodeLists, "-o", outDir]).ExitCode.ShouldBe(0);
        var form = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "forms", "antrag.form")))!;
        var lists = Components(form).Where(c => c["type"]?.GetValue<string>() == "dynamiclist").ToList();
        var zeilen = lists.ShouldHaveSingleItem(); // Anschriftzeile, Anzahl 2:5
        zeilen["label"]!.GetValue<string>().ShouldBe("Anschriftzeile");
        zeilen["isRepeating"]!.GetValue<bool>().ShouldBeTrue();
        zeilen["validate"]!["minItems"]!.GetValue<int>().ShouldBe(2);
        zeilen["validate"]!["maxItems"]!.GetValue<int>().ShouldBe(5);
        zeilen["defaultRepetitions"]!.GetValue<int>().ShouldBe(2);
        var entry = zeilen["components"]!.AsArray().ShouldHaveSingleItem()!;
        entry["validate"]!["required"]!.GetValue<bool>().ShouldBeTrue();
        entry["validate"]!["maxLength"]!.GetValue<int>().ShouldBe(35);
        File.ReadAllText(Path.Combine(outDir, "IMPORT.md")).ShouldNotContain("the form asks for one");
    }

    [Fact]
    public void AFileUpload_IsAFilepicker()
    {
        using var tmp = new TempFolder();
        var schema = File.ReadAllText(Path.Combine(Fim, "S00000094V1.0_xdf2.xml"))
            .Replace("<code>date</code>", "<code>file</code>", StringComparison.Ordinal); // the corpus has no upload: its dates become ones
        var file = tmp.Write("upload.xml", schema);
        var outDir = Path.Combine(tmp.Path, "upload");
        CliRun.Of(["import", "fim", file, .. CodeLists, "-o", outDir]).ExitCode.ShouldBe(0);
        var form = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "forms", "antrag.form")))!;
        var picker = Components(form).First(c => c["type"]?.GetValue<string>() == "filepicker");
        picker["key"]!.GetValue<string>().ShouldBe("voraussichtlicherEntbindungstermin");
        picker["multiple"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public void BoundaryEventsOfTheXProzessModel_AreKept_WithThePathAfterThem()
    {
        using var tmp = new TempFolder();
        var outDir = Path.Combine(tmp.Path, "mutterschutz");
        CliRun.Of(["import", "fim", Path.Combine(Fim, "xprozess-mutterschutz-anzeige.xml"), "-o", outDir]).ExitCode.ShouldBe(0);
        var model = Directory.EnumerateFiles(outDir, "*.bpmn").Single();
        var xml = System.Xml.Linq.XDocument.Load(model);
        XNamespace bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
        var boundaries = xml.Descendants(bpmn + "boundaryEvent").ToList();
        boundaries.Count.ShouldBe(2);
        foreach (var b in boundaries)
        {
            b.Element(bpmn + "timerEventDefinition")!.Element(bpmn + "timeDuration")!.Value.ShouldBe("P14D");
            var on = (string)b.Attribute("attachedToRef")!;
            xml.Descendants(bpmn + "userTask").ShouldContain(t => (string?)t.Attribute("id") == on);
            xml.Descendants(bpmn + "sequenceFlow").ShouldContain(f => (string?)f.Attribute("sourceRef") == (string?)b.Attribute("id"), "the path after it is kept");
        }
        File.ReadAllText(Path.Combine(outDir, "IMPORT.md")).ShouldContain("boundary timer 'nicht rechtzeitig richtig oder nicht vollständig'");
        // It still deploys and starts.
        var engine = new WorkflowEngineBuilder().Build();
        var id = engine.StartProcess(engine.Deploy(model, new BpmnReader().ReadFile(model).Definitions!).Single().ProcessId);
        engine.OpenUserTasks(id).ShouldNotBeEmpty();
    }

    private static IEnumerable<System.Text.Json.Nodes.JsonObject> Components(System.Text.Json.Nodes.JsonNode node)
    {
        foreach (var c in node["components"]?.AsArray().OfType<System.Text.Json.Nodes.JsonObject>() ?? [])
        {
            yield return c;
            foreach (var inner in Components(c)) yield return inner;
        }
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
        run.Stderr.ShouldContain("xxe.xml:2:1: error: a DTD (<!DOCTYPE) is not allowed"); // at its <!DOCTYPE, not inside the declaration
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
