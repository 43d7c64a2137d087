using EGov.Workflows.Catalogue.Leistungen;
using EGov.Workflows.Catalogue.Services;

namespace EGov.Workflows.Catalogue.Tests;

public sealed class LeistungenFileTests
{
    private const string Header = "leika_key,leistung,leistungstyp,ozg_id,ozg_leistung,lebenslage,themenfeld,rechtsgrundlage,gesetze,gesetz_kuerzel,hidden\n";

    [Fact]
    public void Csv_QuotedFieldsWithCommasQuotesAndLineBreaks_AreOneField()
    {
        var r = LeistungenFile.ReadCsv(Header +
            "99108001000000,Bewohnerparkausweis,2/3,10173,Parkausweise und Zufahrtsberechtigungen,Kfz-Besitz,Mobilität & Reisen,\"§ 45 StVO, \"\"Bewohner\"\"\nzweite Zeile\",StVO,StVO,0\r\n" +
            "99108001020000,Bewohnerparkausweis Verlängerung,2/3,10173,Parkausweise und Zufahrtsberechtigungen,Kfz-Besitz,Mobilität & Reisen,,,,0\n", "l.csv");
        r.Errors.ShouldBeEmpty();
        r.Leistungen.Count.ShouldBe(2);
        r.Leistungen[0].Rechtsgrundlage.ShouldBe("§ 45 StVO, \"Bewohner\"\nzweite Zeile");
        r.Leistungen[0].Themenfeld.ShouldBe("Mobilität & Reisen");
        r.Leistungen[1].Name.ShouldBe("Bewohnerparkausweis Verlängerung");
        r.Leistungen[1].Rechtsgrundlage.ShouldBeNull();
    }

    [Fact]
    public void Csv_RowsWithoutALeikaKey_HiddenAndRepeated_AreLeftOut_AndReportedAtTheirLine()
    {
        var r = LeistungenFile.ReadCsv(Header +
            "3233,Test 4,44,10513,Abbruchgenehmigung,Bauen & Immobilien,Bauen & Wohnen,wqfwe,,,0\n" +
            "nicht im LeiKa,Etwas,,,,,,,,,0\n" +
            "99001001000000,Abfallgebühr,5,10110,Abfallentsorgung,Wohnen & Umzug,Bauen & Wohnen,,,,0\n" +
            "99001001000000,Abfallgebühr,5,10110,Abfallentsorgung,Wohnen & Umzug,Bauen & Wohnen,,,,0\n" +
            "99001001002000,Abfallgebühr Festsetzung,5,,,,,,,,1\n", "l.csv");
        r.Leistungen.Select(l => l.Leika).ShouldBe(["99001001000000"]);
        r.Skipped.Select(d => d.ToString()).ShouldBe([
            "l.csv:2:1: warning: row: '3233' is not a LeiKa key (14 digits starting with 99); left out",
            "l.csv:3:1: warning: row: 'nicht im LeiKa' is not a LeiKa key (14 digits starting with 99); left out",
            "l.csv:5:1: warning: row: 99001001000000 is listed twice; the first is kept",
            "l.csv:6:1: warning: row: 99001001002000 is marked hidden; left out",
        ]);
    }

    [Fact]
    public void Csv_WithoutTheKeyColumn_OrAnOpenQuote_IsAnError()
    {
        LeistungenFile.ReadCsv("key,name\n1,2\n", "l.csv").Errors.Single().ToString().ShouldStartWith("l.csv:1:1: error: the header names no leika_key column");
        LeistungenFile.ReadCsv(Header + "99001001000000,\"Abfall,5\n", "l.csv").Errors.Single().ToString().ShouldBe("l.csv:2:1: error: a quoted field is not closed (a \" is missing)");
    }

    [Fact]
    public void Json_ArrayOfObjects_WithTheSameNames()
    {
        var r = LeistungenFile.ReadJson("""[{"leika_key": "99108001000000", "leistung": "Bewohnerparkausweis", "themenfeld": "Mobilität & Reisen"}, {"leika_key": 5, "leistung": "x"}]""", "l.json");
        r.Leistungen.Single().Themenfeld.ShouldBe("Mobilität & Reisen");
        r.Skipped.Single().ToString().ShouldContain("entry 2: '5' is not a LeiKa key");
        LeistungenFile.ReadJson("{}", "l.json").Errors.Single().Message.ShouldBe("expected a JSON array of Leistungen");
    }

    [Fact]
    public void ThePublicList_HasMoreThan500Leistungen_AndBothOfOurServicesMergeIntoIt()
    {
        if (Repo.LeikaCorpus is not { } corpus) return; // the shared corpus is beside the repository on developer machines and CI
        var r = LeistungenFile.Read(Path.Combine(corpus, "leika-leistungen.csv"));
        r.Errors.ShouldBeEmpty();
        r.Leistungen.Count.ShouldBeGreaterThan(500);
        r.Leistungen.ShouldAllBe(l => LeistungenFile.IsLeikaKey(l.Leika));
        var services = Directory.EnumerateFiles(Path.Combine(Repo.Root, "processes"), ServiceYamlReader.FileName, SearchOption.AllDirectories)
            .Select(f => ServiceYamlReader.ReadFile(f).Service!).ToList();
        var overview = CatalogueOverview.Merge(r.Leistungen, services, p => p == "Process_Anwohnerparkausweis" ? 2 : null);
        overview.Count.ShouldBe(r.Leistungen.Count + services.Count(s => s.Internal)); // + the internal procedures (Urlaubsantrag, E-Rechnung, …)
        var parken = overview.Single(e => e.Key == "99108001000000");
        parken.State.ShouldBe(ServiceState.Digital);
        parken.Version.ShouldBe(2);
        parken.Reifegrad.ShouldBe(3);
        overview.Single(e => e.Key == "urlaubsantrag").Themenfeld.ShouldBe("Intern");
        // Every Leistung of the list is "nicht digital" but those our citizen services describe (Bewohnerparkausweis, the life chain, …).
        overview.Count(e => e.State == ServiceState.NichtDigital).ShouldBe(r.Leistungen.Count - services.Count(s => !s.Internal));
    }
}
