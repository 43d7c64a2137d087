using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
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
    private const string GremiumColumns = "id, name, kurzname, art, lesegruppe, vorsitz_gruppe, geaendert_am";
    private const string SitzungColumns = "id, gremium_id, name, beginn, ende, ort, einreichungsfrist, abgesagt, geaendert_am";
    private const string VorlageColumns = "id, betreff, art, federfuehrend, oeffentlich, status, gremium_id, sitzung_id, nachtrag, sachverhalt, beschlussvorschlag, niederschrift, instance_id, eingereicht_am, veroeffentlicht_am, geaendert_am";

    private DbConnection Open()
    {
        var c = SqlitePragmas.Open(options);
        if (options.Provider == StoreProvider.Sqlite)
        {
            using var fk = c.CreateCommand();
            fk.CommandText = "PRAGMA foreign_keys = ON";
            fk.ExecuteNonQuery();
        }
        return c;
    }

    private static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        // A null goes without a type: PostgreSQL takes the column's (a text-typed null refused the bigint columns ende,
        // einreichungsfrist, eingereicht_am); the optional filters CAST their parameter, so they need none either.
        cmd.Parameters.Add(p);
    }

    private static long Flag(bool b) => b ? 1L : 0L;

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters) Add(cmd, n, v);
        try { cmd.ExecuteNonQuery(); }
        catch (DbException e) when (Violation(e) is { } why) { throw new RatsinfoConstraintException(why, e); }
    }

    /// <summary>The reason a constraint refused a write, or null when the error is something else.</summary>
    private static string? Violation(DbException e) => e switch
    {
        SqliteException { SqliteErrorCode: 19 } s => s.Message.Contains("FOREIGN KEY", StringComparison.Ordinal) ? "an unknown Gremium or Sitzung is named"
            : s.Message.Contains("UNIQUE", StringComparison.Ordinal) ? "the name is taken" : "a rule of the register is broken: " + s.Message,
        PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } => "an unknown Gremium or Sitzung is named",
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => "the name is taken",
        PostgresException { SqlState: PostgresErrorCodes.CheckViolation } p => "a rule of the register is broken: " + p.ConstraintName,
        _ => null,
    };

    private List<T> Query<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters) Add(cmd, n, v);
        using var r = cmd.ExecuteReader();
        var items = new List<T>();
        while (r.Read()) items.Add(read(r));
        return items;
    }

    private int Count(string sql, params (string Name, object? Value)[] parameters) =>
        Query(sql, r => Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), parameters)[0];

    private static string? S(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static long L(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
    private static Instant? T(DbDataReader r, int i) => r.IsDBNull(i) ? null : Ticks.At(L(r, i));

    public Koerperschaft? GetKoerperschaft(string tenantId) =>
        Query("SELECT name, kurzname, ags, website, kontakt_email, geaendert_am FROM ratsinfo_koerperschaft WHERE tenant_id = @t",
            r => new Koerperschaft(r.GetString(0), S(r, 1), S(r, 2), S(r, 3), S(r, 4), Ticks.At(L(r, 5))), ("@t", tenantId)).FirstOrDefault();

    public void PutKoerperschaft(string tenantId, Koerperschaft koerperschaft)
    {
        ArgumentNullException.ThrowIfNull(koerperschaft);
        Execute("""
            INSERT INTO ratsinfo_koerperschaft (tenant_id, name, kurzname, ags, website, kontakt_email, geaendert_am) VALUES (@t, @n, @k, @a, @w, @e, @g)
            ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name, kurzname = excluded.kurzname, ags = excluded.ags, website = excluded.website,
                kontakt_email = excluded.kontakt_email, geaendert_am = excluded.geaendert_am
            """, ("@t", tenantId), ("@n", koerperschaft.Name), ("@k", koerperschaft.Kurzname), ("@a", koerperschaft.Ags), ("@w", koerperschaft.Website),
            ("@e", koerperschaft.KontaktEmail), ("@g", Ticks.Of(koerperschaft.GeaendertAm)));
    }

    public IReadOnlyList<string> PublishingTenants() =>
        Query("SELECT tenant_id FROM ratsinfo_koerperschaft ORDER BY tenant_id", r => r.GetString(0));

    private static Gremium ReadGremium(DbDataReader r) => new(r.GetString(0), r.GetString(1), S(r, 2), r.GetString(3), r.GetString(4), r.GetString(5), Ticks.At(L(r, 6)));

    public Gremium? GetGremium(string tenantId, string id) =>
        Query($"SELECT {GremiumColumns} FROM ratsinfo_gremium WHERE tenant_id = @t AND id = @id", ReadGremium, ("@t", tenantId), ("@id", id)).FirstOrDefault();

    public void PutGremium(string tenantId, Gremium gremium)
    {
        ArgumentNullException.ThrowIfNull(gremium);
        Execute($"""
            INSERT INTO ratsinfo_gremium (tenant_id, {GremiumColumns}) VALUES (@t, @id, @n, @k, @a, @l, @v, @g)
            ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, kurzname = excluded.kurzname, art = excluded.art,
                lesegruppe = excluded.lesegruppe, vorsitz_gruppe = excluded.vorsitz_gruppe, geaendert_am = excluded.geaendert_am
            """, ("@t", tenantId), ("@id", gremium.Id), ("@n", gremium.Name), ("@k", gremium.Kurzname), ("@a", gremium.Art), ("@l", gremium.Lesegruppe),
            ("@v", gremium.VorsitzGruppe), ("@g", Ticks.Of(gremium.GeaendertAm)));
    }

    public (IReadOnlyList<Gremium> Items, int Total) ListGremien(string tenantId, int offset, int limit) =>
        (Query($"SELECT {GremiumColumns} FROM ratsinfo_gremium WHERE tenant_id = @t ORDER BY id LIMIT @l OFFSET @o", ReadGremium,
            ("@t", tenantId), ("@l", (long)limit), ("@o", (long)offset)),
         Count("SELECT COUNT(*) FROM ratsinfo_gremium WHERE tenant_id = @t", ("@t", tenantId)));

    private static Sitzung ReadSitzung(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Ticks.At(L(r, 3)), T(r, 4), S(r, 5), Ticks.At(L(r, 6)), L(r, 7) != 0, Ticks.At(L(r, 8)));

    public Sitzung? GetSitzung(string tenantId, string id) =>
        Query($"SELECT {SitzungColumns} FROM ratsinfo_sitzung WHERE tenant_id = @t AND id = @id", ReadSitzung, ("@t", tenantId), ("@id", id)).FirstOrDefault();

    public void PutSitzung(string tenantId, Sitzung sitzung)
    {
        ArgumentNullException.ThrowIfNull(sitzung);
        Execute($"""
            INSERT INTO ratsinfo_sitzung (tenant_id, {SitzungColumns}) VALUES (@t, @id, @gr, @n, @b, @e, @o, @f, @a, @g)
            ON CONFLICT (tenant_id, id) DO UPDATE SET gremium_id = excluded.gremium_id, name = excluded.name, beginn = excluded.beginn, ende = excluded.ende,
                ort = excluded.ort, einreichungsfrist = excluded.einreichungsfrist, abgesagt = excluded.abgesagt, geaendert_am = excluded.geaendert_am
            """, ("@t", tenantId), ("@id", sitzung.Id), ("@gr", sitzung.GremiumId), ("@n", sitzung.Name), ("@b", Ticks.Of(sitzung.Beginn)), ("@e", Ticks.Of(sitzung.Ende)),
            ("@o", sitzung.Ort), ("@f", Ticks.Of(sitzung.Einreichungsfrist)), ("@a", Flag(sitzung.Abgesagt)), ("@g", Ticks.Of(sitzung.GeaendertAm)));
    }

    public (IReadOnlyList<Sitzung> Items, int Total) ListSitzungen(string tenantId, string? gremiumId, Instant? ab, int offset, int limit)
    {
        const string Where = "tenant_id = @t AND (CAST(@gr AS TEXT) IS NULL OR gremium_id = @gr) AND (CAST(@ab AS BIGINT) IS NULL OR beginn >= @ab)";
        (string, object?)[] p = [("@t", tenantId), ("@gr", gremiumId), ("@ab", Ticks.Of(ab))];
        return (Query($"SELECT {SitzungColumns} FROM ratsinfo_sitzung WHERE {Where} ORDER BY beginn, id LIMIT @l OFFSET @o", ReadSitzung,
                [.. p, ("@l", (long)limit), ("@o", (long)offset)]),
            Count($"SELECT COUNT(*) FROM ratsinfo_sitzung WHERE {Where}", p));
    }

    private static Vorlage ReadVorlage(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), L(r, 4) != 0, r.GetString(5),
        S(r, 6), S(r, 7), L(r, 8) != 0, S(r, 9), S(r, 10), S(r, 11), S(r, 12), T(r, 13), T(r, 14), Ticks.At(L(r, 15)));

    public Vorlage? GetVorlage(string tenantId, string id) =>
        Query($"SELECT {VorlageColumns} FROM ratsinfo_vorlage WHERE tenant_id = @t AND id = @id", ReadVorlage, ("@t", tenantId), ("@id", id)).FirstOrDefault();

    public void PutVorlage(string tenantId, Vorlage vorlage)
    {
        ArgumentNullException.ThrowIfNull(vorlage);
        Execute($"""
            INSERT INTO ratsinfo_vorlage (tenant_id, {VorlageColumns}) VALUES (@t, @id, @b, @a, @f, @oe, @s, @gr, @si, @n, @sv, @bv, @ns, @i, @ea, @va, @g)
            ON CONFLICT (tenant_id, id) DO UPDATE SET betreff = excluded.betreff, art = excluded.art, federfuehrend = excluded.federfuehrend,
                oeffentlich = excluded.oeffentlich, status = excluded.status, gremium_id = excluded.gremium_id, sitzung_id = excluded.sitzung_id,
                nachtrag = excluded.nachtrag, sachverhalt = excluded.sachverhalt, beschlussvorschlag = excluded.beschlussvorschlag,
                niederschrift = excluded.niederschrift, instance_id = excluded.instance_id, eingereicht_am = excluded.eingereicht_am,
                veroeffentlicht_am = excluded.veroeffentlicht_am, geaendert_am = excluded.geaendert_am
            """, ("@t", tenantId), ("@id", vorlage.Id), ("@b", vorlage.Betreff), ("@a", vorlage.Art), ("@f", vorlage.Federfuehrend), ("@oe", Flag(vorlage.Oeffentlich)),
            ("@s", vorlage.Status), ("@gr", vorlage.GremiumId), ("@si", vorlage.SitzungId), ("@n", Flag(vorlage.Nachtrag)), ("@sv", vorlage.Sachverhalt),
            ("@bv", vorlage.Beschlussvorschlag), ("@ns", vorlage.Niederschrift), ("@i", vorlage.InstanceId), ("@ea", Ticks.Of(vorlage.EingereichtAm)),
            ("@va", Ticks.Of(vorlage.VeroeffentlichtAm)), ("@g", Ticks.Of(vorlage.GeaendertAm)));
    }

    public (IReadOnlyList<Vorlage> Items, int Total) ListVorlagen(string tenantId, int offset, int limit) =>
        (Query($"SELECT {VorlageColumns} FROM ratsinfo_vorlage WHERE tenant_id = @t ORDER BY id LIMIT @l OFFSET @o", ReadVorlage,
            ("@t", tenantId), ("@l", (long)limit), ("@o", (long)offset)),
         Count("SELECT COUNT(*) FROM ratsinfo_vorlage WHERE tenant_id = @t", ("@t", tenantId)));

    public (IReadOnlyList<Vorlage> Items, int Total) ListVeroeffentlicht(string tenantId, string? sitzungId, int offset, int limit)
    {
        // Published means all three, checked here again although the table's constraint already allows no other publication.
        const string Where = "tenant_id = @t AND veroeffentlicht_am IS NOT NULL AND oeffentlich = 1 AND status = 'eingereicht' AND (CAST(@si AS TEXT) IS NULL OR sitzung_id = @si)";
        return (Query($"SELECT {VorlageColumns} FROM ratsinfo_vorlage WHERE {Where} ORDER BY veroeffentlicht_am, id LIMIT @l OFFSET @o", ReadVorlage,
                ("@t", tenantId), ("@si", sitzungId), ("@l", (long)limit), ("@o", (long)offset)),
            Count($"SELECT COUNT(*) FROM ratsinfo_vorlage WHERE {Where}", ("@t", tenantId), ("@si", sitzungId)));
    }
}
