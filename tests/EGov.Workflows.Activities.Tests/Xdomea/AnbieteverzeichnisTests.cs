using System.Text.Json.Nodes;
using EGov.Workflows.Activities.Xdomea;
using EGov.Workflows.Runtime;
using EGov.Workflows.Simulators;
using NodaTime;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests.Xdomea;

/// <summary>
/// An Anbieteverzeichnis (0501) that holds several Schriftgutobjekte: the case's Vorgang and further Akten (input
/// <c>akten</c>), each an <c>Akte</c> with its Vorgänge in <c>Akteninhalt</c> — valid against the official schema (the
/// archive simulator refuses what is not). The archive evaluates each object; only those evaluated A are handed over
/// (0503), and the import confirmation (0506) is read per object.
/// </summary>
public sealed class AnbieteverzeichnisTests : IAsyncLifetime
{
    private const string Model = "Xdomea/AnbieteverzeichnisTests.bpmn";
    private const string Akte1 = "0b6c1d52-5a0e-4a8e-9d7e-2f1a3c4b5d61";
    private const string Akte2 = "7c2e9f10-1b3d-4c5e-8f7a-6b5c4d3e2f10";
    private static readonly string Schema = DmsSimulator.FindCorpusSchema()
        ?? throw new InvalidOperationException("the xdomea schema of ../shared/corpora/xdomea/schemas/3.1.0 is not there");
    private ArchivSimulator _archiv = null!;
    private readonly FakeClock _clock = PackEngine.Clock();

    public Task InitializeAsync()
    {
        _archiv = ArchivSimulator.Start(Schema);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _archiv.DisposeAsync();

    private WorkflowEngine Engine() => PackEngine.Create((s, c) => s.AddEgovXdomea(c), new Dictionary<string, string?>
    {
        ["Packs:Xdomea:SchemaDirectory"] = Schema,
        ["Packs:Xdomea:Behoerde"] = "Stadt Musterstadt",
        ["Packs:Xdomea:Organisationseinheit"] = "Straßenverkehrsbehörde",
        ["Packs:Xdomea:Archiv:Name"] = "Stadtarchiv Musterstadt",
        ["Packs:Xdomea:Archiv:Endpoint"] = _archiv.Endpoint,
        ["Packs:Xdomea:Archiv:PollMinutes"] = "60",
        ["Packs:Xdomea:RetryDelayMilliseconds"] = "1",
    }, _clock, "default", Model);

    private static JsonObject Start() => new()
    {
        ["name"] = "Erika Mustermann",
        ["akten"] = new JsonArray(
            new JsonObject
            {
                ["id"] = Akte1, ["aktenzeichen"] = "32.10.05-2020", ["betreff"] = "Bewohnerparkausweise 2020, Zone A", ["beginn"] = "2020-01-02", ["ende"] = "2020-12-30",
                ["vorgaenge"] = new JsonArray(
                    new JsonObject { ["aktenzeichen"] = "32.10.05-2020-0001", ["betreff"] = "Bewohnerparkausweis MS-AB 1" },
                    new JsonObject { ["aktenzeichen"] = "32.10.05-2020-0002", ["betreff"] = "Bewohnerparkausweis MS-CD 2" }),
            },
            new JsonObject
            {
                ["id"] = Akte2, ["aktenzeichen"] = "32.10.05-2020-B", ["betreff"] = "Bewohnerparkausweise 2020, Zone B",
                ["vorgaenge"] = new JsonArray(new JsonObject { ["aktenzeichen"] = "32.10.05-2020-0101", ["betreff"] = "Bewohnerparkausweis MS-EF 3" }),
            }),
    };

    [Fact]
    public void Several_Akten_are_offered_in_one_Anbieteverzeichnis_and_only_those_evaluated_A_are_handed_over()
    {
        _archiv.DecisionById[Akte2] = "V";
        var engine = Engine();
        var id = engine.StartProcess("Process_Anbieteverzeichnis", Start());

        var offer = _archiv.Received.ShouldHaveSingleItem();
        offer.Nachricht.ShouldBe(Aussonderung.Anbieteverzeichnis);
        var x = offer.Message.Root!.Name.Namespace;
        var objekte = offer.Message.Root.Elements(x + "Schriftgutobjekt").Select(o => o.Elements().Single().Name.LocalName).ToList();
        objekte.ShouldBe(["Vorgang", "Akte", "Akte"]);
        var akte1 = offer.Message.Descendants(x + "Akte").First();
        ((string?)akte1.Element(x + "Identifikation")!.Element(x + "ID")).ShouldBe(Akte1);
        ((string?)akte1.Element(x + "AllgemeineMetadaten")!.Element(x + "Kennzeichen")).ShouldBe("32.10.05-2020");
        akte1.Element(x + "Akteninhalt")!.Elements(x + "Vorgang").Count().ShouldBe(2);
        akte1.Element(x + "ArchivspezifischeMetadaten").ShouldNotBeNull();

        _clock.Advance(Duration.FromMinutes(60));
        engine.RunDueJobs();
        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.State.ShouldBe(InstanceState.Completed);
        var handOver = _archiv.Received.Single(r => r.Nachricht == Aussonderung.Abgabe0503);
        handOver.Message.Root!.Elements(x + "Schriftgutobjekt").Select(o => o.Elements().Single().Name.LocalName).ShouldBe(["Vorgang", "Akte"]);
        ((string?)handOver.Message.Descendants(x + "Akte").Single().Element(x + "Identifikation")!.Element(x + "ID")).ShouldBe(Akte1);

        var result = view.Variables["aussonderung"]!;
        view.Variables["archiviert"]!.GetValue<bool>().ShouldBeTrue();
        result["bewertung"]!.GetValue<string>().ShouldBe("A");
        var akten = result["akten"]!.AsArray();
        akten[0]!["bewertung"]!.GetValue<string>().ShouldBe("A");
        akten[0]!["erfolgreich"]!.GetValue<bool>().ShouldBeTrue();
        akten[0]!["archivkennung"]!.GetValue<string>().ShouldStartWith("StA-Best. 12 Nr.");
        akten[1]!["bewertung"]!.GetValue<string>().ShouldBe("V");
        akten[1]!["archivkennung"].ShouldBeNull();
    }

    [Fact]
    public void The_case_kassiert_while_an_Akte_of_the_same_offer_is_archived()
    {
        _archiv.Decision = "V";
        _archiv.DecisionById[Akte1] = "A";
        var engine = Engine();
        var id = engine.StartProcess("Process_Anbieteverzeichnis", Start());
        _clock.Advance(Duration.FromMinutes(60));
        engine.RunDueJobs();
        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.State.ShouldBe(InstanceState.Completed);
        view.Variables["kassiert"]!.GetValue<bool>().ShouldBeTrue();
        view.Variables["archiviert"]!.GetValue<bool>().ShouldBeFalse();
        var x = _archiv.Received[0].Message.Root!.Name.Namespace;
        var handOver = _archiv.Received.Where(r => r.Nachricht == Aussonderung.Abgabe0503).ShouldHaveSingleItem();
        handOver.Message.Root!.Elements(x + "Schriftgutobjekt").Select(o => o.Elements().Single().Name.LocalName).ShouldBe(["Akte"]);
        handOver.Dateien.ShouldBeEmpty();
        view.Variables["aussonderung"]!["akten"]![0]!["erfolgreich"]!.GetValue<bool>().ShouldBeTrue();
    }
}
