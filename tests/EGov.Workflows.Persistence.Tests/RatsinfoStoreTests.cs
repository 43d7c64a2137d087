using EGov.Workflows.Persistence.Ratsinfo;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The Ratsinfo tables (migration 0025) on SQLite and PostgreSQL, and the in-memory store with the same rules: the register's
/// rules are constraints of the tables (the SQL store checks nothing itself), so a faulty caller cannot publish a non-public
/// paper, submit one without a session, or plan a session whose deadline is not before it.
/// </summary>
public sealed class RatsinfoStoreTests
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
        public IRatsinfoStore Store { get; }

        public Fixture(string provider)
        {
            if (provider == "memory") { Store = new InMemoryRatsinfoStore(); return; }
            _db = TestDatabases.Create(provider);
            _db.OpenStore(); // creates the schema, migration 0025 included
            Store = new SqlRatsinfoStore(_db.Options);
        }

        public void Dispose() => _db?.Dispose();
    }

    private static Gremium Ausschuss(string id = "bpa", string name = "Bau- und Planungsausschuss") => new(id, name, "BPA", GremiumArten.Ausschuss, "gremium-bpa", "vorsitz-bpa", T0);
    private static Sitzung Sitzung(string id = "bpa-1", string gremium = "bpa", Instant? frist = null) =>
        new(id, gremium, "1. Sitzung", T0 + Duration.FromDays(10), T0 + Duration.FromDays(10) + Duration.FromHours(3), "Rathaus", frist ?? T0 + Duration.FromDays(3), false, T0);
    private static Vorlage Vorlage(string id, bool oeffentlich, string status, string? sitzung, Instant? eingereicht, Instant? veroeffentlicht) =>
        new(id, "Betreff " + id, "Beschlussvorlage", "fb-61-stadtplanung", oeffentlich, status, "bpa", sitzung, false, "Sachverhalt", "Beschluss", null, null, eingereicht, veroeffentlicht, T0);

    [Theory]
    [MemberData(nameof(Stores))]
    public void Sitzung_NeedsAKnownGremium_AndADeadlineBeforeItsStart(string provider)
    {
        using var f = new Fixture(provider);
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutSitzung("t1", Sitzung()));
        f.Store.PutGremium("t1", Ausschuss());
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutSitzung("t1", Sitzung(frist: T0 + Duration.FromDays(10))));
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutSitzung("t1", Sitzung() with { Ende = T0 }));
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutSitzung("t2", Sitzung())); // the Gremium of another tenant is no Gremium here
        f.Store.PutSitzung("t1", Sitzung());
        f.Store.GetSitzung("t1", "bpa-1")!.Einreichungsfrist.ShouldBe(T0 + Duration.FromDays(3));
        f.Store.GetSitzung("t2", "bpa-1").ShouldBeNull();
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void GremiumName_IsUniquePerTenant(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutGremium("t1", Ausschuss());
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutGremium("t1", Ausschuss(id: "zweiter")));
        f.Store.PutGremium("t2", Ausschuss(id: "zweiter")); // another tenant may name its committee the same
        f.Store.PutGremium("t1", Ausschuss() with { Kurzname = "BauA" }); // changing itself is no conflict
        f.Store.ListGremien("t1", 0, 10).Items.Single().Kurzname.ShouldBe("BauA");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void NonPublicPaper_CanNeverBePublished_AndASubmittedOneNeedsItsSession(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutGremium("t1", Ausschuss());
        f.Store.PutSitzung("t1", Sitzung());
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutVorlage("t1", Vorlage("VL-1", oeffentlich: false, VorlageStatus.Eingereicht, "bpa-1", T0, T0)));
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutVorlage("t1", Vorlage("VL-2", oeffentlich: true, VorlageStatus.Entwurf, "bpa-1", null, T0)));
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutVorlage("t1", Vorlage("VL-3", oeffentlich: true, VorlageStatus.Eingereicht, null, T0, null)));
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutVorlage("t1", Vorlage("VL-4", oeffentlich: true, "veroeffentlicht", "bpa-1", T0, null)));
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutVorlage("t1", Vorlage("VL-5", oeffentlich: true, VorlageStatus.Eingereicht, "keine-sitzung", T0, T0)));
        f.Store.ListVorlagen("t1", 0, 10).Total.ShouldBe(0, "nothing half-written");

        f.Store.PutVorlage("t1", Vorlage("VL-6", oeffentlich: true, VorlageStatus.Eingereicht, "bpa-1", T0, T0 + Duration.FromMinutes(2)));
        f.Store.PutVorlage("t1", Vorlage("VL-7", oeffentlich: false, VorlageStatus.Eingereicht, "bpa-1", T0, null));
        f.Store.PutVorlage("t1", Vorlage("VL-8", oeffentlich: true, VorlageStatus.Entwurf, "bpa-1", null, null));
        f.Store.PutVorlage("t1", Vorlage("VL-9", oeffentlich: true, VorlageStatus.Eingereicht, "bpa-1", T0, T0 + Duration.FromMinutes(1)));
        var published = f.Store.ListVeroeffentlicht("t1", null, 0, 10);
        published.Items.Select(v => v.Id).ShouldBe(["VL-9", "VL-6"]); // by publication
        published.Total.ShouldBe(2);
        f.Store.ListVeroeffentlicht("t1", "bpa-1", 1, 1).Items.Single().Id.ShouldBe("VL-6");
        f.Store.ListVeroeffentlicht("t2", null, 0, 10).Total.ShouldBe(0);

        // Withdrawing a published paper takes it out of the publication in the same write.
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutVorlage("t1", f.Store.GetVorlage("t1", "VL-6")! with { Status = VorlageStatus.Zurueckgezogen }));
        f.Store.PutVorlage("t1", f.Store.GetVorlage("t1", "VL-6")! with { Status = VorlageStatus.Zurueckgezogen, VeroeffentlichtAm = null });
        f.Store.ListVeroeffentlicht("t1", null, 0, 10).Items.Select(v => v.Id).ShouldBe(["VL-9"]);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Koerperschaft_MakesTheTenantAPublishingBody(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PublishingTenants().ShouldBeEmpty();
        Should.Throw<RatsinfoConstraintException>(() => f.Store.PutKoerperschaft("t1", new Koerperschaft("Musterstadt", null, "123", null, null, T0)));
        f.Store.PutKoerperschaft("t2", new Koerperschaft("Beispielstadt", null, null, null, null, T0));
        f.Store.PutKoerperschaft("t1", new Koerperschaft("Musterstadt", "MS", "06411000", "https://musterstadt.example/", null, T0));
        f.Store.PutKoerperschaft("t1", new Koerperschaft("Stadt Musterstadt", "MS", "06411000", "https://musterstadt.example/", null, T0));
        f.Store.PublishingTenants().ShouldBe(["t1", "t2"]);
        f.Store.GetKoerperschaft("t1")!.Name.ShouldBe("Stadt Musterstadt");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Sitzungskalender_IsPagedByStart_PerGremiumAndFromADay(string provider)
    {
        using var f = new Fixture(provider);
        f.Store.PutGremium("t1", Ausschuss());
        f.Store.PutGremium("t1", new Gremium("stvv", "Stadtverordnetenversammlung", "StVV", GremiumArten.Vertretung, "stadtverordnete", "vorsitz-stvv", T0));
        for (var i = 3; i >= 1; i--)
            f.Store.PutSitzung("t1", Sitzung($"bpa-{i}") with { Beginn = T0 + Duration.FromDays(10 * i), Ende = null });
        f.Store.PutSitzung("t1", new Sitzung("stvv-1", "stvv", "StVV", T0 + Duration.FromDays(15), null, null, T0 + Duration.FromDays(5), false, T0));
        f.Store.ListSitzungen("t1", null, null, 0, 10).Items.Select(s => s.Id).ShouldBe(["bpa-1", "stvv-1", "bpa-2", "bpa-3"]);
        f.Store.ListSitzungen("t1", "bpa", T0 + Duration.FromDays(11), 0, 1).Items.Single().Id.ShouldBe("bpa-2");
        f.Store.ListSitzungen("t1", "bpa", T0 + Duration.FromDays(11), 0, 1).Total.ShouldBe(2);
    }
}
