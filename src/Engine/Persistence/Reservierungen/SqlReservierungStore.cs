using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using static EGov.Workflows.Persistence.Data.RegisterCells;
using EGov.Workflows.Persistence.Data.Sqlite;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;

namespace EGov.Workflows.Persistence.Reservierungen;

/// <summary>
/// The reservation tables on SQLite or PostgreSQL (migration 0030). Conflicts are the database's rule, never a read before
/// the write: SQLite's trigger aborts an overlapping INSERT/UPDATE (<c>RES_BELEGT</c>), PostgreSQL's exclusion constraint
/// over <c>tstzrange</c> refuses it (SQLSTATE 23P01); either becomes a <see cref="ReservierungConstraintException"/> with
/// <see cref="ReservierungConstraintException.Belegt"/>. Foreign keys are switched on for each SQLite connection.
/// </summary>
public sealed class SqlReservierungStore(DurableStoreOptions options) : IReservierungStore
{
    private readonly RegisterTables _db = new(options, e => Violation(e));

    private const string RessourceColumns = "id, art, name, standort, kapazitaet, kennzeichen, genehmigungspflicht, genehmiger_gruppe, verwalter_gruppe, aktiv, geaendert_am";
    private const string BuchungColumns = "id, ressource_id, von, bis, status, gebucht_fuer, gebucht_von, zweck, teilnehmer, instance_id, erstellt_am, geaendert_am";
    private const string Belegend = "('angefragt', 'bestaetigt', 'ausgegeben')";

    /// <summary>The refusal a constraint made, or null when the error is something else.</summary>
    private static ReservierungConstraintException? Violation(DbException e) => e switch
    {
        SqliteException { SqliteErrorCode: 19 } s when s.Message.Contains("RES_BELEGT", StringComparison.Ordinal) => new("the resource is booked at that time", true, e),
        SqliteException { SqliteErrorCode: 19 } s when s.Message.Contains("UNIQUE", StringComparison.Ordinal) => new("the name or id is taken", false, e, vergeben: true),
        SqliteException { SqliteErrorCode: 19 } s => new(s.Message.Contains("FOREIGN KEY", StringComparison.Ordinal) ? "an unknown resource is named"
            : "a rule of the reservations is broken: " + s.Message, false, e),
        PostgresException { SqlState: PostgresErrorCodes.ExclusionViolation } => new("the resource is booked at that time", true, e),
        PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } => new("an unknown resource is named", false, e),
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => new("the name or id is taken", false, e, vergeben: true),
        PostgresException { SqlState: PostgresErrorCodes.CheckViolation } p => new("a rule of the reservations is broken: " + p.ConstraintName, false, e),
        _ => null,
    };

    private static int? I(DbDataReader r, int i) => r.IsDBNull(i) ? null : (int)L(r, i);

    private static Ressource ReadRessource(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), S(r, 3), I(r, 4), S(r, 5),
        L(r, 6) != 0, S(r, 7), r.GetString(8), L(r, 9) != 0, Ticks.At(L(r, 10)));

    public Ressource? GetRessource(string tenantId, string id) =>
        _db.Query($"SELECT {RessourceColumns} FROM res_ressource WHERE tenant_id = @p0 AND id = @p1", ReadRessource, tenantId, id).FirstOrDefault();

    public void PutRessource(string tenantId, Ressource ressource)
    {
        ArgumentNullException.ThrowIfNull(ressource);
        _db.Execute($"""
            INSERT INTO res_ressource (tenant_id, {RessourceColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11)
            ON CONFLICT (tenant_id, id) DO UPDATE SET art = excluded.art, name = excluded.name, standort = excluded.standort, kapazitaet = excluded.kapazitaet,
                kennzeichen = excluded.kennzeichen, genehmigungspflicht = excluded.genehmigungspflicht, genehmiger_gruppe = excluded.genehmiger_gruppe,
                verwalter_gruppe = excluded.verwalter_gruppe, aktiv = excluded.aktiv, geaendert_am = excluded.geaendert_am
            """, tenantId, ressource.Id, ressource.Art, ressource.Name, ressource.Standort, (long?)ressource.Kapazitaet, ressource.Kennzeichen,
            Flag(ressource.Genehmigungspflicht), ressource.GenehmigerGruppe, ressource.VerwalterGruppe, Flag(ressource.Aktiv), Ticks.Of(ressource.GeaendertAm));
    }

    public (IReadOnlyList<Ressource> Items, int Total) ListRessourcen(string tenantId, string? art, int offset, int limit)
    {
        const string Where = "tenant_id = @p0 AND (CAST(@p1 AS TEXT) IS NULL OR art = @p1)";
        return (_db.Query($"SELECT {RessourceColumns} FROM res_ressource WHERE {Where} ORDER BY id LIMIT @p2 OFFSET @p3", ReadRessource, tenantId, art, (long)limit, (long)offset),
            _db.Count($"SELECT COUNT(*) FROM res_ressource WHERE {Where}", tenantId, art));
    }

    private static Buchung ReadBuchung(DbDataReader r) => new(r.GetString(0), r.GetString(1), Ticks.At(L(r, 2)), Ticks.At(L(r, 3)), r.GetString(4),
        r.GetString(5), r.GetString(6), r.GetString(7), I(r, 8), S(r, 9), Ticks.At(L(r, 10)), Ticks.At(L(r, 11)));

    public Buchung? GetBuchung(string tenantId, string id) =>
        _db.Query($"SELECT {BuchungColumns} FROM res_buchung WHERE tenant_id = @p0 AND id = @p1", ReadBuchung, tenantId, id).FirstOrDefault();

    public void AddBuchung(string tenantId, Buchung buchung)
    {
        ArgumentNullException.ThrowIfNull(buchung);
        // One INSERT: the trigger (SQLite) or the exclusion constraint (PostgreSQL) decides whether the time is free.
        _db.Execute($"INSERT INTO res_buchung (tenant_id, {BuchungColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12)",
            tenantId, buchung.Id, buchung.RessourceId, Ticks.Of(buchung.Von), Ticks.Of(buchung.Bis), buchung.Status, buchung.GebuchtFuer,
            buchung.GebuchtVon, buchung.Zweck, (long?)buchung.Teilnehmer, buchung.InstanceId, Ticks.Of(buchung.ErstelltAm), Ticks.Of(buchung.GeaendertAm));
    }

    public void SetStatus(string tenantId, string id, string status, Instant geaendertAm) =>
        _db.Execute("UPDATE res_buchung SET status = @p2, geaendert_am = @p3 WHERE tenant_id = @p0 AND id = @p1", tenantId, id, status, Ticks.Of(geaendertAm));

    public (IReadOnlyList<Buchung> Items, int Total) Kalender(string tenantId, string ressourceId, Instant von, Instant bis, bool auchInaktive, int offset, int limit)
    {
        var where = $"tenant_id = @p0 AND ressource_id = @p1 AND von < @p3 AND bis > @p2{(auchInaktive ? "" : " AND status IN " + Belegend)}";
        return (_db.Query($"SELECT {BuchungColumns} FROM res_buchung WHERE {where} ORDER BY von, id LIMIT @p4 OFFSET @p5", ReadBuchung,
                tenantId, ressourceId, Ticks.Of(von), Ticks.Of(bis), (long)limit, (long)offset),
            _db.Count($"SELECT COUNT(*) FROM res_buchung WHERE {where}", tenantId, ressourceId, Ticks.Of(von), Ticks.Of(bis)));
    }

    public (IReadOnlyList<Buchung> Items, int Total) BuchungenVon(string tenantId, string person, int offset, int limit)
    {
        const string Where = "tenant_id = @p0 AND (gebucht_fuer = @p1 OR gebucht_von = @p1)";
        return (_db.Query($"SELECT {BuchungColumns} FROM res_buchung WHERE {Where} ORDER BY von DESC, id LIMIT @p2 OFFSET @p3", ReadBuchung, tenantId, person, (long)limit, (long)offset),
            _db.Count($"SELECT COUNT(*) FROM res_buchung WHERE {Where}", tenantId, person));
    }
}
