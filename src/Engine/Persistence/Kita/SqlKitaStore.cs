using System.Data.Common;
using EGov.Workflows.Persistence.Data;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using static EGov.Workflows.Persistence.Data.RegisterCells;

namespace EGov.Workflows.Persistence.Kita;

/// <summary>
/// The Kita tables on SQLite or PostgreSQL (migration 0033). A Kita's places are rows; an allocation reads the waiting list and
/// takes a free place in one transaction, by an UPDATE that only finds a free place — and the unique index on the place's
/// registration refuses a second place for one registration.
/// </summary>
public sealed class SqlKitaStore(DurableStoreOptions options) : IKitaStore
{
    private const string EinrichtungSelect = """
        SELECT e.id, e.name, e.adresse, e.aktiv, e.geaendert_am,
               (SELECT COUNT(*) FROM kita_platz p WHERE p.tenant_id = e.tenant_id AND p.einrichtung_id = e.id AND p.altersgruppe = 'U3'),
               (SELECT COUNT(*) FROM kita_platz p WHERE p.tenant_id = e.tenant_id AND p.einrichtung_id = e.id AND p.altersgruppe = 'UE3'),
               (SELECT COUNT(*) FROM kita_platz p WHERE p.tenant_id = e.tenant_id AND p.einrichtung_id = e.id AND p.altersgruppe = 'U3' AND p.anmeldung_id IS NULL),
               (SELECT COUNT(*) FROM kita_platz p WHERE p.tenant_id = e.tenant_id AND p.einrichtung_id = e.id AND p.altersgruppe = 'UE3' AND p.anmeldung_id IS NULL)
        FROM kita_einrichtung e
        """;
    private const string AnmeldungColumns = "id, kind, geburtsdatum, beginn, wuensche, punkte, status, einrichtung_id, angebot_frist, instance_id, angelegt_am, geaendert_am";

    private readonly RegisterTables _db = new(options, Refusal);

    private static Exception? Refusal(DbException e) =>
        e is SqliteException { SqliteErrorCode: 19 } || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation or PostgresErrorCodes.CheckViolation }
            ? new KitaConstraintException(KitaFehler.Eingabe, "the Kita tables refused the change: " + e.Message) : null;

    private static int I(DbDataReader r, int i) => (int)L(r, i);
    private static LocalDate Date(string s) => LocalDatePattern.Iso.Parse(s).GetValueOrThrow();
    private static string Iso(LocalDate d) => LocalDatePattern.Iso.Format(d);

    private static Einrichtung ReadEinrichtung(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), S(r, 2), I(r, 5), I(r, 6), L(r, 3) == 1, Ticks.At(L(r, 4))) { FreiU3 = I(r, 7), FreiUe3 = I(r, 8) };

    private static Anmeldung ReadAnmeldung(DbDataReader r) => new(r.GetString(0), r.GetString(1), Date(r.GetString(2)), Date(r.GetString(3)),
        r.GetString(4).Split(',', StringSplitOptions.RemoveEmptyEntries), I(r, 5), r.GetString(6), S(r, 7), S(r, 8) is { } f ? Date(f) : null, S(r, 9),
        Ticks.At(L(r, 10)), Ticks.At(L(r, 11)));

    public Einrichtung? GetEinrichtung(string tenantId, string id) =>
        _db.Query(EinrichtungSelect + " WHERE e.tenant_id = @p0 AND e.id = @p1", ReadEinrichtung, tenantId, id).FirstOrDefault();

    public Einrichtung PutEinrichtung(string tenantId, Einrichtung einrichtung)
    {
        KitaRules.CheckEinrichtung(einrichtung);
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        try
        {
            RegisterTables.Execute(c, tx, """
                INSERT INTO kita_einrichtung (tenant_id, id, name, adresse, aktiv, geaendert_am) VALUES (@p0, @p1, @p2, @p3, @p4, @p5)
                ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, adresse = excluded.adresse, aktiv = excluded.aktiv, geaendert_am = excluded.geaendert_am
                """, tenantId, einrichtung.Id, einrichtung.Name, einrichtung.Adresse, Flag(einrichtung.Aktiv), Ticks.Of(einrichtung.GeaendertAm));
            Plaetze(c, tx, tenantId, einrichtung.Id, Altersgruppe.U3, einrichtung.PlaetzeU3);
            Plaetze(c, tx, tenantId, einrichtung.Id, Altersgruppe.Ue3, einrichtung.PlaetzeUe3);
            tx.Commit();
        }
        catch (DbException e) when (Refusal(e) is { } why) { throw why; }
        return GetEinrichtung(tenantId, einrichtung.Id)!;
    }

    /// <summary>Makes the group's places number <paramref name="anzahl"/>: new free places at the end, free ones removed from the end.</summary>
    private static void Plaetze(DbConnection c, DbTransaction tx, string tenant, string kita, string gruppe, int anzahl)
    {
        var rows = RegisterTables.Query(c, tx, "SELECT nr, anmeldung_id FROM kita_platz WHERE tenant_id = @p0 AND einrichtung_id = @p1 AND altersgruppe = @p2 ORDER BY nr",
            r => (Nr: I(r, 0), Frei: r.IsDBNull(1)), tenant, kita, gruppe);
        if (rows.Count(x => !x.Frei) > anzahl)
            throw new KitaConstraintException(KitaFehler.PlaetzeBelegt, $"Kita '{kita}' has more {gruppe} places taken or offered than {anzahl}");
        var surplus = rows.Count - anzahl;
        foreach (var free in rows.Where(x => x.Frei).OrderByDescending(x => x.Nr).Take(Math.Max(0, surplus)))
            RegisterTables.Execute(c, tx, "DELETE FROM kita_platz WHERE tenant_id = @p0 AND einrichtung_id = @p1 AND altersgruppe = @p2 AND nr = @p3 AND anmeldung_id IS NULL",
                tenant, kita, gruppe, (long)free.Nr);
        var next = rows.Count == 0 ? 1 : rows.Max(x => x.Nr) + 1;
        for (var i = rows.Count; i < anzahl; i++)
        {
            while (rows.Any(x => x.Nr == next)) next++;
            RegisterTables.Execute(c, tx, "INSERT INTO kita_platz (tenant_id, einrichtung_id, altersgruppe, nr) VALUES (@p0, @p1, @p2, @p3)", tenant, kita, gruppe, (long)next++);
        }
    }

    public (IReadOnlyList<Einrichtung> Items, int Total) ListEinrichtungen(string tenantId, int offset, int limit) =>
        (_db.Query(EinrichtungSelect + " WHERE e.tenant_id = @p0 ORDER BY e.name, e.id LIMIT @p1 OFFSET @p2", ReadEinrichtung, tenantId, (long)limit, (long)offset),
            _db.Count("SELECT COUNT(*) FROM kita_einrichtung WHERE tenant_id = @p0", tenantId));

    private static Anmeldung? Get(DbConnection c, DbTransaction? tx, string tenant, string id) =>
        RegisterTables.Query(c, tx, $"SELECT {AnmeldungColumns} FROM kita_anmeldung WHERE tenant_id = @p0 AND id = @p1", ReadAnmeldung, tenant, id).FirstOrDefault();

    private static List<Anmeldung> Wartend(DbConnection c, DbTransaction? tx, string tenant) => KitaRules.Ordered(
        RegisterTables.Query(c, tx, $"SELECT {AnmeldungColumns} FROM kita_anmeldung WHERE tenant_id = @p0 AND status = 'wartend'", ReadAnmeldung, tenant)).ToList();

    private static Anmeldung WithRank(DbConnection c, string tenant, Anmeldung a) =>
        a.Status != AnmeldungStatus.Wartend ? a : a with { Rang = Wartend(c, null, tenant).FindIndex(x => x.Id == a.Id) + 1 };

    public Anmeldung? GetAnmeldung(string tenantId, string id)
    {
        using var c = _db.Open();
        return Get(c, null, tenantId, id) is { } a ? WithRank(c, tenantId, a) : null;
    }

    public Anmeldung Anmelden(string tenantId, NeueAnmeldung anmeldung, Instant now)
    {
        KitaRules.Check(anmeldung);
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        foreach (var w in anmeldung.Wuensche)
            if (RegisterTables.Query(c, tx, "SELECT 1 FROM kita_einrichtung WHERE tenant_id = @p0 AND id = @p1", _ => 1, tenantId, w).Count == 0)
                throw new KitaConstraintException(KitaFehler.EinrichtungUnbekannt, $"no Kita '{w}'");
        var old = Get(c, tx, tenantId, anmeldung.Id);
        if (old is not null && old.Status != AnmeldungStatus.Wartend) throw KitaRules.Status(old, "register again");
        try
        {
            RegisterTables.Execute(c, tx, """
                INSERT INTO kita_anmeldung (tenant_id, id, kind, geburtsdatum, beginn, wuensche, punkte, status, instance_id, angelegt_am, geaendert_am)
                VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, 'wartend', @p7, @p8, @p8)
                ON CONFLICT (tenant_id, id) DO UPDATE SET kind = excluded.kind, geburtsdatum = excluded.geburtsdatum, beginn = excluded.beginn,
                    wuensche = excluded.wuensche, punkte = excluded.punkte, instance_id = excluded.instance_id, geaendert_am = excluded.geaendert_am
                """, tenantId, anmeldung.Id, anmeldung.Kind, Iso(anmeldung.Geburtsdatum), Iso(anmeldung.Beginn), string.Join(',', anmeldung.Wuensche),
                (long)anmeldung.Punkte, anmeldung.InstanceId, Ticks.Of(now));
            tx.Commit();
        }
        catch (DbException e) when (Refusal(e) is { } why) { throw why; }
        return GetAnmeldung(tenantId, anmeldung.Id)!;
    }

    public (IReadOnlyList<Anmeldung> Items, int Total) Warteliste(string tenantId, string? einrichtungId, string? status, int offset, int limit)
    {
        using var c = _db.Open();
        // The wishes are a short list per row; the filter by Kita and the rank are computed here, the rows are the tenant's.
        var all = KitaRules.Ordered(RegisterTables.Query(c, null,
                $"SELECT {AnmeldungColumns} FROM kita_anmeldung WHERE tenant_id = @p0 AND (CAST(@p1 AS TEXT) IS NULL OR status = CAST(@p1 AS TEXT))", ReadAnmeldung, tenantId, status)
            .Where(a => einrichtungId is null || a.Wuensche.Contains(einrichtungId, StringComparer.Ordinal))).ToList();
        var waiting = all.Where(a => a.Status == AnmeldungStatus.Wartend).Select(a => a.Id).ToList();
        var ranked = all.Count == 0 ? [] : Wartend(c, null, tenantId).Select((a, i) => (a.Id, Rang: i + 1)).ToDictionary(x => x.Id, x => x.Rang, StringComparer.Ordinal);
        return (all.Skip(offset).Take(limit).Select(a => a.Status == AnmeldungStatus.Wartend && ranked.TryGetValue(a.Id, out var r) ? a with { Rang = r } : a).ToList(), all.Count);
    }

    public Anmeldung Zuteilen(string tenantId, string id, LocalDate frist, Instant now)
    {
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        var a = Get(c, tx, tenantId, id) ?? throw KitaRules.Unbekannt(id);
        if (a.Status == AnmeldungStatus.Angeboten) return a; // a retried step: the offer stands
        if (a.Status != AnmeldungStatus.Wartend) throw KitaRules.Status(a, "be offered a place");
        var frei = RegisterTables.Query(c, tx, """
            SELECT p.einrichtung_id, p.altersgruppe, COUNT(*) FROM kita_platz p
            JOIN kita_einrichtung e ON e.tenant_id = p.tenant_id AND e.id = p.einrichtung_id AND e.aktiv = 1
            WHERE p.tenant_id = @p0 AND p.anmeldung_id IS NULL GROUP BY p.einrichtung_id, p.altersgruppe
            """, r => (Kita: r.GetString(0), Gruppe: r.GetString(1), Frei: I(r, 2)), tenantId)
            .ToDictionary(x => (x.Kita, x.Gruppe), x => x.Frei);
        if (KitaRules.Waehle(a, Wartend(c, tx, tenantId), (k, g) => frei.GetValueOrDefault((k, g))) is not { } kita)
        {
            tx.Rollback();
            return WithRank(c, tenantId, a);
        }
        try
        {
            var taken = RegisterTables.Execute(c, tx, """
                UPDATE kita_platz SET anmeldung_id = @p0, vergeben_am = @p1
                WHERE tenant_id = @p2 AND einrichtung_id = @p3 AND altersgruppe = @p4 AND anmeldung_id IS NULL
                  AND nr = (SELECT MIN(nr) FROM kita_platz WHERE tenant_id = @p2 AND einrichtung_id = @p3 AND altersgruppe = @p4 AND anmeldung_id IS NULL)
                """, id, Ticks.Of(now), tenantId, kita, a.Altersgruppe);
            if (taken != 1) { tx.Rollback(); return WithRank(c, tenantId, a); } // taken meanwhile: the next round tries again
            RegisterTables.Execute(c, tx, "UPDATE kita_anmeldung SET status = 'angeboten', einrichtung_id = @p0, angebot_frist = @p1, geaendert_am = @p2 WHERE tenant_id = @p3 AND id = @p4",
                kita, Iso(frist), Ticks.Of(now), tenantId, id);
            tx.Commit();
        }
        catch (DbException e) when (Refusal(e) is { } why) { throw why; }
        return Get(c, null, tenantId, id)!;
    }

    public Anmeldung Annehmen(string tenantId, string id, Instant now)
    {
        using var c = _db.Open();
        var a = Get(c, null, tenantId, id) ?? throw KitaRules.Unbekannt(id);
        if (a.Status == AnmeldungStatus.Angenommen) return a;
        if (a.Status != AnmeldungStatus.Angeboten) throw KitaRules.Status(a, "accept a place");
        RegisterTables.Execute(c, null, "UPDATE kita_anmeldung SET status = 'angenommen', geaendert_am = @p0 WHERE tenant_id = @p1 AND id = @p2 AND status = 'angeboten'",
            Ticks.Of(now), tenantId, id);
        return Get(c, null, tenantId, id)!;
    }

    public Anmeldung Freigeben(string tenantId, string id, string status, Instant now)
    {
        if (!AnmeldungStatus.Freigebend.Contains(status) && status != AnmeldungStatus.Wartend) throw KitaRules.Eingabe($"'{status}' does not free a place");
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        var a = Get(c, tx, tenantId, id) ?? throw KitaRules.Unbekannt(id);
        if (a.Status == status && a.EinrichtungId is null) { tx.Rollback(); return WithRank(c, tenantId, a); }
        if (AnmeldungStatus.Freigebend.Contains(a.Status)) throw KitaRules.Status(a, $"become {status}");
        if (status == AnmeldungStatus.Wartend && a.Status != AnmeldungStatus.Angeboten) throw KitaRules.Status(a, "go back on the list");
        RegisterTables.Execute(c, tx, "UPDATE kita_platz SET anmeldung_id = NULL, vergeben_am = NULL WHERE tenant_id = @p0 AND anmeldung_id = @p1", tenantId, id);
        RegisterTables.Execute(c, tx, "UPDATE kita_anmeldung SET status = @p0, einrichtung_id = NULL, angebot_frist = NULL, geaendert_am = @p1 WHERE tenant_id = @p2 AND id = @p3",
            status, Ticks.Of(now), tenantId, id);
        tx.Commit();
        return WithRank(c, tenantId, Get(c, null, tenantId, id)!);
    }
}
