using EGov.Workflows.Catalogue.Services;
using NodaTime;

namespace EGov.Workflows.Catalogue.Tests;

public sealed class ServiceYamlTests
{
    private const string Valid = """
        leika: "99108001000000"
        name:
          de: Bewohnerparkausweis beantragen
        process: Process_Anwohnerparkausweis
        legalBases:
          - law: StVO
            paragraph: § 45
        responsible:
          orgUnit: Straßenverkehrsbehörde
          groups: [sachbearbeitung-parken]
        reifegrad: 3
        """;

    private static ServiceReadResult Read(string text) => ServiceYamlReader.Read(text, "service.yaml", "parken");

    private static string Only(ServiceReadResult r)
    {
        r.Service.ShouldBeNull();
        r.Diagnostics.Count.ShouldBe(1, string.Join("\n", r.Diagnostics));
        return r.Diagnostics[0].ToString();
    }

    [Fact]
    public void Minimal_IsValid_AndReadsEveryField()
    {
        var r = Read(Valid + "\nbearbeitungsfrist: P3M\nfees: {amount: 30.70, per: Jahr}\nvalidFrom: 2026-01-01\nvalidTo: 2026-12-31\ntrustLevel: hoch\n");
        r.Diagnostics.ShouldBeEmpty();
        var s = r.Service!;
        s.Key.ShouldBe("99108001000000");
        s.Bearbeitungsfrist.ShouldBe(Period.FromMonths(3));
        s.Fees!.Amount.ShouldBe(30.70m);
        s.ValidFrom.ShouldBe(new LocalDate(2026, 1, 1));
        s.ValidTo.ShouldBe(new LocalDate(2026, 12, 31));
        s.LegalBases.Single().ToString().ShouldBe("§ 45 StVO");
    }

    [Fact]
    public void Aktenplan_IsReadWithItsKennzeichen_AndABadOneIsAnErrorAtTheValue()
    {
        var r = Read(Valid + "\naktenplan:\n  kennzeichen: \"32.10.05\"\n  betreff: Bewohnerparken – Parkausweise\n");
        r.Diagnostics.ShouldBeEmpty();
        r.Service!.Aktenplan.ShouldBe(new Aktenplan("32.10.05", "Bewohnerparken – Parkausweise"));
        Read(Valid).Service!.Aktenplan.ShouldBeNull();
        Only(Read(Valid + "\naktenplan:\n  kennzeichen: \"32 10 05\"\n")).ShouldContain("aktenplan.kennzeichen");
        Only(Read(Valid + "\naktenplan:\n  betreff: ohne Kennzeichen\n")).ShouldContain("kennzeichen");
    }

    [Fact]
    public void UnknownField_IsAnErrorAtItsKey() =>
        Only(Read(Valid + "\nfarbe: blau")).ShouldBe("service.yaml:12:1: error: unknown field 'farbe' (known fields: leika, internal, ozg, name, process, legalBases, responsible, trustLevel, bearbeitungsfrist, aufbewahrungsfrist, aktenplan, fees, reifegrad, contact, validFrom, validTo)");

    [Fact]
    public void UnknownNestedField_IsAnErrorAtItsKey() =>
        Only(Read(Valid.Replace("    paragraph: § 45", "    paragraf: § 45", StringComparison.Ordinal))).ShouldStartWith("service.yaml:7:5: error: unknown field 'legalBases[0].paragraf'");

    [Theory]
    [InlineData("\"9910800100000\"", "'9910800100000' is not a LeiKa key")]
    [InlineData("\"12108001000000\"", "'12108001000000' is not a LeiKa key")]
    [InlineData("\"99108001OOOOOO\"", "is not a LeiKa key")]
    [InlineData("99108001000000", "is read as a number; write the LeiKa key in quotes")]
    public void BadLeikaKey_IsAnErrorAtTheValue(string key, string message)
    {
        var error = Only(Read(Valid.Replace("\"99108001000000\"", key, StringComparison.Ordinal)));
        error.ShouldStartWith("service.yaml:1:8: error: leika: ");
        error.ShouldContain(message);
    }

    [Theory]
    [InlineData("2026-02-30")]
    [InlineData("2026-13-01")]
    [InlineData("1.1.2026")]
    public void BadDate_IsAnErrorAtTheValue(string date) =>
        Only(Read(Valid + $"\nvalidFrom: {date}")).ShouldStartWith($"service.yaml:12:12: error: validFrom: '{date}' is not a date");

    [Fact]
    public void ValidToBeforeValidFrom_IsRefused() =>
        Only(Read(Valid + "\nvalidFrom: 2026-06-01\nvalidTo: 2026-05-31")).ShouldBe("service.yaml:13:10: error: validTo 2026-05-31 is before validFrom 2026-06-01");

    [Fact]
    public void UnknownTrustLevel_IsAnErrorNamingTheLevels_NotACrash() =>
        Only(Read(Valid + "\ntrustLevel: basis")).ShouldBe("service.yaml:12:13: error: trustLevel: 'basis' is not one of none, niedrig, substanziell, hoch");

    [Fact]
    public void FristInHours_IsRefused_TheLawCountsDays() =>
        Only(Read(Valid + "\nbearbeitungsfrist: PT5H")).ShouldContain("service.yaml:12:20: error: bearbeitungsfrist: 'PT5H' is not a Frist");

    [Fact]
    public void MissingLeika_IsRefused_UnlessInternal()
    {
        var without = Valid.Replace("leika: \"99108001000000\"\n", "", StringComparison.Ordinal);
        Only(Read(without)).ShouldContain("missing field 'leika'");
        Read("internal: true\n" + without).Diagnostics.ShouldBeEmpty();
        Read("internal: true\n" + without).Service!.Key.ShouldBe("parken");
    }

    [Fact]
    public void Internal_WithLeika_IsRefused() =>
        Only(Read("internal: true\n" + Valid)).ShouldContain("service.yaml:2:1: error: an internal procedure ('internal: true') has no 'leika'");

    [Fact]
    public void Fees_AreAnAmountOrADecision_NotBoth()
    {
        Read(Valid + "\nfees: {decision: Gebuehr}").Diagnostics.ShouldBeEmpty();
        Only(Read(Valid + "\nfees: {amount: 1.234}")).ShouldContain("fees.amount: 1.234 has more than two decimal places");
        Read(Valid + "\nfees: {amount: 1, decision: Gebuehr}").Diagnostics.ShouldNotBeEmpty();
    }

    [Fact]
    public void Reifegrad_IsZeroToFour() =>
        Only(Read(Valid.Replace("reifegrad: 3", "reifegrad: 5", StringComparison.Ordinal))).ShouldBe("service.yaml:11:12: error: reifegrad: 5 is not an OZG maturity level (0–4)");

    [Fact]
    public void BrokenYaml_AndDuplicateKeys_ArePositioned()
    {
        Only(Read(Valid + "\nreifegrad: 2")).ShouldBe("service.yaml:12:1: error: duplicate key 'reifegrad'");
        Only(Read("name: [de")).ShouldStartWith("service.yaml:2:1: error: invalid YAML: while parsing a flow sequence");
        Only(Read("")).ShouldContain("the file is empty");
        // YamlDotNet throws ArgumentException (not YamlException) for a tag that is no URI: still a positioned error.
        Only(Read("name: {!" + new string('!', 40) + "[[[[ de: x }")).ShouldStartWith("service.yaml:1:");
    }

    [Fact]
    public void ValidityDifferentFromTheProcesses_IsRefused_AtTheField()
    {
        var read = Read(Valid + "\nvalidFrom: 2027-01-01");
        var ok = new Dictionary<string, (string?, string?)> { ["Process_Anwohnerparkausweis"] = ("2027-01-01", null) };
        ServiceChecks.References(read, ["Process_Anwohnerparkausweis"], [], ok).ShouldBeEmpty();
        var other = new Dictionary<string, (string?, string?)> { ["Process_Anwohnerparkausweis"] = ("2026-01-01", null) };
        ServiceChecks.References(read, ["Process_Anwohnerparkausweis"], [], other).Single().ToString()
            .ShouldStartWith("service.yaml:12:12: error: validFrom 2027-01-01 differs from egov:validFrom '2026-01-01' of process 'Process_Anwohnerparkausweis'");
        ServiceChecks.References(read, ["Process_Nope"], []).Single().ToString().ShouldStartWith("service.yaml:4:10: error: process 'Process_Anwohnerparkausweis' is not in a BPMN model of this folder (found: Process_Nope)");
    }

    [Fact]
    public void TheRepositorysServices_AreValid()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repo.Root, "processes"), ServiceYamlReader.FileName, SearchOption.AllDirectories))
        {
            var r = ServiceYamlReader.ReadFile(file);
            r.Diagnostics.ShouldBeEmpty(string.Join("\n", r.Diagnostics));
        }
    }

    [Fact]
    public void TheRepositorysLeikaKeys_AreInThePublicCatalogue()
    {
        if (Repo.LeikaCorpus is not { } corpus) return; // the shared corpus is beside the repository on developer machines and CI
        var csv = File.ReadAllText(Path.Combine(corpus, "leika-leistungen.csv"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repo.Root, "processes"), ServiceYamlReader.FileName, SearchOption.AllDirectories))
            if (ServiceYamlReader.ReadFile(file).Service?.Leika is { } key)
                csv.ShouldContain($"\n{key},", customMessage: $"{file}: LeiKa key {key} is not in the public list");
    }
}
