using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EGov.Workflows.Activities.Dokumente;
using EGov.Workflows.Runtime;
using EGov.Workflows.Sdk;
using NodaTime.Testing;
using UglyToad.PdfPig;

namespace EGov.Workflows.Activities.Tests.Dokumente;

/// <summary>
/// <c>dokument-pdf</c> makes the case's document as PDF and hands it to the case file. The PDF is read back with another
/// implementation (PdfPig), so what is asserted is what a reader of the file sees.
/// </summary>
public sealed class DokumentPdfTests
{
    private readonly FakeClock _clock = PackEngine.Clock(); // 2026-12-03 09:00 UTC
    private readonly List<(string Root, string Element, NewCaseDocument Document)> _filed = [];

    private WorkflowEngine Engine(string? behoerde = "Stadt Musterstadt – Straßenverkehrsbehörde", bool caseFile = true) =>
        PackEngine.Create((s, c) => s.AddEgovDokumente(c), new Dictionary<string, string?>
        {
            ["Packs:Dokumente:Behoerde"] = behoerde,
            ["Packs:Dokumente:Ort"] = "Musterstadt",
        }, _clock, "default",
            o => caseFile ? o with { AddCaseDocument = (_, root, element, docs) => _filed.AddRange(docs.Select(d => (root, element, d))) } : o,
            "Dokumente/DokumentPdfTests.bpmn");

    private static JsonObject Antrag(string dateiname = "Parkausweis-DA-2026-0001.pdf", string text = "Der Ausweis ist sichtbar hinter der Windschutzscheibe auszulegen.") => new()
    {
        ["dateiname"] = dateiname,
        ["felder"] = new JsonObject
        {
            ["Ausweisnummer"] = "DA-2026-0001",
            ["Kennzeichen"] = "DA-EG 123",
            ["Zone"] = "B",
            ["Gültig bis"] = "2027-12-02",
            ["Gebühr (EUR)"] = 30.7,
            ["Elektrofahrzeug"] = false,
        },
        ["text"] = text,
    };

    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => p.Text));
    }

    [Fact]
    public void The_permit_is_a_PDF_in_the_case_file_with_title_fields_authority_and_date()
    {
        var engine = Engine();
        var id = engine.StartProcess("Process_Dokument", Antrag(), "VG-2026-0001");

        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        var (root, element, document) = _filed.ShouldHaveSingleItem();
        root.ShouldBe(id);
        element.ShouldBe("Task_Ausweis_Pdf");
        document.Name.ShouldBe("Parkausweis-DA-2026-0001.pdf");
        document.ContentType.ShouldBe("application/pdf");
        var pdf = document.Content.ToArray();
        var text = Text(pdf);
        text.ShouldContain("Bewohnerparkausweis");
        text.ShouldContain("Stadt Musterstadt – Straßenverkehrsbehörde");
        text.ShouldContain("Musterstadt, 03.12.2026");
        text.ShouldContain("DA-EG 123");
        text.ShouldContain("02.12.2027"); // an ISO date printed the German way
        text.ShouldContain("30,7");
        text.ShouldContain("nein");
        text.ShouldContain("Seite 1 von 1");

        var output = engine.GetInstance(id).Variables["dokument"]!;
        ((string?)output["name"]).ShouldBe("Parkausweis-DA-2026-0001.pdf");
        ((string?)output["sha256"]).ShouldBe(Convert.ToHexStringLower(SHA256.HashData(pdf)));
        ((int)output["seiten"]!).ShouldBe(1);
        ((int)output["bytes"]!).ShouldBe(pdf.Length);
    }

    [Fact]
    public void A_long_text_runs_onto_further_pages_and_each_page_is_numbered()
    {
        var paragraph = string.Join(" ", Enumerable.Repeat("Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb eines Monats Widerspruch erhoben werden.", 12));
        var engine = Engine();
        var id = engine.StartProcess("Process_Dokument", Antrag(text: string.Join("\n\n", Enumerable.Repeat(paragraph, 8))));

        var pdf = _filed.ShouldHaveSingleItem().Document.Content.ToArray();
        using var document = PdfDocument.Open(pdf);
        document.NumberOfPages.ShouldBeGreaterThan(1);
        ((int)engine.GetInstance(id).Variables["dokument"]!["seiten"]!).ShouldBe(document.NumberOfPages);
        document.GetPage(document.NumberOfPages).Text.ShouldContain($"Seite {document.NumberOfPages} von {document.NumberOfPages}");
        // Nothing is lost at a page break: every paragraph's last words are on some page.
        Text(pdf).Split("Widerspruch").Length.ShouldBe(8 * 12 + 1);
    }

    [Theory]
    [InlineData("ausweis.docx", "no plain file name ending in .pdf")]
    [InlineData("../ausweis.pdf", "no plain file name ending in .pdf")]
    [InlineData("", "the input dateiname is missing")]
    public void A_wrong_file_name_is_an_incident_with_the_reason_and_files_nothing(string dateiname, string reason)
    {
        var engine = Engine();
        var id = engine.StartProcess("Process_Dokument", Antrag(dateiname));
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain(reason);
        _filed.ShouldBeEmpty();
    }

    [Fact]
    public void An_object_as_a_field_value_is_refused_with_its_label()
    {
        var engine = Engine();
        var antrag = Antrag();
        antrag["felder"]!["Anschrift"] = new JsonObject { ["strasse"] = "Rathausstraße 5" };
        var id = engine.StartProcess("Process_Dokument", antrag);
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("felder.Anschrift: an object cannot be printed");
        _filed.ShouldBeEmpty();
    }

    [Fact]
    public void A_text_beyond_the_bound_is_refused_before_anything_is_drawn()
    {
        var engine = Engine();
        var id = engine.StartProcess("Process_Dokument", Antrag(text: new string('x', DokumentPdfActivity.MaxText + 1)));
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain($"at most {DokumentPdfActivity.MaxText}");
    }

    [Fact]
    public void Without_an_issuing_authority_the_incident_names_the_setting()
    {
        var engine = Engine(behoerde: null);
        var id = engine.StartProcess("Process_Dokument", Antrag());
        PackEngine.RunRetries(engine, _clock);

        var message = engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message;
        message.ShouldContain("Packs:Dokumente:Behoerde");
        message.ShouldContain("contact.name in the service.yaml");
    }

    [Fact]
    public void Without_a_setting_the_services_contact_issues_the_document()
    {
        var engine = PackEngine.Create((s, c) => s.AddEgovDokumente(c), new Dictionary<string, string?>(), _clock, "default",
            o => o with
            {
                ServiceFacts = p => new ServiceFacts(p) { Behoerde = "Straßenverkehrsbehörde Musterstadt, Bewohnerparken" },
                AddCaseDocument = (_, root, element, docs) => _filed.AddRange(docs.Select(d => (root, element, d))),
            }, "Dokumente/DokumentPdfTests.bpmn");
        engine.StartProcess("Process_Dokument", Antrag());

        Text(_filed.ShouldHaveSingleItem().Document.Content.ToArray()).ShouldContain("Straßenverkehrsbehörde Musterstadt, Bewohnerparken");
    }

    [Fact]
    public void A_case_file_that_refuses_the_document_fails_the_task_and_the_case_waits_at_it()
    {
        var engine = PackEngine.Create((s, c) => s.AddEgovDokumente(c), new Dictionary<string, string?> { ["Packs:Dokumente:Behoerde"] = "Stadt Musterstadt" },
            _clock, "default", o => o with { AddCaseDocument = (_, _, _, _) => throw new ArgumentException("the document has 2000000 bytes; the case file takes at most 1000") },
            "Dokumente/DokumentPdfTests.bpmn");
        var id = engine.StartProcess("Process_Dokument", Antrag());
        PackEngine.RunRetries(engine, _clock);

        var instance = engine.GetInstance(id);
        instance.State.ShouldBe(InstanceState.Incident);
        instance.Incidents.ShouldHaveSingleItem().Message.ShouldContain("the case file refused a document of activity 'dokument-pdf': the document has 2000000 bytes");
        instance.Variables.ContainsKey("dokument").ShouldBeFalse(); // the outputs go with the document or not at all
    }

    [Fact]
    public void An_engine_without_case_files_still_completes_the_task_with_its_outputs()
    {
        var engine = Engine(caseFile: false);
        var id = engine.StartProcess("Process_Dokument", Antrag());

        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        ((int)engine.GetInstance(id).Variables["dokument"]!["seiten"]!).ShouldBe(1);
    }

    [Fact]
    public void Without_fonts_the_reason_names_the_folder_and_the_packages()
    {
        var empty = Directory.CreateTempSubdirectory("egov-fonts-").FullName;
        try
        {
            var (_, _, problem) = PdfFonts.Find(new DokumenteOptions { FontDirectory = empty });
            problem.ShouldNotBeNull().ShouldContain(empty);
            problem.ShouldContain("fonts-liberation");
            PdfFonts.Find(new DokumenteOptions { RegularFont = Path.Combine(empty, "fehlt.ttf") }).Problem.ShouldNotBeNull().ShouldContain("fehlt.ttf");
        }
        finally { Directory.Delete(empty, true); }
    }
}
