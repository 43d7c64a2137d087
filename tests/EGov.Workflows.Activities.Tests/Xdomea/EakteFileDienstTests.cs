using System.Text.Json.Nodes;
using EGov.Workflows.Activities.Xdomea;
using EGov.Workflows.Runtime;
using EGov.Workflows.Sdk;
using EGov.Workflows.Simulators;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests.Xdomea;

/// <summary>
/// eakte-file with what the engine hands every activity: the service's Aktenplan from service.yaml (when the model names no
/// aktenplaneinheit) and the case file's uploads through the SDK (<see cref="ActivityContext.CaseDocuments"/>).
/// </summary>
public sealed class EakteFileDienstTests : IAsyncLifetime
{
    private static readonly string Schema = DmsSimulator.FindCorpusSchema()
        ?? throw new InvalidOperationException("the xdomea schema of ../shared/corpora/xdomea/schemas/3.1.0 is not there");
    private DmsSimulator _dms = null!;
    private readonly FakeClock _clock = PackEngine.Clock();
    private readonly List<(string Tenant, string Root)> _asked = [];

    public Task InitializeAsync() { _dms = DmsSimulator.Start(Schema); return Task.CompletedTask; }
    public async Task DisposeAsync() => await _dms.DisposeAsync();

    private WorkflowEngine Engine(ServiceFacts? facts, IReadOnlyList<CaseDocument> documents) =>
        PackEngine.Create((s, c) => s.AddEgovXdomea(c), new Dictionary<string, string?>
        {
            ["Packs:Xdomea:SchemaDirectory"] = Schema,
            ["Packs:Xdomea:Behoerde"] = "Stadt Musterstadt",
            ["Packs:Xdomea:Endpoint"] = _dms.Endpoint,
            ["Packs:Xdomea:RetryDelayMilliseconds"] = "1",
        }, _clock, "default", o => o with
        {
            ServiceFacts = pid => pid == "Process_EakteFile_Dienst" ? facts : null,
            CaseDocuments = (tenant, root) => { _asked.Add((tenant, root)); return documents; },
        }, "Xdomea/EakteFileDienstTests.bpmn");

    private static JsonObject Antrag() => new() { ["antrag"] = new JsonObject { ["name"] = "Erika Mustermann" } };

    [Fact]
    public void The_aktenplan_of_the_service_yaml_names_the_file_when_the_model_gives_none()
    {
        var engine = Engine(new ServiceFacts("Process_EakteFile_Dienst") { AktenplanKennzeichen = "32.10.05", AktenplanBetreff = "Bewohnerparken – Parkausweise" }, []);
        var id = engine.StartProcess("Process_EakteFile_Dienst", Antrag(), "2026-0042");

        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        var filed = _dms.Vorgaenge.ShouldHaveSingleItem();
        filed.Aktenzeichen.ShouldBe("32.10.05-2026-0042");
        var x = filed.Message.Root!.Name.Namespace;
        var plan = filed.Message.Descendants(x + "Aktenplaneinheit").Single();
        ((string?)plan.Element(x + "Kennzeichen")).ShouldBe("32.10.05");
        ((string?)plan.Element(x + "Inhaltsangabe")).ShouldBe("Bewohnerparken – Parkausweise");
    }

    [Fact]
    public void Without_an_aktenplan_in_model_or_service_yaml_the_filing_fails_and_says_where_it_is_missing()
    {
        var engine = Engine(null, []);
        var id = engine.StartProcess("Process_EakteFile_Dienst", Antrag());
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("service.yaml names no aktenplan");
        _dms.Requests.ShouldBe(0);
    }

    [Fact]
    public void The_uploads_of_the_case_file_go_to_the_eakte_as_primary_files()
    {
        var uploads = new[]
        {
            new CaseDocument("Fahrzeugschein.pdf", "application/pdf", "aa", "%PDF-1.7 Fahrzeugschein"u8.ToArray(), DateTimeOffset.Parse("2026-12-01T10:00:00Z"), "fallakte"),
            new CaseDocument("Meldebescheinigung.pdf", "application/pdf", "bb", "%PDF-1.7 Meldebescheinigung"u8.ToArray(), DateTimeOffset.Parse("2026-12-01T11:00:00Z"), "fitconnect"),
        };
        var engine = Engine(new ServiceFacts("Process_EakteFile_Dienst") { AktenplanKennzeichen = "32.10.05" }, uploads);
        var id = engine.StartProcess("Process_EakteFile_Dienst", Antrag());

        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        _asked.ShouldContain(("default", id)); // the case file of the root instance
        var filed = _dms.Vorgaenge.ShouldHaveSingleItem();
        filed.Dateien.Count.ShouldBe(3); // Antragsdaten.xml and the two uploads
        var x = filed.Message.Root!.Name.Namespace;
        filed.Message.Descendants(x + "DateinameOriginal").Select(e => e.Value).ShouldBe(["Antragsdaten.xml", "Fahrzeugschein.pdf", "Meldebescheinigung.pdf"]);
        engine.GetInstance(id).Variables["eakte"]!["dokumente"]!.GetValue<int>().ShouldBe(3);
    }
}
