using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using static EGov.Workflows.Persistence.Data.RegisterCells;
using EGov.Workflows.Persistence.Data.Sqlite;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;

namespace EGov.Workflows.Persistence.Ratsinfo;

/// <summary>
/// The Ratsinfo tables on SQLite or PostgreSQL (migration 0025). The register's rules are the tables' constraints (foreign
/// keys, checks, a unique name per Gremium); a write they refuse becomes a <see cref="RatsinfoConstraintException"/>.
/// On SQLite foreign keys are switched on for each connection.
/// </summary>
public sealed class SqlRatsinfoStore(DurableStoreOptions options) : IRatsinfoStore
{
    private readonly RegisterTables _db = new(options, e => Violation(e) is { } why ? new RatsinfoConstraintException(why, e, vergeben: why == Taken) : null);

    private const string Taken = "the name is taken";

    private const string GremiumColumns = "id, name, kurzname, art, lesegruppe, vorsitz_gruppe, geaendert_am";
    private const string SitzungColumns = "id, gremium_id, name, beginn, ende, ort, einreichungsfrist, abgesagt, geaendert_am";
    private const string VorlageColumns = "id, betreff, art, federfuehrend, oeffentlich, status, gremium_id, sitzung_id, nachtrag, sachverhalt, beschlussvorschlag, niederschrift, instance_id, eingereicht_am, veroeffentlicht_am, geaendert_am";

    /// <summary>The reason a constraint refused a write, or null when the error is something else.</summary>
    private static string? Violation(DbException e) => e switch
    {
        SqliteException { SqliteErrorCode: 19 } s => s.Message.Contains("FOREIGN KEY", StringComparison.Ordinal) ? "an unknown Gremium or Sitzung is named"
            : s.Message.Contains("UNIQUE", StringComparison.Ordinal) ? Taken : "a rule of the register is broken: " + s.Message,
        PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } => "an unknown Gremium or Sitzung is named",
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => Taken,
        PostgresException { SqlState: PostgresErrorCodes.CheckViolation } p => "a rule of the register is broken: " + p.ConstraintName,
        _ => null,
    };


    public Koerperschaft? GetKoerperschaft(string tenantId) =>
        _db.Query("SELECT name, kurzname, ags, website, kontakt_email, geaendert_am FROM ratsinfo_koerperschaft WHERE tenant_id = @p0",
            r => new Koerperschaft(r.GetString(0), S(r, 1), S(r, 2), S(r, 3), S(r, 4), Ticks.At(L(r, 5))), tenantId).FirstOrDefault();

    public void PutKoerperschaft(string tenantId, Koerperschaft koerperschaft)
    {
        ArgumentNullException.ThrowIfNull(koerperschaft);
        _db.Execute("""
            INSERT INTO ratsinfo_koerperschaft (tenant_id, name, kurzname, ags, website, kontakt_email, geaendert_am) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)
            ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name, kurzname = excluded.kurzname, ags = excluded.ags, website = excluded.website,
                kontakt_email = excluded.kontakt_email, geaendert_am = excluded.geaendert_am
            """, tenantId, koerperschaft.Name, koerperschaft.Kurzname, koerperschaft.Ags, koerperschaft.Website,
            koerperschaft.KontaktEmail, Ticks.Of(koerperschaft.GeaendertAm));
    }

    public IReadOnlyList<string> PublishingTenants() =>
        _db.Query("SELECT tenant_id FROM ratsinfo_koerperschaft ORDER BY tenant_id", r => r.GetString(0));

    private static Gremium ReadGremium(DbDataReader r) => new(r.GetString(0), r.GetString(1), S(r, 2), r.GetString(3), r.GetString(4), r.GetString(5), Ticks.At(L(r, 6)));

    public Gremium? GetGremium(string tenantId, string id) =>
        _db.Query($"SELECT {GremiumColumns} FROM ratsinfo_gremium WHERE tenant_id = @p0 AND id = @p1", ReadGremium, tenantId, id).FirstOrDefault();

    public void PutGremium(string tenantId, Gremium gremium)
    {
        ArgumentNullException.ThrowIfNull(gremium);
        _db.Execute($"""
            INSERT INTO ratsinfo_gremium (tenant_id, {GremiumColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)
            ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, kurzname = excluded.kurzname, art = excluded.art,
                lesegruppe = excluded.lesegruppe, vorsitz_gruppe = excluded.vorsitz_gruppe, geaendert_am = excluded.geaendert_am
            """, tenantId, gremium.Id, gremium.Name, gremium.Kurzname, gremium.Art, gremium.Lesegruppe,
            gremium.VorsitzGruppe, Ticks.Of(gremium.GeaendertAm));
    }

    public (IReadOnlyList<Gremium> Items, int Total) ListGremien(string tenantId, int offset, int limit) =>
        (_db.Query($"SELECT {GremiumColumns} FROM ratsinfo_gremium WHERE tenant_id = @p0 ORDER BY id LIMIT @p1 OFFSET @p2", ReadGremium,
            tenantId, (long)limit, (long)offset),
         _db.Count("SELECT COUNT(*) FROM ratsinfo_gremium WHERE tenant_id = @p0", tenantId));

    private static Sitzung ReadSitzung(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Ticks.At(L(r, 3)), T(r, 4), S(r, 5), Ticks.At(L(r, 6)), L(r, 7) != 0, Ticks.At(L(r, 8)));

    public Sitzung? GetSitzung(string tenantId, string id) =>
        _db.Query($"SELECT {SitzungColumns} FROM ratsinfo_sitzung WHERE tenant_id = @p0 AND id = @p1", ReadSitzung, tenantId, id).FirstOrDefault();

    public void PutSitzung(string tenantId, Sitzung sitzung)
    {
        ArgumentNullException.ThrowIfNull(sitzung);
        _db.Execute($"""
            INSERT INTO ratsinfo_sitzung (tenant_id, {SitzungColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9)
            ON CONFLICT (tenant_id, id) DO UPDATE SET gremium_id = excluded.gremium_id, name = excluded.name, beginn = excluded.beginn, ende = excluded.ende,
                ort = excluded.ort, einreichungsfrist = excluded.einreichungsfrist, abgesagt = excluded.abgesagt, geaendert_am = excluded.geaendert_am
            """, tenantId, sitzung.Id, sitzung.GremiumId, sitzung.Name, Ticks.Of(sitzung.Beginn), Ticks.Of(sitzung.Ende),
            sitzung.Ort, Ticks.Of(sitzung.Einreichungsfrist), Flag(sitzung.Abgesagt), Ticks.Of(sitzung.GeaendertAm));
    }

    public (IReadOnlyList<Sitzung> Items, int Total) ListSitzungen(string tenantId, string? gremiumId, Instant? ab, int offset, int limit)
    {
        const string Where = "tenant_id = @p0 AND (CAST(@p1 AS TEXT) IS NULL OR gremium_id = @p1) AND (CAST(@p2 AS BIGINT) IS NULL OR beginn >= @p2)";
        return (_db.Query($"SELECT {SitzungColumns} FROM ratsinfo_sitzung WHERE {Where} ORDER BY beginn, id LIMIT @p3 OFFSET @p4", ReadSitzung,
                tenantId, gremiumId, Ticks.Of(ab), (long)limit, (long)offset),
            _db.Count($"SELECT COUNT(*) FROM ratsinfo_sitzung WHERE {Where}", tenantId, gremiumId, Ticks.Of(ab)));
    }

    private static Vorlage ReadVorlage(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), L(r, 4) != 0, r.GetString(5),
        S(r, 6), S(r, 7), L(r, 8) != 0, S(r, 9), S(r, 10), S(r, 11), S(r, 12), T(r, 13), T(r, 14), Ticks.At(L(r, 15)));

    public Vorlage? GetVorlage(string tenantId, string id) =>
        _db.Query($"SELECT {VorlageColumns} FROM ratsinfo_vorlage WHERE tenant_id = @p0 AND id = @p1", ReadVorlage, tenantId, id).FirstOrDefault();

    public void PutVorlage(string tenantId, Vorlage vorlage)
    {
        ArgumentNullException.ThrowIfNull(vorlage);
        _db.Execute($"""
            INSERT INTO ratsinfo_vorlage (tenant_id, {VorlageColumns})
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16)
            ON CONFLICT (tenant_id, id) DO UPDATE SET betreff = excluded.betreff, art = excluded.art, federfuehrend = excluded.federfuehrend,
                oeffentlich = excluded.oeffentlich, status = excluded.status, gremium_id = excluded.gremium_id, sitzung_id = excluded.sitzung_id,
                nachtrag = excluded.nachtrag, sachverhalt = excluded.sachverhalt, beschlussvorschlag = excluded.beschlussvorschlag,
                niederschrift = excluded.niederschrift, instance_id = excluded.instance_id, eingereicht_am = excluded.eingereicht_am,
                veroeffentlicht_am = excluded.veroeffentlicht_am, geaendert_am = excluded.geaendert_am
            """, tenantId, vorlage.Id, vorlage.Betreff, vorlage.Art, vorlage.Federfuehrend, Flag(vorlage.Oeffentlich),
            vorlage.Status, vorlage.GremiumId, vorlage.SitzungId, Flag(vorlage.Nachtrag), vorlage.Sachverhalt,
            vorlage.Beschlussvorschlag, vorlage.Niederschrift, vorlage.InstanceId, Ticks.Of(vorlage.EingereichtAm),
            Ticks.Of(vorlage.VeroeffentlichtAm), Ticks.Of(vorlage.GeaendertAm));
    }

    public (IReadOnlyList<Vorlage> Items, int Total) ListVorlagen(string tenantId, int offset, int limit) =>
        (_db.Query($"SELECT {VorlageColumns} FROM ratsinfo_vorlage WHERE tenant_id = @p0 ORDER BY id LIMIT @p1 OFFSET @p2", ReadVorlage,
            tenantId, (long)limit, (long)offset),
         _db.Count("SELECT COUNT(*) FROM ratsinfo_vorlage WHERE tenant_id = @p0", tenantId));

    public (IReadOnlyList<Vorlage> Items, int Total) ListVeroeffentlicht(string tenantId, string? sitzungId, int offset, int limit)
    {
        // Published means all three, checked here again although the table's constraint already allows no other publication.
        const string Where = "tenant_id = @p0 AND veroeffentlicht_am IS NOT NULL AND oeffentlich = 1 AND status = 'eingereicht' AND (CAST(@p1 AS TEXT) IS NULL OR sitzung_id = @p1)";
        return (_db.Query($"SELECT {VorlageColumns} FROM ratsinfo_vorlage WHERE {Where} ORDER BY veroeffentlicht_am, id LIMIT @p2 OFFSET @p3", ReadVorlage,
                tenantId, sitzungId, (long)limit, (long)offset),
            _db.Count($"SELECT COUNT(*) FROM ratsinfo_vorlage WHERE {Where}", tenantId, sitzungId));
    }
}
