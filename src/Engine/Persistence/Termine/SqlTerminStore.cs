using System.Data.Common;
using EGov.Workflows.Persistence.Data;
using static EGov.Workflows.Persistence.Data.RegisterCells;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;

namespace EGov.Workflows.Persistence.Termine;

/// <summary>
/// The appointment tables on SQLite or PostgreSQL (migration 0031). A counter's double booking is the database's rule,
/// never a read before the write: SQLite's trigger aborts an overlapping INSERT/UPDATE (<c>TER_BELEGT</c>), PostgreSQL's
/// exclusion constraint refuses it (SQLSTATE 23P01). A booking tries counter 1, 2, … with one INSERT each (each its own
/// statement and transaction) and takes the first the database accepts.
/// </summary>
public sealed class SqlTerminStore(DurableStoreOptions options) : ITerminStore
{
    private readonly RegisterTables _db = new(options, e => Violation(e));
    private readonly StoreProvider _provider = options.Provider;

    private const string StandortColumns = "id, name, adresse, schalter, raster_minuten, vorlauf_tage, gruppe, aktiv, geaendert_am";
    private const string LeistungColumns = "id, name, dauer_minuten, leika, aktiv, geaendert_am";
    private const string TerminColumns = "id, standort_id, schalter, dienstleistung_id, von, bis, status, buerger, name, email, instance_id, grund, erstellt_am, geaendert_am";
    private const string Belegend = "('gebucht', 'erschienen')";

    private static TerminConstraintException? Violation(DbException e) => e switch
    {
        SqliteException { SqliteErrorCode: 19 } s when s.Message.Contains("TER_BELEGT", StringComparison.Ordinal) => new("every counter is taken at that time", true, e),
        SqliteException { SqliteErrorCode: 19 } s => new(s.Message.Contains("FOREIGN KEY", StringComparison.Ordinal) ? "an unknown place or service is named"
            : s.Message.Contains("UNIQUE", StringComparison.Ordinal) ? "the name or id is taken" : "a rule of the appointments is broken: " + s.Message, false, e),
        PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation } => new("every counter is taken at that time", true, e),
        PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } => new("an unknown place or service is named", false, e),
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => new("the name or id is taken", false, e),
        PostgresException { SqlState: PostgresErrorCodes.CheckViolation } p => new("a rule of the appointments is broken: " + p.ConstraintName, false, e),
        _ => null,
    };

    private static Standort ReadStandort(DbDataReader r) => new(r.GetString(0), r.GetString(1), S(r, 2), (int)L(r, 3), (int)L(r, 4), (int)L(r, 5),
        r.GetString(6), L(r, 7) != 0, Ticks.At(L(r, 8)));

    public Standort? GetStandort(string tenantId, string id) =>
        _db.Query($"SELECT {StandortColumns} FROM ter_standort WHERE tenant_id = @p0 AND id = @p1", ReadStandort, tenantId, id).FirstOrDefault();

    public void PutStandort(string tenantId, Standort standort)
    {
        ArgumentNullException.ThrowIfNull(standort);
        TerminRules.Check(standort);
        _db.Execute($"""
            INSERT INTO ter_standort (tenant_id, {StandortColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9)
            ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, adresse = excluded.adresse, schalter = excluded.schalter,
                raster_minuten = excluded.raster_minuten, vorlauf_tage = excluded.vorlauf_tage, gruppe = excluded.gruppe, aktiv = excluded.aktiv,
                geaendert_am = excluded.geaendert_am
            """, tenantId, standort.Id, standort.Name, standort.Adresse, (long)standort.Schalter, (long)standort.RasterMinuten, (long)standort.VorlaufTage,
            standort.Gruppe, Flag(standort.Aktiv), Ticks.Of(standort.GeaendertAm));
    }

    public (IReadOnlyList<Standort> Items, int Total) ListStandorte(string tenantId, int offset, int limit) =>
        (_db.Query($"SELECT {StandortColumns} FROM ter_standort WHERE tenant_id = @p0 ORDER BY id LIMIT @p1 OFFSET @p2", ReadStandort, tenantId, (long)limit, (long)offset),
            _db.Count("SELECT COUNT(*) FROM ter_standort WHERE tenant_id = @p0", tenantId));

    public IReadOnlyList<Oeffnungszeit> Oeffnungszeiten(string tenantId, string standortId) =>
        _db.Query("SELECT wochentag, von_minute, bis_minute FROM ter_oeffnungszeit WHERE tenant_id = @p0 AND standort_id = @p1 ORDER BY wochentag, von_minute",
            r => new Oeffnungszeit((int)L(r, 0), (int)L(r, 1), (int)L(r, 2)), tenantId, standortId);

    public void SetOeffnungszeiten(string tenantId, string standortId, IReadOnlyList<Oeffnungszeit> zeiten)
    {
        var sorted = TerminRules.Check(zeiten);
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        try
        {
            // Lock the place's row first (PostgreSQL: FOR UPDATE is not needed on SQLite, whose writer holds the database).
            using (var exists = RegisterTables.Command(c, "UPDATE ter_standort SET geaendert_am = geaendert_am WHERE tenant_id = @p0 AND id = @p1", [tenantId, standortId]))
            {
                exists.Transaction = tx;
                if (exists.ExecuteNonQuery() == 0) throw new TerminConstraintException("an unknown place is named");
            }
            using (var delete = RegisterTables.Command(c, "DELETE FROM ter_oeffnungszeit WHERE tenant_id = @p0 AND standort_id = @p1", [tenantId, standortId]))
            {
                delete.Transaction = tx;
                delete.ExecuteNonQuery();
            }
            foreach (var z in sorted)
            {
                using var insert = RegisterTables.Command(c, "INSERT INTO ter_oeffnungszeit (tenant_id, standort_id, wochentag, von_minute, bis_minute) VALUES (@p0, @p1, @p2, @p3, @p4)",
                    [tenantId, standortId, (long)z.Wochentag, (long)z.VonMinute, (long)z.BisMinute]);
                insert.Transaction = tx;
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
        catch (DbException e) when (Violation(e) is { } why) { throw why; }
    }

    private static Dienstleistung ReadLeistung(DbDataReader r) => new(r.GetString(0), r.GetString(1), (int)L(r, 2), S(r, 3), L(r, 4) != 0, Ticks.At(L(r, 5)));

    public Dienstleistung? GetDienstleistung(string tenantId, string id) =>
        _db.Query($"SELECT {LeistungColumns} FROM ter_dienstleistung WHERE tenant_id = @p0 AND id = @p1", ReadLeistung, tenantId, id).FirstOrDefault();

    public void PutDienstleistung(string tenantId, Dienstleistung d)
    {
        ArgumentNullException.ThrowIfNull(d);
        TerminRules.Check(d);
        _db.Execute($"""
            INSERT INTO ter_dienstleistung (tenant_id, {LeistungColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6)
            ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, dauer_minuten = excluded.dauer_minuten, leika = excluded.leika,
                aktiv = excluded.aktiv, geaendert_am = excluded.geaendert_am
            """, tenantId, d.Id, d.Name, (long)d.DauerMinuten, d.Leika, Flag(d.Aktiv), Ticks.Of(d.GeaendertAm));
    }

    public (IReadOnlyList<Dienstleistung> Items, int Total) ListDienstleistungen(string tenantId, int offset, int limit) =>
        (_db.Query($"SELECT {LeistungColumns} FROM ter_dienstleistung WHERE tenant_id = @p0 ORDER BY name, id LIMIT @p1 OFFSET @p2", ReadLeistung, tenantId, (long)limit, (long)offset),
            _db.Count("SELECT COUNT(*) FROM ter_dienstleistung WHERE tenant_id = @p0", tenantId));

    private static Termin ReadTermin(DbDataReader r) => new(r.GetString(0), r.GetString(1), (int)L(r, 2), r.GetString(3), Ticks.At(L(r, 4)), Ticks.At(L(r, 5)),
        r.GetString(6), r.GetString(7), r.GetString(8), S(r, 9), S(r, 10), S(r, 11), Ticks.At(L(r, 12)), Ticks.At(L(r, 13)));

    public Termin? GetTermin(string tenantId, string id) =>
        _db.Query($"SELECT {TerminColumns} FROM ter_termin WHERE tenant_id = @p0 AND id = @p1", ReadTermin, tenantId, id).FirstOrDefault();

    public Termin Buchen(string tenantId, Termin termin, int schalter, int? hoechstensOffen = null)
    {
        ArgumentNullException.ThrowIfNull(termin);
        TerminRules.Check(termin);
        if (hoechstensOffen is { } max) return BuchenBegrenzt(tenantId, termin, schalter, max);
        for (var k = 1; k <= schalter; k++)
        {
            var at = termin with { Schalter = k };
            try
            {
                // One INSERT per counter: the trigger or the exclusion constraint decides whether this counter is free.
                _db.Execute($"INSERT INTO ter_termin (tenant_id, {TerminColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14)",
                    tenantId, at.Id, at.StandortId, (long)at.Schalter, at.DienstleistungId, Ticks.Of(at.Von), Ticks.Of(at.Bis), at.Status, at.Buerger, at.Name,
                    at.Email, at.InstanceId, at.Grund, Ticks.Of(at.ErstelltAm), Ticks.Of(at.GeaendertAm));
                return at;
            }
            catch (TerminConstraintException e) when (e.Belegt) { /* this counter is taken: the next */ }
        }
        throw new TerminConstraintException("every counter is taken at that time", belegt: true);
    }

    /// <summary>
    /// The citizen's count and the insert in one transaction, serialised per citizen: SQLite's transaction begins IMMEDIATE (the
    /// one writer), PostgreSQL's takes an advisory lock on tenant and citizen first, so a second booking of the same citizen waits
    /// and then counts the first. Each counter is tried inside a savepoint; a counter taken rolls back only its insert.
    /// </summary>
    private Termin BuchenBegrenzt(string tenantId, Termin termin, int schalter, int max)
    {
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        try
        {
            if (_provider == StoreProvider.Postgres)
                RegisterTables.Query(c, tx, "SELECT pg_advisory_xact_lock(hashtext(@p0), hashtext(@p1))", r => 0, "ter_termin/" + tenantId, termin.Buerger);
            var offen = RegisterTables.Query(c, tx, $"SELECT COUNT(*) FROM ter_termin WHERE tenant_id = @p0 AND buerger = @p1 AND status IN {Belegend} AND bis > @p2",
                r => L(r, 0), tenantId, termin.Buerger, Ticks.Of(termin.ErstelltAm))[0];
            if (offen >= max) throw TerminRules.ZuViele(max);
            for (var k = 1; k <= schalter; k++)
            {
                var at = termin with { Schalter = k };
                tx.Save("schalter");
                try
                {
                    RegisterTables.Execute(c, tx, $"INSERT INTO ter_termin (tenant_id, {TerminColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14)",
                        tenantId, at.Id, at.StandortId, (long)at.Schalter, at.DienstleistungId, Ticks.Of(at.Von), Ticks.Of(at.Bis), at.Status, at.Buerger, at.Name,
                        at.Email, at.InstanceId, at.Grund, Ticks.Of(at.ErstelltAm), Ticks.Of(at.GeaendertAm));
                    tx.Commit();
                    return at;
                }
                catch (DbException e) when (Violation(e) is { Belegt: true })
                {
                    tx.Rollback("schalter"); // this counter is taken: the next
                }
            }
            throw new TerminConstraintException("every counter is taken at that time", belegt: true);
        }
        catch (DbException e) when (Violation(e) is { } why) { throw why; }
    }

    public Termin Umbuchen(string tenantId, string id, Instant von, Instant bis, int schalter, Instant geaendertAm)
    {
        if (bis <= von) throw new TerminConstraintException("an appointment ends after it begins");
        for (var k = 1; k <= schalter; k++)
        {
            try
            {
                if (_db.Execute("UPDATE ter_termin SET von = @p2, bis = @p3, schalter = @p4, geaendert_am = @p5 WHERE tenant_id = @p0 AND id = @p1",
                        tenantId, id, Ticks.Of(von), Ticks.Of(bis), (long)k, Ticks.Of(geaendertAm)) == 0)
                    throw new TerminConstraintException("an unknown appointment is named");
                return GetTermin(tenantId, id)!;
            }
            catch (TerminConstraintException e) when (e.Belegt) { /* the next counter */ }
        }
        throw new TerminConstraintException("every counter is taken at that time", belegt: true);
    }

    public void SetStatus(string tenantId, string id, string status, string? grund, Instant geaendertAm)
    {
        if (!TerminStatus.All.Contains(status)) throw new TerminConstraintException($"unknown status '{status}'");
        _db.Execute("UPDATE ter_termin SET status = @p2, grund = COALESCE(CAST(@p3 AS TEXT), grund), geaendert_am = @p4 WHERE tenant_id = @p0 AND id = @p1",
            tenantId, id, status, grund, Ticks.Of(geaendertAm));
    }

    public void SetInstance(string tenantId, string id, string instanceId) =>
        _db.Execute("UPDATE ter_termin SET instance_id = @p2 WHERE tenant_id = @p0 AND id = @p1", tenantId, id, instanceId);

    public (IReadOnlyList<Termin> Items, int Total) Tag(string tenantId, string standortId, Instant von, Instant bis, bool auchInaktive, int offset, int limit)
    {
        var where = $"tenant_id = @p0 AND standort_id = @p1 AND von < @p3 AND bis > @p2{(auchInaktive ? "" : " AND status IN " + Belegend)}";
        return (_db.Query($"SELECT {TerminColumns} FROM ter_termin WHERE {where} ORDER BY von, schalter, id LIMIT @p4 OFFSET @p5", ReadTermin,
                tenantId, standortId, Ticks.Of(von), Ticks.Of(bis), (long)limit, (long)offset),
            _db.Count($"SELECT COUNT(*) FROM ter_termin WHERE {where}", tenantId, standortId, Ticks.Of(von), Ticks.Of(bis)));
    }

    public (IReadOnlyList<Termin> Items, int Total) TermineVon(string tenantId, string buerger, int offset, int limit) =>
        (_db.Query($"SELECT {TerminColumns} FROM ter_termin WHERE tenant_id = @p0 AND buerger = @p1 ORDER BY von DESC, id LIMIT @p2 OFFSET @p3", ReadTermin,
                tenantId, buerger, (long)limit, (long)offset),
            _db.Count("SELECT COUNT(*) FROM ter_termin WHERE tenant_id = @p0 AND buerger = @p1", tenantId, buerger));
}
