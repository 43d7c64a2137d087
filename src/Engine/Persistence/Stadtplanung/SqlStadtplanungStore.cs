using System.Data.Common;
using System.Globalization;
using System.Text;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sqlite;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace EGov.Workflows.Persistence.Stadtplanung;

/// <summary>
/// The eAkte Stadtplanung tables on SQLite or PostgreSQL (migration 0035). A procedure and its read groups are written in one
/// transaction; a document's number is the next one of its procedure, in the same transaction as its insert. The search filters
/// confidential procedures in SQL (only those one of the caller's groups may read), so paging and totals never count what the
/// caller may not see.
/// </summary>
public sealed class SqlStadtplanungStore(DurableStoreOptions options) : IStadtplanungStore
{
    private const int MaxGruppen = 200;
    private const string VerfahrenColumns = """
        id, instance_id, plan_nummer, titel, planart, gemarkung, flur, verfahrensart, aktenplan_kennzeichen, aktenplan_betreff, aktenzeichen,
        federfuehrend, vertraulich, status, auslegung_beginn, angelegt_am, geaendert_am
        """;
    private const string DokumentColumns = "verfahren_id, nr, titel, schritt, aktenplan_kennzeichen, aktenzeichen, inhalt, datei_hash, datei_name, content_type, abgelegt_am";

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

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, object?[] values)
    {
        var cmd = PositionalCommand.Create(c, sql, null, values);
        cmd.Transaction = tx;
        return cmd;
    }

    private static int Execute(DbConnection c, DbTransaction? tx, string sql, params object?[] values)
    {
        using var cmd = Command(c, tx, sql, values);
        return cmd.ExecuteNonQuery();
    }

    private static List<T> Query<T>(DbConnection c, DbTransaction? tx, string sql, Func<DbDataReader, T> read, params object?[] values)
    {
        using var cmd = Command(c, tx, sql, values);
        using var r = cmd.ExecuteReader();
        var items = new List<T>();
        while (r.Read()) items.Add(read(r));
        return items;
    }

    private static bool IsUnique(DbException e) => e is SqliteException { SqliteErrorCode: 19 } s && s.Message.Contains("UNIQUE", StringComparison.Ordinal)
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private static string? S(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static long L(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private static Verfahren ReadVerfahren(DbDataReader r) => new(r.GetString(0), S(r, 1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        S(r, 6), r.GetString(7), r.GetString(8), S(r, 9), r.GetString(10), r.GetString(11), L(r, 12) == 1, [], r.GetString(13),
        S(r, 14) is { } d ? LocalDatePattern.Iso.Parse(d).GetValueOrThrow() : null, Ticks.At(L(r, 15)), Ticks.At(L(r, 16)));

    private static Dokument ReadDokument(DbDataReader r) => new(r.GetString(0), (int)L(r, 1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        S(r, 6), S(r, 7), S(r, 8), S(r, 9), Ticks.At(L(r, 10)));

    private static Verfahren WithGruppen(DbConnection c, string tenantId, Verfahren v) => v with
    {
        Lesegruppen = Query(c, null, "SELECT gruppe FROM bauleitplan_lesegruppe WHERE tenant_id = @p0 AND verfahren_id = @p1 ORDER BY gruppe", r => r.GetString(0), tenantId, v.Id)
            .Where(g => g != v.Federfuehrend).ToList(),
    };

    public Verfahren? GetVerfahren(string tenantId, string id)
    {
        using var c = Open();
        var v = Query(c, null, $"SELECT {VerfahrenColumns} FROM bauleitplan_verfahren WHERE tenant_id = @p0 AND id = @p1", ReadVerfahren, tenantId, id).FirstOrDefault();
        return v is null ? null : WithGruppen(c, tenantId, v);
    }

    public Verfahren PutVerfahren(string tenantId, Verfahren verfahren)
    {
        ArgumentNullException.ThrowIfNull(verfahren);
        using var c = Open();
        using var tx = c.BeginTransaction();
        try
        {
            Execute(c, tx, """
                INSERT INTO bauleitplan_verfahren (tenant_id, id, instance_id, plan_nummer, titel, planart, gemarkung, flur, verfahrensart,
                    aktenplan_kennzeichen, aktenplan_betreff, aktenzeichen, federfuehrend, vertraulich, status, auslegung_beginn, suchtext, angelegt_am, geaendert_am)
                VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17, @p18)
                ON CONFLICT (tenant_id, id) DO UPDATE SET instance_id = excluded.instance_id, plan_nummer = excluded.plan_nummer, titel = excluded.titel,
                    planart = excluded.planart, gemarkung = excluded.gemarkung, flur = excluded.flur, verfahrensart = excluded.verfahrensart,
                    aktenplan_kennzeichen = excluded.aktenplan_kennzeichen, aktenplan_betreff = excluded.aktenplan_betreff, aktenzeichen = excluded.aktenzeichen,
                    federfuehrend = excluded.federfuehrend, vertraulich = excluded.vertraulich, status = excluded.status, auslegung_beginn = excluded.auslegung_beginn,
                    suchtext = excluded.suchtext, geaendert_am = excluded.geaendert_am
                """, tenantId, verfahren.Id, verfahren.InstanceId, verfahren.PlanNummer, verfahren.Titel, verfahren.Planart, verfahren.Gemarkung, verfahren.Flur,
                verfahren.Verfahrensart, verfahren.AktenplanKennzeichen, verfahren.AktenplanBetreff, verfahren.Aktenzeichen, verfahren.Federfuehrend,
                verfahren.Vertraulich ? 1L : 0L, verfahren.Status, verfahren.AuslegungBeginn is { } d ? LocalDatePattern.Iso.Format(d) : null, verfahren.Suchtext,
                Ticks.Of(verfahren.AngelegtAm), Ticks.Of(verfahren.GeaendertAm));
            Execute(c, tx, "DELETE FROM bauleitplan_lesegruppe WHERE tenant_id = @p0 AND verfahren_id = @p1", tenantId, verfahren.Id);
            foreach (var g in verfahren.Leser.Distinct(StringComparer.Ordinal))
                Execute(c, tx, "INSERT INTO bauleitplan_lesegruppe (tenant_id, verfahren_id, gruppe) VALUES (@p0, @p1, @p2)", tenantId, verfahren.Id, g);
            tx.Commit();
        }
        catch (DbException e) when (IsUnique(e))
        {
            throw new StadtplanungConstraintException($"the Aktenzeichen '{verfahren.Aktenzeichen}' belongs to another procedure");
        }
        return GetVerfahren(tenantId, verfahren.Id)!;
    }

    public Dokument? AddDokument(string tenantId, Dokument dokument)
    {
        ArgumentNullException.ThrowIfNull(dokument);
        using var c = Open();
        using var tx = c.BeginTransaction();
        if (Query(c, tx, "SELECT COUNT(*) FROM bauleitplan_verfahren WHERE tenant_id = @p0 AND id = @p1", r => L(r, 0), tenantId, dokument.VerfahrenId)[0] == 0)
            throw new StadtplanungConstraintException($"no procedure '{dokument.VerfahrenId}'");
        if (dokument.DateiHash is { } h && Query(c, tx, "SELECT COUNT(*) FROM bauleitplan_dokument WHERE tenant_id = @p0 AND verfahren_id = @p1 AND datei_hash = @p2",
                r => L(r, 0), tenantId, dokument.VerfahrenId, h)[0] > 0)
            return null;
        var nr = (int)Query(c, tx, "SELECT COALESCE(MAX(nr), 0) FROM bauleitplan_dokument WHERE tenant_id = @p0 AND verfahren_id = @p1", r => L(r, 0), tenantId, dokument.VerfahrenId)[0] + 1;
        var filed = dokument with { Nr = nr };
        try
        {
            Execute(c, tx, $"INSERT INTO bauleitplan_dokument (tenant_id, {DokumentColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11)",
                tenantId, filed.VerfahrenId, (long)filed.Nr, filed.Titel, filed.Schritt, filed.AktenplanKennzeichen, filed.Aktenzeichen, filed.Inhalt,
                filed.DateiHash, filed.DateiName, filed.ContentType, Ticks.Of(filed.AbgelegtAm));
            tx.Commit();
        }
        catch (DbException e) when (IsUnique(e))
        {
            return null; // filed meanwhile by a concurrent step (the same file, or the number taken: the step is retried)
        }
        return filed;
    }

    public IReadOnlyList<Dokument> Dokumente(string tenantId, string verfahrenId)
    {
        using var c = Open();
        return Query(c, null, $"SELECT {DokumentColumns} FROM bauleitplan_dokument WHERE tenant_id = @p0 AND verfahren_id = @p1 ORDER BY nr", ReadDokument, tenantId, verfahrenId);
    }

    public (IReadOnlyList<Verfahren> Items, int Total) Suche(string tenantId, VerfahrenSuche suche, int offset, int limit)
    {
        ArgumentNullException.ThrowIfNull(suche);
        var values = new List<object?> { tenantId };
        string P(object? v) { values.Add(v); return "@p" + (values.Count - 1).ToString(CultureInfo.InvariantCulture); }
        var where = new StringBuilder("v.tenant_id = @p0");
        var gruppen = suche.Gruppen.Distinct(StringComparer.Ordinal).Take(MaxGruppen).ToList();
        where.Append(" AND (v.vertraulich = 0");
        if (gruppen.Count > 0)
            where.Append(" OR EXISTS (SELECT 1 FROM bauleitplan_lesegruppe g WHERE g.tenant_id = v.tenant_id AND g.verfahren_id = v.id AND g.gruppe IN (")
                .Append(string.Join(", ", gruppen.Select(g => P(g)))).Append("))");
        where.Append(')');
        if (suche.Text?.Trim().ToLowerInvariant() is { Length: > 0 } text)
            where.Append(" AND v.suchtext LIKE ").Append(P("%" + Escape(text) + "%")).Append(" ESCAPE '\\'");
        if (suche.Gemarkung?.Trim() is { Length: > 0 } gemarkung) where.Append(" AND v.gemarkung = ").Append(P(gemarkung));
        if (suche.Status is { Length: > 0 } status) where.Append(" AND v.status = ").Append(P(status));
        using var c = Open();
        var total = (int)Query(c, null, $"SELECT COUNT(*) FROM bauleitplan_verfahren v WHERE {where}", r => L(r, 0), [.. values])[0];
        var lim = P((long)limit);
        var off = P((long)offset);
        var items = Query(c, null, $"SELECT {VerfahrenColumns} FROM bauleitplan_verfahren v WHERE {where} ORDER BY v.geaendert_am DESC, v.id LIMIT {lim} OFFSET {off}",
            ReadVerfahren, [.. values]);
        return (items.Select(v => WithGruppen(c, tenantId, v)).ToList(), total);
    }

    /// <summary>A text taken literally in LIKE: the wildcards and the escape character escaped.</summary>
    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
