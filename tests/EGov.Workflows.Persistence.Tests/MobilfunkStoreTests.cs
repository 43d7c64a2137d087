using EGov.Workflows.Persistence.Mobilfunk;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The Mobilfunk tables (migration 0036) on SQLite and PostgreSQL, and the in-memory store with the same rules: only offered
/// tariffs and devices can be ordered, the contract keeps the terms of its order, one device is never out with two people at once
/// (the database's partial unique index), each step fits only its state and a step asked again writes once.
/// </summary>
public sealed class MobilfunkStoreTests
{
    public static TheoryData<string> Stores()
    {
        var data = new TheoryData<string> { "memory", "sqlite" };
        if (TestDatabases.PostgresConnection is not null) data.Add("postgres");
        return data;
    }

    private static readonly Instant T0 = Instant.FromUtc(2027, 3, 1, 9, 0);

    private sealed class Fixture : IDisposable
    {
        private readonly TestDatabase? _db;
        public IMobilfunkStore Store { get; }

        public Fixture(string provider)
        {
            if (provider == "memory") Store = new InMemoryMobilfunkStore();
            else
            {
                _db = TestDatabases.Create(provider);
                _db.OpenStore(); // creates the schema, migration 0036 included
                Store = new SqlMobilfunkStore(_db.Options);
            }
            Store.PutTarif("t1", new Tarif("basis", "Behördentarif Basis", 9.90m, 24, 10, true, T0));
            Store.PutTarif("t1", new Tarif("leitung", "Behördentarif Leitung", 24.50m, 24, null, true, T0));
            Store.PutGeraet("t1", new Geraet("smartphone-s", "Standard-Smartphone", "Samsung", 289.00m, true, T0));
            Store.PutGeraet("t1", new Geraet("smartphone-m", "Smartphone mit Dienstkonto", "Apple", 649.99m, true, T0));
        }

        public void Dispose() => _db?.Dispose();
    }

    private static Bestellung Bestellung(string id, string wer = "m.mueller", string kst = "KST-10", string tarif = "basis", string? geraet = "smartphone-s") =>
        new(id, wer, kst, tarif, geraet, "i-" + id, T0);

    [Theory]
    [MemberData(nameof(Stores))]
    public void Catalogue_IsKeptAndListed_CheapestFirst_RetiredOnesOnlyWhenAsked(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.ListTarife("t1", true, 0, 10).Items.Select(t => t.Id).ShouldBe(["basis", "leitung"]);
        f.Store.PutTarif("t1", new Tarif("basis", "Behördentarif Basis (alt)", 9.90m, 24, 10, false, T0)).Aktiv.ShouldBeFalse();
        f.Store.ListTarife("t1", true, 0, 10).Items.Select(t => t.Id).ShouldBe(["leitung"]);
        var alle = f.Store.ListTarife("t1", false, 0, 1);
        (alle.Items.Single().Id, alle.Total).ShouldBe(("basis", 2));
        f.Store.GetTarif("t1", "leitung")!.DatenvolumenGb.ShouldBeNull();
        f.Store.ListGeraete("t1", true, 0, 10).Items.Select(g => g.Preis).ShouldBe([289.00m, 649.99m]);
        f.Store.ListTarife("t2", false, 0, 10).Total.ShouldBe(0); // another tenant's catalogue is another catalogue
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Bestellen_CopiesTheTerms_RefusesRetiredEntries_AndOrdersOnce(string provider)
    {
        using var f = new Fixture(provider);
        var v = f.Store.Bestellen("t1", Bestellung("MF-1"));
        (v.Status, v.Grundgebuehr, v.Geraetepreis, v.Mindestlaufzeit, v.GeraetStatus, v.TarifBezeichnung).ShouldBe(
            (VertragStatus.Bestellt, 9.90m, 289.00m, 24, GeraetStatus.Bestellt, "Behördentarif Basis"));
        f.Store.Bestellen("t1", Bestellung("MF-1")).AngelegtAm.ShouldBe(T0); // the same order again: the one there
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Bestellen("t1", Bestellung("MF-1", tarif: "leitung"))).Code.ShouldBe(MobilfunkFehler.IdVergeben);

        // A catalogue change later does not change the running contract's terms.
        f.Store.PutTarif("t1", new Tarif("basis", "Behördentarif Basis", 12.00m, 12, 10, true, T0));
        f.Store.GetVertrag("t1", "MF-1")!.Grundgebuehr.ShouldBe(9.90m);

        f.Store.PutGeraet("t1", new Geraet("smartphone-s", "Standard-Smartphone", "Samsung", 289.00m, false, T0));
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Bestellen("t1", Bestellung("MF-2"))).Code.ShouldBe(MobilfunkFehler.GeraetUnbekannt);
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Bestellen("t1", Bestellung("MF-2", tarif: "gibtsnicht"))).Code.ShouldBe(MobilfunkFehler.TarifUnbekannt);
        f.Store.GetVertrag("t1", "MF-2").ShouldBeNull(); // nothing half-written
        f.Store.Bestellen("t1", Bestellung("MF-3", geraet: null)).GeraetStatus.ShouldBeNull(); // SIM only
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Uebergabe_StartsTheMinimumTerm_WithTheReceipt_AndOneDeviceIsNeverOutWithTwoPeople(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.Bestellen("t1", Bestellung("MF-1"));
        f.Store.Bestellen("t1", Bestellung("MF-2", wer: "e.example"));
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Uebergeben("t1", "MF-1", "0151 1234567", null, "m.mueller", new LocalDate(2027, 3, 15), T0))
            .Code.ShouldBe(MobilfunkFehler.SeriennummerFehlt);
        var v = f.Store.Uebergeben("t1", "MF-1", "0151 1234567", "356938035643809", "m.mueller", new LocalDate(2027, 3, 15), T0);
        (v.Status, v.Beginn, v.MindestlaufzeitEnde, v.GeraetStatus, v.QuittiertVon, v.QuittiertAm, v.Seriennummer).ShouldBe(
            (VertragStatus.Aktiv, new LocalDate(2027, 3, 15), new LocalDate(2029, 3, 15), GeraetStatus.Ausgegeben, "m.mueller", T0, "356938035643809"));
        f.Store.Uebergeben("t1", "MF-1", "0151 1234567", "356938035643809", "m.mueller", new LocalDate(2027, 3, 15), T0 + Duration.FromHours(1)).QuittiertAm.ShouldBe(T0);

        // The same device to another person while it is out: refused by the database, the other contract stays ordered.
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Uebergeben("t1", "MF-2", null, "356938035643809", "e.example", new LocalDate(2027, 3, 16), T0))
            .Code.ShouldBe(MobilfunkFehler.SeriennummerVergeben);
        f.Store.GetVertrag("t1", "MF-2")!.Status.ShouldBe(VertragStatus.Bestellt);

        // Once it is back, it can go out again.
        f.Store.Kuendigen("t1", "MF-1", new LocalDate(2029, 3, 15), T0).Status.ShouldBe(VertragStatus.Gekuendigt);
        var zurueck = f.Store.Zuruecknehmen("t1", "MF-1", T0 + Duration.FromDays(1));
        (zurueck.Status, zurueck.GeraetStatus, zurueck.ZurueckgegebenAm).ShouldBe((VertragStatus.Beendet, GeraetStatus.Zurueckgegeben, T0 + Duration.FromDays(1)));
        f.Store.Uebergeben("t1", "MF-2", null, "356938035643809", "e.example", new LocalDate(2027, 3, 16), T0).GeraetStatus.ShouldBe(GeraetStatus.Ausgegeben);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void EachStep_FitsOnlyItsState(string provider)
    {
        using var f = new Fixture(provider);
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Kuendigen("t1", "MF-9", new LocalDate(2027, 1, 1), T0)).Code.ShouldBe(MobilfunkFehler.VertragUnbekannt);
        f.Store.Bestellen("t1", Bestellung("MF-1"));
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Kuendigen("t1", "MF-1", new LocalDate(2027, 1, 1), T0)).Code.ShouldBe(MobilfunkFehler.FalscherStatus);
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Verlaengern("t1", "MF-1", 12, T0)).Code.ShouldBe(MobilfunkFehler.FalscherStatus);
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Zuruecknehmen("t1", "MF-1", T0)).Code.ShouldBe(MobilfunkFehler.FalscherStatus);
        f.Store.Stornieren("t1", "MF-1", T0).Status.ShouldBe(VertragStatus.Storniert);
        f.Store.Stornieren("t1", "MF-1", T0).GeraetStatus.ShouldBe(GeraetStatus.Storniert);
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Uebergeben("t1", "MF-1", null, "1", "m.mueller", new LocalDate(2027, 3, 1), T0)).Code.ShouldBe(MobilfunkFehler.FalscherStatus);

        f.Store.Bestellen("t1", Bestellung("MF-2", tarif: "leitung", geraet: null));
        f.Store.Uebergeben("t1", "MF-2", "0160 7654321", null, "m.mueller", new LocalDate(2027, 3, 1), T0);
        f.Store.Verlaengern("t1", "MF-2", 12, T0).MindestlaufzeitEnde.ShouldBe(new LocalDate(2030, 3, 1));
        Should.Throw<MobilfunkConstraintException>(() => f.Store.Stornieren("t1", "MF-2", T0)).Code.ShouldBe(MobilfunkFehler.FalscherStatus);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Overview_ListsContractsWithTheirCosts_PerCostCentre_Paged(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.Bestellen("t1", Bestellung("MF-1", wer: "a.amt", kst: "KST-10"));
        f.Store.Bestellen("t1", Bestellung("MF-2", wer: "b.amt", kst: "KST-10", tarif: "leitung", geraet: "smartphone-m"));
        f.Store.Bestellen("t1", Bestellung("MF-3", wer: "c.amt", kst: "KST-20", geraet: null));
        f.Store.Bestellen("t1", Bestellung("MF-4", wer: "d.amt", kst: "KST-20"));
        f.Store.Stornieren("t1", "MF-4", T0); // a cancelled order costs nothing
        f.Store.Uebergeben("t1", "MF-3", "0151 1", null, "c.amt", new LocalDate(2027, 1, 1), T0);

        var seite = f.Store.ListVertraege("t1", new VertragFilter(), 1, 2);
        seite.Total.ShouldBe(4);
        seite.Items.Select(v => v.Id).ShouldBe(["MF-2", "MF-3"]);
        seite.Items[0].KostenJahr.ShouldBe(294.00m);
        seite.Items[0].GeraetBezeichnung.ShouldBe("Smartphone mit Dienstkonto");
        f.Store.ListVertraege("t1", new VertragFilter(Kostenstelle: "KST-20", Status: VertragStatus.Aktiv), 0, 10).Items.Single().Id.ShouldBe("MF-3");
        f.Store.ListVertraege("t1", new VertragFilter(Mitarbeiter: "a.amt"), 0, 10).Items.Single().Id.ShouldBe("MF-1");
        // Minimum term ends by a date: only running contracts (MF-3 ends 2029-01-01).
        f.Store.ListVertraege("t1", new VertragFilter(MindestlaufzeitEndeBis: new LocalDate(2029, 1, 1)), 0, 10).Items.Single().Id.ShouldBe("MF-3");
        f.Store.ListVertraege("t1", new VertragFilter(MindestlaufzeitEndeBis: new LocalDate(2028, 12, 31)), 0, 10).Total.ShouldBe(0);

        var kosten = f.Store.Kosten("t1", null, 0, 10);
        kosten.Total.ShouldBe(2);
        kosten.Items.ShouldBe([new Kostenstellensumme("KST-10", 2, 34.40m, 938.99m), new Kostenstellensumme("KST-20", 1, 9.90m, 0m)]);
        kosten.Items[0].Jaehrlich.ShouldBe(412.80m);
        f.Store.Kosten("t1", "KST-20", 0, 10).Items.Single().Vertraege.ShouldBe(1);
        f.Store.Gesamt("t1").ShouldBe(new Kostenstellensumme("", 3, 44.30m, 938.99m));
        f.Store.Gesamt("t2").ShouldBe(new Kostenstellensumme("", 0, 0m, 0m));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Overview_Search_FindsPartsOfNumberStaffCostCentrePhoneTariffAndDevice_Paged(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.Bestellen("t1", Bestellung("MF-1", wer: "a.amt", kst: "KST-10"));
        f.Store.Bestellen("t1", Bestellung("MF-2", wer: "b.amt", kst: "KST-10", tarif: "leitung", geraet: "smartphone-m"));
        f.Store.Bestellen("t1", Bestellung("MF-3", wer: "c.bau", kst: "KST-20", geraet: null));
        f.Store.Uebergeben("t1", "MF-3", "0151 4711", null, "c.bau", new LocalDate(2027, 1, 1), T0);
        f.Store.Bestellen("t1", Bestellung("X_9", wer: "d.bau", kst: "KST-20"));
        f.Store.Bestellen("t1", Bestellung("MF-4", wer: "Ö.Özdemir", kst: "ÄMT-30"));

        static List<string> Ids((IReadOnlyList<Vertrag> Items, int Total) page) => page.Items.Select(v => v.Id).ToList();
        Ids(f.Store.ListVertraege("t1", new VertragFilter(Suche: "LEITUNG"), 0, 10)).ShouldBe(["MF-2"], "the tariff's name, any case");
        Ids(f.Store.ListVertraege("t1", new VertragFilter(Suche: "dienstkonto"), 0, 10)).ShouldBe(["MF-2"], "the device's name");
        Ids(f.Store.ListVertraege("t1", new VertragFilter(Suche: "4711"), 0, 10)).ShouldBe(["MF-3"], "the phone number");
        Ids(f.Store.ListVertraege("t1", new VertragFilter(Suche: ".bau"), 0, 10)).ShouldBe(["MF-3", "X_9"], "the staff member");
        Ids(f.Store.ListVertraege("t1", new VertragFilter(Suche: "_"), 0, 10)).ShouldBe(["X_9"], "_ is a character, not a wildcard");
        Ids(f.Store.ListVertraege("t1", new VertragFilter(Suche: "%"), 0, 10)).ShouldBeEmpty("% is a character, not a wildcard");
        Ids(f.Store.ListVertraege("t1", new VertragFilter(Suche: "ämt"), 0, 10)).ShouldBe(["MF-4"], "umlauts in any case, on every store");
        Ids(f.Store.ListVertraege("t1", new VertragFilter(Suche: "ö.öZDEMIR"), 0, 10)).ShouldBe(["MF-4"], "umlauts in any case, on every store");
        var page = f.Store.ListVertraege("t1", new VertragFilter(Kostenstelle: "KST-10", Suche: "mf-"), 1, 1);
        page.Total.ShouldBe(2, "the search and the filters together, counted in full");
        Ids(page).ShouldBe(["MF-2"]);
    }
}
