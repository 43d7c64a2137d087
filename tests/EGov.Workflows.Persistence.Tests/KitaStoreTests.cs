using EGov.Workflows.Persistence.Kita;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The Kita tables (migration 0033) on SQLite and PostgreSQL, and the in-memory store with the same rules: the waiting list is
/// ranked by points, then registration time; a place is offered only when nobody ranked higher waits for it; a lapsed or declined
/// offer frees the place for the next on the list; one registration holds at most one place; steps fit their state.
/// </summary>
public sealed class KitaStoreTests
{
    public static TheoryData<string> Stores()
    {
        var data = new TheoryData<string> { "memory", "sqlite" };
        if (TestDatabases.PostgresConnection is not null) data.Add("postgres");
        return data;
    }

    private static readonly Instant T0 = Instant.FromUtc(2027, 3, 1, 9, 0);
    private static readonly LocalDate Frist = new(2027, 3, 15);

    private sealed class Fixture : IDisposable
    {
        private readonly TestDatabase? _db;
        public IKitaStore Store { get; }

        public Fixture(string provider)
        {
            if (provider == "memory") Store = new InMemoryKitaStore();
            else
            {
                _db = TestDatabases.Create(provider);
                _db.OpenStore(); // creates the schema, migration 0033 included
                Store = new SqlKitaStore(_db.Options);
            }
            Store.PutEinrichtung("t1", new Einrichtung("sonnenschein", "Kita Sonnenschein", "Lindenweg 3", 1, 2, true, T0));
            Store.PutEinrichtung("t1", new Einrichtung("regenbogen", "Kita Regenbogen", null, 1, 0, true, T0));
        }

        public void Dispose() => _db?.Dispose();
    }

    // Born 2026-01-10, care from 2027-03-01: under three (U3).
    private static NeueAnmeldung Kind(string id, int punkte, params string[] wuensche) =>
        new(id, "Kind " + id, new LocalDate(2026, 1, 10), new LocalDate(2027, 3, 1), wuensche, punkte, "i-" + id);

    [Theory]
    [MemberData(nameof(Stores))]
    public void Kitas_KeepTheirPlacesPerAgeGroup_AndCountTheFreeOnes(string provider)
    {
        using var f = new Fixture(provider);
        var e = f.Store.GetEinrichtung("t1", "sonnenschein")!;
        (e.PlaetzeU3, e.PlaetzeUe3, e.FreiU3, e.FreiUe3).ShouldBe((1, 2, 1, 2));
        f.Store.ListEinrichtungen("t1", 0, 10).Items.Select(x => x.Id).ShouldBe(["regenbogen", "sonnenschein"]);
        f.Store.ListEinrichtungen("t2", 0, 10).Total.ShouldBe(0);
        f.Store.PutEinrichtung("t1", new Einrichtung("sonnenschein", "Kita Sonnenschein", null, 3, 0, true, T0)).FreiU3.ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void TheWaitingList_IsRankedByPoints_ThenByRegistrationTime(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.Anmelden("t1", Kind("a", 10, "sonnenschein"), T0);
        f.Store.Anmelden("t1", Kind("b", 30, "sonnenschein"), T0.Plus(Duration.FromMinutes(1)));
        f.Store.Anmelden("t1", Kind("c", 10, "regenbogen"), T0.Plus(Duration.FromMinutes(2)));

        var list = f.Store.Warteliste("t1", null, AnmeldungStatus.Wartend, 0, 10).Items;
        list.Select(a => (a.Id, a.Rang)).ShouldBe([("b", (int?)1), ("a", 2), ("c", 3)]);
        f.Store.Warteliste("t1", "regenbogen", null, 0, 10).Items.Select(a => a.Id).ShouldBe(["c"]);
        Should.Throw<KitaConstraintException>(() => f.Store.Anmelden("t1", Kind("d", 5, "unbekannt"), T0)).Code.ShouldBe(KitaFehler.EinrichtungUnbekannt);
        Should.Throw<KitaConstraintException>(() => f.Store.Anmelden("t1", Kind("d", 5, "a", "b", "c", "d"), T0)).Code.ShouldBe(KitaFehler.Eingabe);
        f.Store.GetAnmeldung("t1", "d").ShouldBeNull(); // nothing half-written
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void APlace_GoesToTheHigherRanked_AndALowerRankedOneWaits(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.Anmelden("t1", Kind("niedrig", 5, "sonnenschein"), T0);
        f.Store.Anmelden("t1", Kind("hoch", 40, "sonnenschein"), T0.Plus(Duration.FromHours(1)));

        f.Store.Zuteilen("t1", "niedrig", Frist, T0).Status.ShouldBe(AnmeldungStatus.Wartend); // the one free U3 place is for "hoch"
        var hoch = f.Store.Zuteilen("t1", "hoch", Frist, T0);
        (hoch.Status, hoch.EinrichtungId, hoch.AngebotFrist).ShouldBe((AnmeldungStatus.Angeboten, "sonnenschein", (LocalDate?)Frist));
        f.Store.GetEinrichtung("t1", "sonnenschein")!.FreiU3.ShouldBe(0);
        f.Store.Zuteilen("t1", "hoch", Frist, T0).EinrichtungId.ShouldBe("sonnenschein"); // asked again: the same offer, no second place
        f.Store.Zuteilen("t1", "niedrig", Frist, T0).Status.ShouldBe(AnmeldungStatus.Wartend);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void ALapsedOffer_FreesThePlace_ForTheNextOnTheList(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.Anmelden("t1", Kind("erste", 40, "sonnenschein"), T0);
        f.Store.Anmelden("t1", Kind("zweite", 20, "sonnenschein"), T0);
        f.Store.Zuteilen("t1", "erste", Frist, T0);

        f.Store.Freigeben("t1", "erste", AnmeldungStatus.Verfallen, T0).Status.ShouldBe(AnmeldungStatus.Verfallen);
        f.Store.Zuteilen("t1", "zweite", Frist, T0).Status.ShouldBe(AnmeldungStatus.Angeboten);
        f.Store.Annehmen("t1", "zweite", T0).Status.ShouldBe(AnmeldungStatus.Angenommen);
        Should.Throw<KitaConstraintException>(() => f.Store.Annehmen("t1", "erste", T0)).Code.ShouldBe(KitaFehler.Status);
        Should.Throw<KitaConstraintException>(() => f.Store.PutEinrichtung("t1", new Einrichtung("sonnenschein", "Kita Sonnenschein", null, 0, 2, true, T0)))
            .Code.ShouldBe(KitaFehler.PlaetzeBelegt);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void ADeclinedOffer_CanStayOnTheList_AndTheSecondWishIsTried(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.Anmelden("t1", Kind("a", 40, "sonnenschein", "regenbogen"), T0);
        f.Store.Anmelden("t1", Kind("b", 30, "sonnenschein"), T0);
        f.Store.Zuteilen("t1", "a", Frist, T0).EinrichtungId.ShouldBe("sonnenschein");
        f.Store.Zuteilen("t1", "b", Frist, T0).Status.ShouldBe(AnmeldungStatus.Wartend); // no U3 place left at Sonnenschein

        f.Store.Freigeben("t1", "a", AnmeldungStatus.Wartend, T0).Rang.ShouldBe(1);
        f.Store.Zuteilen("t1", "b", Frist, T0).Status.ShouldBe(AnmeldungStatus.Wartend); // "a" ranks higher and waits for it
        f.Store.Freigeben("t1", "a", AnmeldungStatus.Zurueckgezogen, T0);
        f.Store.Zuteilen("t1", "b", Frist, T0).EinrichtungId.ShouldBe("sonnenschein");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void AChildFromThree_NeedsAPlaceOfItsAgeGroup(string provider)
    {
        using var f = new Fixture(provider);
        var gross = new NeueAnmeldung("gross", "Kind gross", new LocalDate(2023, 5, 1), new LocalDate(2027, 3, 1), ["regenbogen", "sonnenschein"], 10, null);
        f.Store.Anmelden("t1", gross, T0).Altersgruppe.ShouldBe(Altersgruppe.Ue3);
        f.Store.Zuteilen("t1", "gross", Frist, T0).EinrichtungId.ShouldBe("sonnenschein"); // Regenbogen has no place from three
        f.Store.GetEinrichtung("t1", "sonnenschein")!.FreiUe3.ShouldBe(1);
        f.Store.GetEinrichtung("t1", "regenbogen")!.FreiU3.ShouldBe(1);
    }
}
