using EGov.Workflows.Persistence.Termine;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The appointment tables (migration 0031) on SQLite and PostgreSQL, and the in-memory store with the same rules. A
/// counter's double booking is the database's rule; a booking takes the first counter the database accepts, so at most as
/// many appointments overlap as the place has counters — also for bookings racing on their own connections.
/// </summary>
public sealed class TerminStoreTests
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
        public ITerminStore Store { get; }
        private readonly Func<ITerminStore> _another;

        public Fixture(string provider)
        {
            if (provider == "memory")
            {
                var mem = new InMemoryTerminStore();
                Store = mem;
                _another = () => mem;
            }
            else
            {
                _db = TestDatabases.Create(provider);
                _db.OpenStore(); // creates the schema, migration 0031 included
                Store = new SqlTerminStore(_db.Options);
                var options = _db.Options;
                _another = () => new SqlTerminStore(options);
            }
            Store.PutStandort("t1", new Standort("bb-mitte", "Bürgerbüro Mitte", "Rathausplatz 1", 2, 15, 60, "buergerbuero", true, T0));
            Store.PutDienstleistung("t1", new Dienstleistung("perso", "Personalausweis beantragen", 20, "99102013001000", true, T0));
        }

        public ITerminStore Another() => _another();

        public void Dispose() => _db?.Dispose();
    }

    private static Termin Termin(string id, int vonMinute, int dauer = 20, string status = TerminStatus.Gebucht, string buerger = "b-1") =>
        new(id, "bb-mitte", 0, "perso", T0 + Duration.FromMinutes(vonMinute), T0 + Duration.FromMinutes(vonMinute + dauer), status, buerger, "Erika Mustermann",
            "erika@example.org", null, null, T0, T0);

    [Theory]
    [MemberData(nameof(Stores))]
    public void Booking_TakesTheFirstFreeCounter_UntilEveryCounterIsTaken(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.Buchen("t1", Termin("a", 0), 2).Schalter.ShouldBe(1);
        f.Store.Buchen("t1", Termin("b", 10), 2).Schalter.ShouldBe(2);
        Should.Throw<TerminConstraintException>(() => f.Store.Buchen("t1", Termin("c", 15), 2)).Belegt.ShouldBeTrue();
        f.Store.Buchen("t1", Termin("d", 20), 2).Schalter.ShouldBe(1); // counter 1 is free again when "a" ends: half-open
        f.Store.Buchen("t1", Termin("e", 15, status: TerminStatus.Storniert), 2).Schalter.ShouldBe(1); // a cancelled one holds nothing
        f.Store.GetTermin("t1", "c").ShouldBeNull("nothing half-written");
        Should.Throw<TerminConstraintException>(() => f.Store.Buchen("t1", Termin("f", 100) with { DienstleistungId = "gibtsnicht" }, 2)).Belegt.ShouldBeFalse();
        Should.Throw<TerminConstraintException>(() => f.Store.Buchen("t2", Termin("g", 100), 2)).Belegt.ShouldBeFalse(); // t2 has no such place
        f.Store.Tag("t1", "bb-mitte", T0, T0 + Duration.FromDays(1), false, 0, 10).Items.Select(t => t.Id).ShouldBe(["a", "b", "d"]);
        f.Store.Tag("t1", "bb-mitte", T0, T0 + Duration.FromDays(1), true, 1, 2).Total.ShouldBe(4);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Cancelling_FreesTheCounter_Rebooking_MovesOrKeeps(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.Buchen("t1", Termin("a", 0), 2);
        f.Store.Buchen("t1", Termin("b", 0), 2);
        f.Store.SetStatus("t1", "a", TerminStatus.Storniert, "Bürger hat abgesagt", T0);
        f.Store.Buchen("t1", Termin("c", 5), 2).Schalter.ShouldBe(1);
        Should.Throw<TerminConstraintException>(() => f.Store.SetStatus("t1", "a", TerminStatus.Gebucht, null, T0)).Belegt.ShouldBeTrue();
        f.Store.GetTermin("t1", "a")!.Grund.ShouldBe("Bürger hat abgesagt");
        // b moves to a time both counters are taken: refused, b keeps its time; then to a free time.
        Should.Throw<TerminConstraintException>(() => f.Store.Umbuchen("t1", "b", T0 + Duration.FromMinutes(5), T0 + Duration.FromMinutes(25), 1, T0)).Belegt.ShouldBeTrue();
        f.Store.GetTermin("t1", "b")!.Von.ShouldBe(T0);
        var moved = f.Store.Umbuchen("t1", "b", T0 + Duration.FromMinutes(60), T0 + Duration.FromMinutes(80), 2, T0);
        (moved.Von, moved.Schalter).ShouldBe((T0 + Duration.FromMinutes(60), 1));
        f.Store.SetStatus("t1", "c", TerminStatus.Erschienen, null, T0); // its own status change is no conflict with itself
        f.Store.SetInstance("t1", "c", "inst-1");
        f.Store.GetTermin("t1", "c")!.InstanceId.ShouldBe("inst-1");
        f.Store.TermineVon("t1", "b-1", 0, 10).Items.Select(t => t.Id).ShouldBe(["b", "c", "a"]);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task RacingBookings_ForTwoCounters_ExactlyTwoWin(string provider)
    {
        using var f = new Fixture(provider);
        const int racers = 8;
        using var start = new Barrier(racers);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, racers).Select(i => Task.Run(() =>
        {
            var store = f.Another();
            start.SignalAndWait();
            try { store.Buchen("t1", Termin($"race-{i}", i), 2); return "gebucht"; }
            catch (TerminConstraintException e) when (e.Belegt) { return "belegt"; }
        })));
        outcomes.Count(o => o == "gebucht").ShouldBe(2);
        var tag = f.Store.Tag("t1", "bb-mitte", T0, T0 + Duration.FromDays(1), true, 0, 50);
        tag.Total.ShouldBe(2);
        tag.Items.Select(t => t.Schalter).Order().ShouldBe([1, 2]);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task RacingBookings_OfOneCitizen_NeverHoldMoreThanTheLimit(string provider)
    {
        using var f = new Fixture(provider);
        // One open appointment already, one that ended before the booking and one cancelled: only the first counts.
        f.Store.Buchen("t1", Termin("alt-offen", 300), 2);
        f.Store.Buchen("t1", Termin("alt-storniert", 330, status: TerminStatus.Storniert), 2);
        f.Store.Buchen("t1", Termin("vorbei", -120) with { ErstelltAm = T0 - Duration.FromHours(3) }, 2);
        const int racers = 8;
        using var start = new Barrier(racers);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, racers).Select(i => Task.Run(() =>
        {
            var store = f.Another();
            start.SignalAndWait();
            // Each at its own time, so no counter is ever the reason: only the limit can refuse.
            try { store.Buchen("t1", Termin($"race-{i}", 30 * i), 2, hoechstensOffen: 3); return "gebucht"; }
            catch (TerminConstraintException e) when (e.ZuViele) { return "zu viele"; }
        })));
        outcomes.Count(o => o == "gebucht").ShouldBe(2, string.Join(", ", outcomes));
        outcomes.Count(o => o == "zu viele").ShouldBe(racers - 2);
        f.Store.TermineVon("t1", "b-1", 0, 50).Items.Count(t => TerminStatus.Belegt(t.Status) && t.Bis > T0).ShouldBe(3);

        // Another citizen is not held by b-1's limit; a cancelled appointment frees a place under it.
        f.Store.Buchen("t1", Termin("andere", 600, buerger: "b-2"), 2, hoechstensOffen: 3).Schalter.ShouldBe(1);
        Should.Throw<TerminConstraintException>(() => f.Store.Buchen("t1", Termin("noch-eins", 700), 2, hoechstensOffen: 3)).ZuViele.ShouldBeTrue();
        f.Store.SetStatus("t1", "alt-offen", TerminStatus.Storniert, "abgesagt", T0);
        f.Store.Buchen("t1", Termin("noch-eins", 700), 2, hoechstensOffen: 3).Id.ShouldBe("noch-eins");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void LimitedBooking_StillTakesTheNextCounter_AndRefusesAFullTime(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.Buchen("t1", Termin("a", 0, buerger: "x"), 2);
        f.Store.Buchen("t1", Termin("b", 0, buerger: "y"), 2, hoechstensOffen: 3).Schalter.ShouldBe(2);
        Should.Throw<TerminConstraintException>(() => f.Store.Buchen("t1", Termin("c", 10, buerger: "z"), 2, hoechstensOffen: 3)).Belegt.ShouldBeTrue();
        f.Store.GetTermin("t1", "c").ShouldBeNull("nothing half-written");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Places_Services_AndOpeningHours_KeepTheirRules(string provider)
    {
        using var f = new Fixture(provider);
        Should.Throw<TerminConstraintException>(() => f.Store.PutStandort("t1", new Standort("x", "Bürgerbüro Mitte", null, 1, 15, 30, "bb", true, T0)));
        Should.Throw<TerminConstraintException>(() => f.Store.PutStandort("t1", new Standort("x", "Neu", null, 0, 15, 30, "bb", true, T0)));
        Should.Throw<TerminConstraintException>(() => f.Store.PutDienstleistung("t1", new Dienstleistung("y", "Kurz", 2, null, true, T0)));
        f.Store.SetOeffnungszeiten("t1", "bb-mitte", [new(1, 480, 720), new(4, 840, 1080), new(1, 780, 900)]);
        f.Store.Oeffnungszeiten("t1", "bb-mitte").ShouldBe([new(1, 480, 720), new(1, 780, 900), new(4, 840, 1080)]);
        Should.Throw<TerminConstraintException>(() => f.Store.SetOeffnungszeiten("t1", "bb-mitte", [new(2, 480, 720), new(2, 700, 800)]));
        Should.Throw<TerminConstraintException>(() => f.Store.SetOeffnungszeiten("t1", "gibtsnicht", [new(2, 480, 720)]));
        f.Store.Oeffnungszeiten("t1", "bb-mitte").Count.ShouldBe(3, "a refused change leaves the hours as they were");
        f.Store.ListStandorte("t1", 0, 10).Items.Single().Schalter.ShouldBe(2);
        f.Store.ListDienstleistungen("t1", 0, 10).Items.Single().Leika.ShouldBe("99102013001000");
    }
}
