using EGov.Workflows.Persistence.Zeit;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The Zeitmanagement tables (migration 0026) on SQLite and PostgreSQL, and the in-memory store with the same rules: a leave
/// account is never overdrawn and a training budget never exceeded — also by requests booked at the same moment, because the
/// limit is the table's check constraint on one atomic UPDATE, not a check before an insert.
/// </summary>
public sealed class ZeitStoreTests
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
        public IZeitStore Store { get; }

        public Fixture(string provider)
        {
            if (provider == "memory") { Store = new InMemoryZeitStore(); return; }
            _db = TestDatabases.Create(provider);
            _db.OpenStore(); // creates the schema, migration 0026 included
            Store = new SqlZeitStore(_db.Options);
        }

        public void Dispose() => _db?.Dispose();
    }

    private static Urlaubsbuchung Buchung(string id, decimal tage, string wer = "m.mueller", int tag = 1) =>
        new(id, wer, 2027, new LocalDate(2027, 7, tag), new LocalDate(2027, 7, tag + 4), tage, UrlaubsbuchungStatus.Gebucht, "i-" + id, T0, null);

    private static Budgetreservierung Reservierung(string id, decimal betrag, string kst = "KST-10") =>
        new(id, kst, 2027, betrag, ReservierungStatus.Reserviert, "m.mueller", "Seminar " + id, "i-" + id, T0, null);

    [Theory]
    [MemberData(nameof(Stores))]
    public void Buchen_TakesDaysFromTheAccount_AndRefusesMoreThanIsLeft(string provider)
    {
        using var f = new Fixture(provider);
        Should.Throw<ZeitConstraintException>(() => f.Store.Buchen("t1", Buchung("UA-1", 5))).Code.ShouldBe(ZeitFehler.KeinUrlaubskonto);
        f.Store.PutUrlaubskonto("t1", "m.mueller", 2027, 30, 2.5m, T0).Rest.ShouldBe(32.5m);
        f.Store.Buchen("t1", Buchung("UA-1", 10)).Status.ShouldBe(UrlaubsbuchungStatus.Gebucht);
        f.Store.Buchen("t1", Buchung("UA-2", 22.5m, tag: 10));
        f.Store.GetUrlaubskonto("t1", "m.mueller", 2027)!.Rest.ShouldBe(0m);
        Should.Throw<ZeitConstraintException>(() => f.Store.Buchen("t1", Buchung("UA-3", 0.5m, tag: 20))).Code.ShouldBe(ZeitFehler.ResturlaubUeberschritten);
        f.Store.GetUrlaubsbuchung("t1", "UA-3").ShouldBeNull(); // nothing half-written
        f.Store.GetUrlaubskonto("t1", "m.mueller", 2027)!.Gebucht.ShouldBe(32.5m);
        // Another tenant's account with the same staff id is another account.
        Should.Throw<ZeitConstraintException>(() => f.Store.Buchen("t2", Buchung("UA-1", 1))).Code.ShouldBe(ZeitFehler.KeinUrlaubskonto);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Buchen_TheSameBookingAgain_BooksOnce_ButAnotherUnderTheSameIdIsRefused(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutUrlaubskonto("t1", "m.mueller", 2027, 30, 0, T0);
        f.Store.Buchen("t1", Buchung("UA-1", 10));
        f.Store.Buchen("t1", Buchung("UA-1", 10)).Tage.ShouldBe(10m);
        f.Store.GetUrlaubskonto("t1", "m.mueller", 2027)!.Gebucht.ShouldBe(10m);
        Should.Throw<ZeitConstraintException>(() => f.Store.Buchen("t1", Buchung("UA-1", 3))).Code.ShouldBe(ZeitFehler.IdVergeben);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Stornieren_GivesTheDaysBack_Once(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutUrlaubskonto("t1", "m.mueller", 2027, 30, 0, T0);
        f.Store.Buchen("t1", Buchung("UA-1", 10));
        var storniert = f.Store.Stornieren("t1", "UA-1", T0 + Duration.FromDays(1))!;
        storniert.Status.ShouldBe(UrlaubsbuchungStatus.Storniert);
        storniert.StorniertAm.ShouldBe(T0 + Duration.FromDays(1));
        f.Store.Stornieren("t1", "UA-1", T0 + Duration.FromDays(2))!.StorniertAm.ShouldBe(T0 + Duration.FromDays(1));
        f.Store.GetUrlaubskonto("t1", "m.mueller", 2027)!.Rest.ShouldBe(30m);
        f.Store.Stornieren("t1", "UA-unbekannt", T0).ShouldBeNull();
        var (items, total) = f.Store.ListUrlaubsbuchungen("t1", "m.mueller", 2027, 0, 10);
        total.ShouldBe(1);
        items.Single().Status.ShouldBe(UrlaubsbuchungStatus.Storniert);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void PutUrlaubskonto_BelowWhatIsBooked_IsRefused_AndKeepsTheBookedDays(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutUrlaubskonto("t1", "m.mueller", 2027, 30, 0, T0);
        f.Store.Buchen("t1", Buchung("UA-1", 20));
        Should.Throw<ZeitConstraintException>(() => f.Store.PutUrlaubskonto("t1", "m.mueller", 2027, 15, 0, T0)).Code.ShouldBe(ZeitFehler.UnterGebucht);
        var k = f.Store.PutUrlaubskonto("t1", "m.mueller", 2027, 28, 0, T0);
        (k.Gebucht, k.Rest).ShouldBe((20m, 8m));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Buchen_ConcurrentRequests_NeverOverdrawTheAccount(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutUrlaubskonto("t1", "m.mueller", 2027, 10, 0, T0);
        // Eight requests of 3 days each at once on an account of 10: exactly three fit, whichever they are.
        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(() =>
        {
            try { f.Store.Buchen("t1", Buchung($"UA-{i}", 3, tag: i)); return true; }
            catch (ZeitConstraintException e) when (e.Code == ZeitFehler.ResturlaubUeberschritten) { return false; }
        })));
        results.Count(ok => ok).ShouldBe(3);
        f.Store.GetUrlaubskonto("t1", "m.mueller", 2027)!.Gebucht.ShouldBe(9m);
        f.Store.ListUrlaubsbuchungen("t1", "m.mueller", null, 0, 50).Total.ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Reservieren_NeverExceedsTheBudget_AndAufloesenFreesTheMoney(string provider)
    {
        using var f = new Fixture(provider);
        Should.Throw<ZeitConstraintException>(() => f.Store.Reservieren("t1", Reservierung("FB-0", 100))).Code.ShouldBe(ZeitFehler.KeinBudget);
        f.Store.PutBudget("t1", "KST-10", 2027, "Fortbildung Hauptamt", 1000m, T0).Verfuegbar.ShouldBe(1000m);
        var results = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => Task.Run(() =>
        {
            try { f.Store.Reservieren("t1", Reservierung($"FB-{i}", 299.99m)); return true; }
            catch (ZeitConstraintException e) when (e.Code == ZeitFehler.BudgetErschoepft) { return false; }
        })));
        results.Count(ok => ok).ShouldBe(3);
        f.Store.GetBudget("t1", "KST-10", 2027)!.Verfuegbar.ShouldBe(100.03m);
        var first = f.Store.ListReservierungen("t1", "KST-10", 2027, 0, 50).Items.First();
        f.Store.Aufloesen("t1", first.Id, T0 + Duration.FromDays(1))!.Status.ShouldBe(ReservierungStatus.Aufgeloest);
        f.Store.Aufloesen("t1", first.Id, T0 + Duration.FromDays(2))!.AufgeloestAm.ShouldBe(T0 + Duration.FromDays(1));
        f.Store.GetBudget("t1", "KST-10", 2027)!.Verfuegbar.ShouldBe(400.02m);
        Should.Throw<ZeitConstraintException>(() => f.Store.PutBudget("t1", "KST-10", 2027, "Fortbildung Hauptamt", 500m, T0)).Code.ShouldBe(ZeitFehler.UnterGebucht);
        f.Store.ListBudgets("t1", 2027, 0, 10).Total.ShouldBe(1);
        f.Store.ListBudgets("t2", null, 0, 10).Total.ShouldBe(0);
    }
}
