using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sqlite;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace EGov.Workflows.Persistence.Mobilfunk;

/// <summary>
/// The Mobilfunk tables on SQLite or PostgreSQL (migration 0036). An order is one transaction (contract and device assignment);
/// the handover's serial number is guarded by the partial unique index, so two handovers of the same device cannot both succeed.
/// </summary>
public sealed class SqlMobilfunkStore(DurableStoreOptions options) : IMobilfunkStore
{
    private const string TarifColumns = "id, bezeichnung, grundgebuehr_cent, mindestlaufzeit_monate, datenvolumen_gb, aktiv, geaendert_am";
    private const string GeraetColumns = "id, bezeichnung, hersteller, preis_cent, aktiv, geaendert_am";
    private const string VertragSelect = """
        SELECT v.id, v.mitarbeiter, v.kostenstelle, v.tarif_id, v.geraet_id, v.rufnummer, v.grundgebuehr_cent, v.geraetepreis_cent,
               v.mindestlaufzeit_monate, v.beginn, v.mindestlaufzeit_ende, v.status, v.gekuendigt_zum, v.instance_id, v.angelegt_am, v.geaendert_am,
               t.bezeichnung, g.bezeichnung, z.seriennummer, z.status, z.quittiert_von, z.quittiert_am, z.zurueckgegeben_am
        FROM mobil_vertrag v
        JOIN mobil_tarif t ON t.tenant_id = v.tenant_id AND t.id = v.tarif_id
        LEFT JOIN mobil_geraet g ON g.tenant_id = v.tenant_id AND g.id = v.geraet_id
        LEFT JOIN mobil_geraetezuordnung z ON z.tenant_id = v.tenant_id AND z.vertrag_id = v.id
        """;

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

    private List<T> Query<T>(string sql, Func<DbDataReader, T> read, params object?[] values)
    {
        using var c = Open();
        return Query(c, null, sql, read, values);
    }

    private int Count(string sql, params object?[] values) => Query(sql, r => Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture), values)[0];

    private static bool IsUnique(DbException e) => e is SqliteException { SqliteErrorCode: 19 } s && (s.Message.Contains("UNIQUE", StringComparison.Ordinal) || s.Message.Contains("PRIMARY KEY", StringComparison.Ordinal))
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private static string? S(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static long L(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
    private static int I(DbDataReader r, int i) => Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture);
    private static Instant? T(DbDataReader r, int i) => r.IsDBNull(i) ? null : Ticks.At(L(r, i));
    private static LocalDate? D(DbDataReader r, int i) => r.IsDBNull(i) ? null : LocalDatePattern.Iso.Parse(r.GetString(i)).GetValueOrThrow();
    private static string? Iso(LocalDate? d) => d is { } x ? LocalDatePattern.Iso.Format(x) : null;
    internal static long Cent(decimal euro) => (long)decimal.Round(euro * 100m);
    private static decimal Euro(long cent) => cent / 100m;

    private static Tarif ReadTarif(DbDataReader r) => new(r.GetString(0), r.GetString(1), Euro(L(r, 2)), I(r, 3), r.IsDBNull(4) ? null : I(r, 4), L(r, 5) == 1, Ticks.At(L(r, 6)));
    private static Geraet ReadGeraet(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), Euro(L(r, 3)), L(r, 4) == 1, Ticks.At(L(r, 5)));
    private static Vertrag ReadVertrag(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), S(r, 4), S(r, 5),
        Euro(L(r, 6)), Euro(L(r, 7)), I(r, 8), D(r, 9), D(r, 10), r.GetString(11), D(r, 12), S(r, 13), Ticks.At(L(r, 14)), Ticks.At(L(r, 15)))
    {
        TarifBezeichnung = S(r, 16), GeraetBezeichnung = S(r, 17), Seriennummer = S(r, 18), GeraetStatus = S(r, 19), QuittiertVon = S(r, 20),
        QuittiertAm = T(r, 21), ZurueckgegebenAm = T(r, 22),
    };

    public Tarif? GetTarif(string tenantId, string id) =>
        Query($"SELECT {TarifColumns} FROM mobil_tarif WHERE tenant_id = @p0 AND id = @p1", ReadTarif, tenantId, id).FirstOrDefault();

    public Tarif PutTarif(string tenantId, Tarif tarif)
    {
        ArgumentNullException.ThrowIfNull(tarif);
        using var c = Open();
        Execute(c, null, """
            INSERT INTO mobil_tarif (tenant_id, id, bezeichnung, grundgebuehr_cent, mindestlaufzeit_monate, datenvolumen_gb, aktiv, geaendert_am)
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)
            ON CONFLICT (tenant_id, id) DO UPDATE SET bezeichnung = excluded.bezeichnung, grundgebuehr_cent = excluded.grundgebuehr_cent,
                mindestlaufzeit_monate = excluded.mindestlaufzeit_monate, datenvolumen_gb = excluded.datenvolumen_gb, aktiv = excluded.aktiv,
                geaendert_am = excluded.geaendert_am
            """, tenantId, tarif.Id, tarif.Bezeichnung, Cent(tarif.Grundgebuehr), (long)tarif.Mindestlaufzeit, (long?)tarif.DatenvolumenGb,
            tarif.Aktiv ? 1L : 0L, Ticks.Of(tarif.GeaendertAm));
        return Query(c, null, $"SELECT {TarifColumns} FROM mobil_tarif WHERE tenant_id = @p0 AND id = @p1", ReadTarif, tenantId, tarif.Id)[0];
    }

    public (IReadOnlyList<Tarif> Items, int Total) ListTarife(string tenantId, bool nurAktive, int offset, int limit)
    {
        const string Where = "tenant_id = @p0 AND (@p1 = 0 OR aktiv = 1)";
        return (Query($"SELECT {TarifColumns} FROM mobil_tarif WHERE {Where} ORDER BY grundgebuehr_cent, id LIMIT @p2 OFFSET @p3", ReadTarif,
                tenantId, nurAktive ? 1L : 0L, (long)limit, (long)offset),
            Count($"SELECT COUNT(*) FROM mobil_tarif WHERE {Where}", tenantId, nurAktive ? 1L : 0L));
    }

    public Geraet? GetGeraet(string tenantId, string id) =>
        Query($"SELECT {GeraetColumns} FROM mobil_geraet WHERE tenant_id = @p0 AND id = @p1", ReadGeraet, tenantId, id).FirstOrDefault();

    public Geraet PutGeraet(string tenantId, Geraet geraet)
    {
        ArgumentNullException.ThrowIfNull(geraet);
        using var c = Open();
        Execute(c, null, """
            INSERT INTO mobil_geraet (tenant_id, id, bezeichnung, hersteller, preis_cent, aktiv, geaendert_am)
            VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)
            ON CONFLICT (tenant_id, id) DO UPDATE SET bezeichnung = excluded.bezeichnung, hersteller = excluded.hersteller,
                preis_cent = excluded.preis_cent, aktiv = excluded.aktiv, geaendert_am = excluded.geaendert_am
            """, tenantId, geraet.Id, geraet.Bezeichnung, geraet.Hersteller, Cent(geraet.Preis), geraet.Aktiv ? 1L : 0L, Ticks.Of(geraet.GeaendertAm));
        return Query(c, null, $"SELECT {GeraetColumns} FROM mobil_geraet WHERE tenant_id = @p0 AND id = @p1", ReadGeraet, tenantId, geraet.Id)[0];
    }

    public (IReadOnlyList<Geraet> Items, int Total) ListGeraete(string tenantId, bool nurAktive, int offset, int limit)
    {
        const string Where = "tenant_id = @p0 AND (@p1 = 0 OR aktiv = 1)";
        return (Query($"SELECT {GeraetColumns} FROM mobil_geraet WHERE {Where} ORDER BY preis_cent, id LIMIT @p2 OFFSET @p3", ReadGeraet,
                tenantId, nurAktive ? 1L : 0L, (long)limit, (long)offset),
            Count($"SELECT COUNT(*) FROM mobil_geraet WHERE {Where}", tenantId, nurAktive ? 1L : 0L));
    }

    private static Vertrag? Get(DbConnection c, DbTransaction? tx, string tenantId, string id) =>
        Query(c, tx, VertragSelect + " WHERE v.tenant_id = @p0 AND v.id = @p1", ReadVertrag, tenantId, id).FirstOrDefault();

    public Vertrag? GetVertrag(string tenantId, string id)
    {
        using var c = Open();
        return Get(c, null, tenantId, id);
    }

    public Vertrag Bestellen(string tenantId, Bestellung bestellung)
    {
        ArgumentNullException.ThrowIfNull(bestellung);
        using var c = Open();
        using (var tx = c.BeginTransaction())
        {
            try
            {
                if (Get(c, tx, tenantId, bestellung.Id) is { } existing) return MobilfunkRules.Same(existing, bestellung);
                var tarif = Query(c, tx, $"SELECT {TarifColumns} FROM mobil_tarif WHERE tenant_id = @p0 AND id = @p1", ReadTarif, tenantId, bestellung.TarifId).FirstOrDefault();
                var geraet = bestellung.GeraetId is { } gid
                    ? Query(c, tx, $"SELECT {GeraetColumns} FROM mobil_geraet WHERE tenant_id = @p0 AND id = @p1", ReadGeraet, tenantId, gid).FirstOrDefault() : null;
                MobilfunkRules.CheckCatalogue(bestellung, tarif, geraet);
                Execute(c, tx, """
                    INSERT INTO mobil_vertrag (tenant_id, id, mitarbeiter, kostenstelle, tarif_id, geraet_id, rufnummer, grundgebuehr_cent, geraetepreis_cent,
                        mindestlaufzeit_monate, beginn, mindestlaufzeit_ende, status, gekuendigt_zum, instance_id, angelegt_am, geaendert_am)
                    VALUES (@p0, @p1, @p2, @p3, @p4, @p5, NULL, @p6, @p7, @p8, NULL, NULL, @p9, NULL, @p10, @p11, @p11)
                    """, tenantId, bestellung.Id, bestellung.Mitarbeiter, bestellung.Kostenstelle, tarif!.Id, geraet?.Id, Cent(tarif.Grundgebuehr),
                    Cent(geraet?.Preis ?? 0m), (long)tarif.Mindestlaufzeit, VertragStatus.Bestellt, bestellung.InstanceId, Ticks.Of(bestellung.Am));
                if (geraet is not null)
                    Execute(c, tx, """
                        INSERT INTO mobil_geraetezuordnung (tenant_id, vertrag_id, geraet_id, mitarbeiter, seriennummer, status, quittiert_von, quittiert_am, zurueckgegeben_am)
                        VALUES (@p0, @p1, @p2, @p3, NULL, @p4, NULL, NULL, NULL)
                        """, tenantId, bestellung.Id, geraet.Id, bestellung.Mitarbeiter, GeraetStatus.Bestellt);
                tx.Commit();
            }
            catch (DbException e) when (IsUnique(e))
            {
                // Ordered by a concurrent retry of the same step meanwhile: answer that one.
                tx.Rollback();
                return MobilfunkRules.Same(GetVertrag(tenantId, bestellung.Id)!, bestellung);
            }
        }
        return GetVertrag(tenantId, bestellung.Id)!;
    }

    private Vertrag Change(string tenantId, string id, Func<Vertrag, bool> unchanged, Action<DbConnection, DbTransaction, Vertrag> write)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        var v = Get(c, tx, tenantId, id) ?? throw new MobilfunkConstraintException(MobilfunkFehler.VertragUnbekannt, $"Den Vertrag „{id}“ gibt es nicht.");
        if (unchanged(v)) return v;
        write(c, tx, v);
        tx.Commit();
        return Get(c, null, tenantId, id)!;
    }

    public Vertrag Uebergeben(string tenantId, string id, string? rufnummer, string? seriennummer, string quittiertVon, LocalDate beginn, Instant now)
    {
        try
        {
            return Change(tenantId, id, v => MobilfunkRules.CheckUebergabe(v, seriennummer), (c, tx, v) =>
            {
                Execute(c, tx, "UPDATE mobil_vertrag SET status = @p0, rufnummer = @p1, beginn = @p2, mindestlaufzeit_ende = @p3, geaendert_am = @p4 WHERE tenant_id = @p5 AND id = @p6",
                    VertragStatus.Aktiv, rufnummer, Iso(beginn), Iso(beginn.PlusMonths(v.Mindestlaufzeit)), Ticks.Of(now), tenantId, id);
                if (v.GeraetId is not null)
                    Execute(c, tx, "UPDATE mobil_geraetezuordnung SET status = @p0, seriennummer = @p1, quittiert_von = @p2, quittiert_am = @p3 WHERE tenant_id = @p4 AND vertrag_id = @p5",
                        GeraetStatus.Ausgegeben, seriennummer, quittiertVon, Ticks.Of(now), tenantId, id);
            });
        }
        catch (DbException e) when (IsUnique(e))
        {
            throw new MobilfunkConstraintException(MobilfunkFehler.SeriennummerVergeben, $"Das Gerät mit der Seriennummer {seriennummer} ist schon an jemand anderen ausgegeben.", e);
        }
    }

    public Vertrag Verlaengern(string tenantId, string id, int monate, Instant now) =>
        Change(tenantId, id, v => MobilfunkRules.CheckLaufend(v, "verlängert"), (c, tx, v) =>
            Execute(c, tx, "UPDATE mobil_vertrag SET mindestlaufzeit_ende = @p0, geaendert_am = @p1 WHERE tenant_id = @p2 AND id = @p3",
                Iso(v.MindestlaufzeitEnde!.Value.PlusMonths(monate)), Ticks.Of(now), tenantId, id));

    public Vertrag Kuendigen(string tenantId, string id, LocalDate zum, Instant now) =>
        Change(tenantId, id, v => MobilfunkRules.CheckKuendigung(v), (c, tx, _) =>
            Execute(c, tx, "UPDATE mobil_vertrag SET status = @p0, gekuendigt_zum = @p1, geaendert_am = @p2 WHERE tenant_id = @p3 AND id = @p4",
                VertragStatus.Gekuendigt, Iso(zum), Ticks.Of(now), tenantId, id));

    public Vertrag Zuruecknehmen(string tenantId, string id, Instant now) =>
        Change(tenantId, id, v => MobilfunkRules.CheckRuecknahme(v), (c, tx, v) =>
        {
            Execute(c, tx, "UPDATE mobil_geraetezuordnung SET status = @p0, zurueckgegeben_am = @p1 WHERE tenant_id = @p2 AND vertrag_id = @p3 AND status = @p4",
                GeraetStatus.Zurueckgegeben, Ticks.Of(now), tenantId, id, GeraetStatus.Ausgegeben);
            if (v.Status == VertragStatus.Gekuendigt)
                Execute(c, tx, "UPDATE mobil_vertrag SET status = @p0, geaendert_am = @p1 WHERE tenant_id = @p2 AND id = @p3", VertragStatus.Beendet, Ticks.Of(now), tenantId, id);
        });

    public Vertrag Stornieren(string tenantId, string id, Instant now) =>
        Change(tenantId, id, v => MobilfunkRules.CheckStorno(v), (c, tx, _) =>
        {
            Execute(c, tx, "UPDATE mobil_vertrag SET status = @p0, geaendert_am = @p1 WHERE tenant_id = @p2 AND id = @p3", VertragStatus.Storniert, Ticks.Of(now), tenantId, id);
            Execute(c, tx, "UPDATE mobil_geraetezuordnung SET status = @p0 WHERE tenant_id = @p1 AND vertrag_id = @p2", GeraetStatus.Storniert, tenantId, id);
        });

    public (IReadOnlyList<Vertrag> Items, int Total) ListVertraege(string tenantId, VertragFilter filter, int offset, int limit)
    {
        ArgumentNullException.ThrowIfNull(filter);
        const string Where = """
            v.tenant_id = @p0 AND (CAST(@p1 AS TEXT) IS NULL OR v.mitarbeiter = @p1) AND (CAST(@p2 AS TEXT) IS NULL OR v.kostenstelle = @p2)
              AND (CAST(@p3 AS TEXT) IS NULL OR v.status = @p3) AND (CAST(@p4 AS TEXT) IS NULL OR (v.mindestlaufzeit_ende <= @p4 AND v.status = 'aktiv'))
              AND (CAST(@p5 AS TEXT) IS NULL OR LOWER(v.id) LIKE @p5 ESCAPE '\' OR LOWER(v.mitarbeiter) LIKE @p5 ESCAPE '\'
                OR LOWER(v.kostenstelle) LIKE @p5 ESCAPE '\' OR LOWER(COALESCE(v.rufnummer, '')) LIKE @p5 ESCAPE '\'
                OR LOWER(t.bezeichnung) LIKE @p5 ESCAPE '\' OR LOWER(COALESCE(g.bezeichnung, '')) LIKE @p5 ESCAPE '\')
            """;
        const string From = """
            FROM mobil_vertrag v
            JOIN mobil_tarif t ON t.tenant_id = v.tenant_id AND t.id = v.tarif_id
            LEFT JOIN mobil_geraet g ON g.tenant_id = v.tenant_id AND g.id = v.geraet_id
            """;
        var suche = filter.Suche is { Length: > 0 } q
            ? "%" + q.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%"
            : null;
        object?[] args = [tenantId, filter.Mitarbeiter, filter.Kostenstelle, filter.Status, Iso(filter.MindestlaufzeitEndeBis), suche];
        return (Query($"{VertragSelect} WHERE {Where} ORDER BY v.kostenstelle, v.mitarbeiter, v.id LIMIT @p6 OFFSET @p7", ReadVertrag, [.. args, (long)limit, (long)offset]),
            Count($"SELECT COUNT(*) {From} WHERE {Where}", args));
    }

    public (IReadOnlyList<Kostenstellensumme> Items, int Total) Kosten(string tenantId, string? kostenstelle, int offset, int limit)
    {
        const string Where = "tenant_id = @p0 AND status IN ('bestellt', 'aktiv', 'gekuendigt') AND (CAST(@p1 AS TEXT) IS NULL OR kostenstelle = @p1)";
        return (Query($"""
                SELECT kostenstelle, COUNT(*), SUM(grundgebuehr_cent), SUM(geraetepreis_cent) FROM mobil_vertrag WHERE {Where}
                GROUP BY kostenstelle ORDER BY kostenstelle LIMIT @p2 OFFSET @p3
                """, r => new Kostenstellensumme(r.GetString(0), I(r, 1), Euro(L(r, 2)), Euro(L(r, 3))), tenantId, kostenstelle, (long)limit, (long)offset),
            Count($"SELECT COUNT(DISTINCT kostenstelle) FROM mobil_vertrag WHERE {Where}", tenantId, kostenstelle));
    }

    public Kostenstellensumme Gesamt(string tenantId) =>
        Query("SELECT COUNT(*), COALESCE(SUM(grundgebuehr_cent), 0), COALESCE(SUM(geraetepreis_cent), 0) FROM mobil_vertrag WHERE tenant_id = @p0 AND status IN ('bestellt', 'aktiv', 'gekuendigt')",
            r => new Kostenstellensumme("", I(r, 0), Euro(L(r, 1)), Euro(L(r, 2))), tenantId)[0];
}
