using EGov.Workflows.Persistence.Stadtplanung;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The eAkte Stadtplanung tables (migration 0035) on SQLite and PostgreSQL, and the in-memory store with the same rules: the search
/// matches the metadata as a part of the text, never finds (or counts) a confidential procedure for someone outside its read groups,
/// documents are numbered per procedure and a case-file document is filed once, an Aktenzeichen belongs to one procedure.
/// </summary>
public sealed class StadtplanungStoreTests
{
    public static TheoryData<string> Stores()
    {
        var data = new TheoryData<string> { "memory", "sqlite" };
        if (TestDatabases.PostgresConnection is not null) data.Add("postgres");
        return data;
    }

    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 9, 0);

    private sealed class Fixture : IDisposable
    {
        private readonly TestDatabase? _db;
        public IStadtplanungStore Store { get; }

        public Fixture(string provider)
        {
            if (provider == "memory") Store = new InMemoryStadtplanungStore();
            else
            {
                _db = TestDatabases.Create(provider);
                _db.OpenStore(); // creates the schema, migration 0035 included
                Store = new SqlStadtplanungStore(_db.Options);
            }
        }

        public void Dispose() => _db?.Dispose();
    }

    private static Verfahren Plan(string nr, string titel, string gemarkung, bool vertraulich = false, string[]? lesegruppen = null, int minute = 0) =>
        new(nr, "i-" + nr, nr, titel, "Bebauungsplan", gemarkung, "Flur 3", "regel", "61.20.01", "Bauleitplanung", "61.20.01-" + nr,
            "stadtplanung-bauleitplanung", vertraulich, lesegruppen ?? [], VerfahrenStatus.Eingeleitet, null, T0, T0.Plus(Duration.FromMinutes(minute)));

    private static VerfahrenSuche Suche(string? text = null, params string[] gruppen) => new(text, null, null, gruppen);

    [Theory]
    [MemberData(nameof(Stores))]
    public void Search_MatchesPlanNummerTitelGemarkungAktenzeichen_CaseInsensitive_NewestFirst(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutVerfahren("t1", Plan("BP-112", "Am Stadtpark", "Musterstadt", minute: 1));
        f.Store.PutVerfahren("t1", Plan("BP-113", "Gewerbegebiet Nordring", "Oberdorf", minute: 2));
        f.Store.PutVerfahren("t2", Plan("BP-114", "Am Stadtpark (anderer Mandant)", "Musterstadt"));

        f.Store.Suche("t1", Suche(), 0, 10).Items.Select(v => v.Id).ShouldBe(["BP-113", "BP-112"]);
        f.Store.Suche("t1", Suche("stadtpark"), 0, 10).Items.Single().Id.ShouldBe("BP-112");
        f.Store.Suche("t1", Suche("OBERDORF"), 0, 10).Items.Single().Id.ShouldBe("BP-113");
        f.Store.Suche("t1", Suche("61.20.01-bp-112"), 0, 10).Items.Single().Id.ShouldBe("BP-112");
        f.Store.Suche("t1", Suche("bp-11"), 0, 1).ShouldSatisfyAllConditions(r => r.Items.Count.ShouldBe(1), r => r.Total.ShouldBe(2));
        f.Store.Suche("t1", new VerfahrenSuche(null, "Oberdorf", null, []), 0, 10).Items.Single().Id.ShouldBe("BP-113");
        f.Store.Suche("t1", new VerfahrenSuche(null, null, VerfahrenStatus.InKraft, []), 0, 10).Total.ShouldBe(0);
        // Wildcards in the text are taken literally.
        f.Store.Suche("t1", Suche("%"), 0, 10).Total.ShouldBe(0);
        f.Store.Suche("t1", Suche("bp_112"), 0, 10).Total.ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Search_AConfidentialProcedure_IsFoundAndCountedOnlyByItsReadGroups(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutVerfahren("t1", Plan("BP-120", "Neue Mitte", "Musterstadt", vertraulich: true, lesegruppen: ["dezernat-iv"]));
        f.Store.PutVerfahren("t1", Plan("BP-121", "Am Bahnhof", "Musterstadt"));

        f.Store.Suche("t1", Suche(null, "bauaufsicht"), 0, 10).ShouldSatisfyAllConditions(
            r => r.Items.Select(v => v.Id).ShouldBe(["BP-121"]), r => r.Total.ShouldBe(1));
        f.Store.Suche("t1", Suche("neue mitte"), 0, 10).Total.ShouldBe(0);
        f.Store.Suche("t1", Suche(null, "dezernat-iv"), 0, 10).Total.ShouldBe(2);
        f.Store.Suche("t1", Suche("neue", "stadtplanung-bauleitplanung"), 0, 10).Items.Single().Id.ShouldBe("BP-120");
        var v = f.Store.GetVerfahren("t1", "BP-120")!;
        (v.Vertraulich, v.Lesegruppen.Single(), v.Leser.Count).ShouldBe((true, "dezernat-iv", 2));

        // Read groups change with the procedure: the old group no longer finds it.
        f.Store.PutVerfahren("t1", v with { Lesegruppen = ["amtsleitung-61"], GeaendertAm = T0.Plus(Duration.FromHours(1)) });
        f.Store.Suche("t1", Suche(null, "dezernat-iv"), 0, 10).Total.ShouldBe(1);
        f.Store.Suche("t1", Suche(null, "amtsleitung-61"), 0, 10).Total.ShouldBe(2);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Documents_AreNumberedPerProcedure_ACaseFileIsFiledOnce_WithTheAktenplan(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutVerfahren("t1", Plan("BP-112", "Am Stadtpark", "Musterstadt"));
        f.Store.PutVerfahren("t1", Plan("BP-113", "Nordring", "Musterstadt"));
        var hash = new string('a', 64);
        f.Store.AddDokument("t1", new Dokument("BP-112", 0, "Aufstellungsbeschluss", "aufstellungsbeschluss", "61.20.01", "61.20.01-BP-112", "Ziele", null, null, null, T0))!.Nr.ShouldBe(1);
        f.Store.AddDokument("t1", new Dokument("BP-112", 0, "plan.pdf", "aufstellungsbeschluss", "61.20.01", "61.20.01-BP-112", null, hash, "plan.pdf", "application/pdf", T0))!.Nr.ShouldBe(2);
        f.Store.AddDokument("t1", new Dokument("BP-112", 0, "plan.pdf", "auslegung", "61.20.01", "61.20.01-BP-112", null, hash, "plan.pdf", "application/pdf", T0)).ShouldBeNull();
        f.Store.AddDokument("t1", new Dokument("BP-113", 0, "plan.pdf", "auslegung", "61.20.01", "61.20.01-BP-113", null, hash, "plan.pdf", "application/pdf", T0))!.Nr.ShouldBe(1);
        var docs = f.Store.Dokumente("t1", "BP-112");
        docs.Select(d => (d.Nr, d.Schritt, d.AktenplanKennzeichen, d.DateiHash)).ShouldBe([(1, "aufstellungsbeschluss", "61.20.01", (string?)null), (2, "aufstellungsbeschluss", "61.20.01", hash)]);
        Should.Throw<StadtplanungConstraintException>(() => f.Store.AddDokument("t1", new Dokument("BP-999", 0, "x", "dokument", "61.20.01", "x", null, null, null, null, T0)));
        f.Store.Dokumente("t2", "BP-112").ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void AnAktenzeichen_BelongsToOneProcedure(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutVerfahren("t1", Plan("BP-112", "Am Stadtpark", "Musterstadt"));
        Should.Throw<StadtplanungConstraintException>(() => f.Store.PutVerfahren("t1", Plan("BP-200", "Andere", "Musterstadt") with { Aktenzeichen = "61.20.01-BP-112" }));
        f.Store.GetVerfahren("t1", "BP-200").ShouldBeNull();
        f.Store.PutVerfahren("t2", Plan("BP-112", "Am Stadtpark", "Musterstadt")).Aktenzeichen.ShouldBe("61.20.01-BP-112"); // another tenant's file plan
    }
}
