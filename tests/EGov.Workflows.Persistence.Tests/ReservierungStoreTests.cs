using EGov.Workflows.Persistence.Adressbuch;
using EGov.Workflows.Persistence.Reservierungen;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The reservation and directory tables (migration 0030) on SQLite and PostgreSQL, and the in-memory stores with the same
/// rules. Double bookings are the database's rule (SQLite: a trigger that aborts; PostgreSQL: an exclusion constraint over
/// tstzrange): bookings racing on their own connections for the same time end with exactly one booked.
/// </summary>
public sealed class ReservierungStoreTests
{
    public static TheoryData<string> Stores()
    {
        var data = new TheoryData<string> { "memory", "sqlite" };
        if (TestDatabases.PostgresConnection is not null) data.Add("postgres");
        return data;
    }

    private static readonly Instant T0 = Instant.FromUtc(2027, 3, 1, 8, 0);

    private sealed class Fixture : IDisposable
    {
        private readonly TestDatabase? _db;
        public IReservierungStore Store { get; }
        public IAdressbuchStore Adressbuch { get; }
        private readonly Func<IReservierungStore> _another;

        public Fixture(string provider)
        {
            if (provider == "memory")
            {
                var mem = new InMemoryReservierungStore();
                Store = mem;
                _another = () => mem;
                Adressbuch = new InMemoryAdressbuchStore();
                return;
            }
            _db = TestDatabases.Create(provider);
            _db.OpenStore(); // creates the schema, migration 0030 included
            Store = new SqlReservierungStore(_db.Options);
            Adressbuch = new SqlAdressbuchStore(_db.Options);
            var options = _db.Options;
            _another = () => new SqlReservierungStore(options);
        }

        /// <summary>A store of its own (its own connections), as another node would have.</summary>
        public IReservierungStore Another() => _another();

        public void Dispose() => _db?.Dispose();
    }

    private static Ressource Raum(string id = "r-101", bool genehmigung = false) =>
        new(id, RessourcenArten.Raum, "Sitzungsraum " + id, "Rathaus", 12, null, genehmigung, genehmigung ? "hausverwaltung" : null, "hausverwaltung", true, T0);

    private static Buchung Buchung(string id, int vonStunde, int bisStunde, string ressource = "r-101", string status = BuchungStatus.Bestaetigt) =>
        new(id, ressource, T0 + Duration.FromHours(vonStunde), T0 + Duration.FromHours(bisStunde), status, "m.muster", "m.muster", "Besprechung", 5, null, T0, T0);

    [Theory]
    [MemberData(nameof(Stores))]
    public void OverlappingBooking_IsRefused_BackToBackIsNot(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutRessource("t1", Raum());
        f.Store.PutRessource("t1", Raum("r-102"));
        f.Store.AddBuchung("t1", Buchung("b1", 1, 3));
        Should.Throw<ReservierungConstraintException>(() => f.Store.AddBuchung("t1", Buchung("b2", 2, 4))).Belegt.ShouldBeTrue();
        Should.Throw<ReservierungConstraintException>(() => f.Store.AddBuchung("t1", Buchung("b3", 0, 5))).Belegt.ShouldBeTrue();
        Should.Throw<ReservierungConstraintException>(() => f.Store.AddBuchung("t1", Buchung("b4", 1, 3, status: BuchungStatus.Angefragt))).Belegt.ShouldBeTrue();
        f.Store.AddBuchung("t1", Buchung("b5", 3, 4)); // starts when b1 ends: half-open ranges
        f.Store.AddBuchung("t1", Buchung("b6", 1, 3, ressource: "r-102")); // another room
        f.Store.AddBuchung("t1", Buchung("b7", 1, 3, status: BuchungStatus.Storniert)); // a cancelled booking holds nothing
        Should.Throw<ReservierungConstraintException>(() => f.Store.AddBuchung("t2", Buchung("b8", 1, 3))).Belegt.ShouldBeFalse(); // t2 has no such room
        f.Store.Kalender("t1", "r-101", T0, T0 + Duration.FromDays(1), false, 0, 10).Items.Select(b => b.Id).ShouldBe(["b1", "b5"]);
        f.Store.Kalender("t1", "r-101", T0, T0 + Duration.FromDays(1), true, 0, 10).Total.ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void CancelledBooking_FreesItsTime_AndCannotComeBackOverAnother(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutRessource("t1", Raum());
        f.Store.AddBuchung("t1", Buchung("b1", 1, 3));
        f.Store.SetStatus("t1", "b1", BuchungStatus.Storniert, T0);
        f.Store.AddBuchung("t1", Buchung("b2", 2, 4));
        Should.Throw<ReservierungConstraintException>(() => f.Store.SetStatus("t1", "b1", BuchungStatus.Bestaetigt, T0)).Belegt.ShouldBeTrue();
        f.Store.GetBuchung("t1", "b1")!.Status.ShouldBe(BuchungStatus.Storniert);
        f.Store.SetStatus("t1", "b2", BuchungStatus.Ausgegeben, T0); // changing its own status is no conflict with itself
        f.Store.BuchungenVon("t1", "m.muster", 0, 10).Items.Select(b => b.Id).ShouldBe(["b2", "b1"]);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task RacingBookings_OfTheSameTime_ExactlyOneWins(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutRessource("t1", Raum());
        const int racers = 8;
        using var start = new Barrier(racers);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, racers).Select(i => Task.Run(() =>
        {
            var store = f.Another();
            start.SignalAndWait();
            try
            {
                // every racer wants a slightly different, but overlapping, time
                store.AddBuchung("t1", Buchung($"race-{i}", 1, 3) with { Von = T0 + Duration.FromHours(1) + Duration.FromMinutes(i) });
                return "booked";
            }
            catch (ReservierungConstraintException e) when (e.Belegt) { return "belegt"; }
        })));
        outcomes.Count(o => o == "booked").ShouldBe(1);
        outcomes.Count(o => o == "belegt").ShouldBe(racers - 1);
        f.Store.Kalender("t1", "r-101", T0, T0 + Duration.FromDays(1), true, 0, 50).Total.ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task RacingReactivations_ExactlyOneWins(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutRessource("t1", Raum());
        for (var i = 0; i < 6; i++) f.Store.AddBuchung("t1", Buchung($"s-{i}", 1, 3, status: BuchungStatus.Storniert));
        using var start = new Barrier(6);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
        {
            var store = f.Another();
            start.SignalAndWait();
            try { store.SetStatus("t1", $"s-{i}", BuchungStatus.Bestaetigt, T0); return true; }
            catch (ReservierungConstraintException e) when (e.Belegt) { return false; }
        })));
        outcomes.Count(o => o).ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Ressource_NeedsItsApprover_WhenApprovalIsRequired_AndANameOnce(string provider)
    {
        using var f = new Fixture(provider);
        Should.Throw<ReservierungConstraintException>(() => f.Store.PutRessource("t1", Raum() with { Genehmigungspflicht = true, GenehmigerGruppe = null }));
        f.Store.PutRessource("t1", Raum(genehmigung: true));
        Should.Throw<ReservierungConstraintException>(() => f.Store.PutRessource("t1", Raum("r-999") with { Name = Raum().Name }));
        f.Store.PutRessource("t1", new Ressource("kfz-1", RessourcenArten.Fahrzeug, "VW ID.3", "Bauhof", null, "DA-MS 101E", false, null, "fahrbereitschaft", true, T0));
        f.Store.ListRessourcen("t1", RessourcenArten.Fahrzeug, 0, 10).Items.Single().Kennzeichen.ShouldBe("DA-MS 101E");
        f.Store.ListRessourcen("t1", null, 0, 1).Total.ShouldBe(2);
        f.Store.GetRessource("t1", "r-101")!.Genehmigungspflicht.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Adressbuch_KeepsUnitsPeopleAndDeputies_WithItsRules(string provider)
    {
        using var f = new Fixture(provider);
        var a = f.Adressbuch;
        Should.Throw<AdressbuchConstraintException>(() => a.PutOrgEinheit("t1", new OrgEinheit("sg-32-1", "Sachgebiet", null, "amt-32", "sg-32-1", null, T0)))
            .Rule.ShouldBe(AdressbuchRule.UnknownReference, "callers answer by the rule, not by the wording");
        a.PutOrgEinheit("t1", new OrgEinheit("amt-32", "Ordnungsamt", "32", null, "ordnungsamt", "o.leiter", T0));
        a.PutOrgEinheit("t1", new OrgEinheit("sg-32-1", "Gewerbe", null, "amt-32", "sg-gewerbe", null, T0));
        Should.Throw<AdressbuchConstraintException>(() => a.PutOrgEinheit("t1", new OrgEinheit("sg-32-2", "Verkehr", null, "amt-32", "sg-gewerbe", null, T0)))
            .Rule.ShouldBe(AdressbuchRule.Taken);
        Should.Throw<AdressbuchConstraintException>(() => a.PutPerson("t1", Person("x", "nirgends"))).Rule.ShouldBe(AdressbuchRule.UnknownReference);
        a.PutPerson("t1", Person("m.muster", "sg-32-1") with { Telefon = "06151 13-2345", Raum = "A 2.17" });
        a.PutPerson("t1", Person("e.beispiel", "sg-32-1"));
        a.PutPerson("t1", Person("o.leiter", "amt-32"));
        Should.Throw<AdressbuchConstraintException>(() => a.SetVertreter("t1", "m.muster", ["m.muster"]));
        Should.Throw<AdressbuchConstraintException>(() => a.SetVertreter("t1", "m.muster", ["unbekannt"])).Rule.ShouldBe(AdressbuchRule.UnknownReference);
        Should.Throw<AdressbuchConstraintException>(() => a.SetVertreter("t1", "m.muster", ["e.beispiel", "e.beispiel"])).Rule.ShouldBe(AdressbuchRule.Taken);
        a.SetVertreter("t1", "m.muster", ["e.beispiel", "o.leiter"]);
        a.Vertreter("t1", "m.muster").ShouldBe(["e.beispiel", "o.leiter"]);
        a.SetVertreter("t1", "m.muster", ["o.leiter"]);
        a.Vertreter("t1", "m.muster").ShouldBe(["o.leiter"]);
        a.ListPersonen("t1", "2.17", null, 0, 10).Items.Single().Id.ShouldBe("m.muster");
        a.ListPersonen("t1", null, "sg-32-1", 0, 1).Total.ShouldBe(2);
        a.ListPersonen("t1", "%", null, 0, 10).Total.ShouldBe(0); // a wildcard is a character, not a pattern
        a.ListPersonen("t2", null, null, 0, 10).Total.ShouldBe(0);
        a.OrgEinheiten("t1").Select(e => e.Gruppe).ShouldBe(["ordnungsamt", "sg-gewerbe"]);
    }

    private static Person Person(string id, string einheit) => new(id, "Nachname " + id, "Vorname", einheit, null, null, id + "@musterstadt.example", null, true, T0);
}
