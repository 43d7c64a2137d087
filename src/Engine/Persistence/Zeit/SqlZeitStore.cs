using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace EGov.Workflows.Persistence.Zeit;

/// <summary>
/// The time-management tables on SQLite or PostgreSQL (migration 0026). Booking leave and reserving budget are one UPDATE of the
/// account's (budget's) running total plus one INSERT in a transaction: the limit is the table's check constraint, and the UPDATE
/// holds the row (PostgreSQL) or the database (SQLite, a write transaction) until the commit, so concurrent requests serialise
/// there and the second one that no longer fits is refused — no check-then-insert.
/// </summary>
public sealed class SqlZeitStore(DurableStoreOptions options) : IZeitStore
{
    private const string KontoColumns = "mitarbeiter, jahr, anspruch_halbtage, uebertrag_halbtage, gebucht_halbtage, geaendert_am";
    private const string BuchungColumns = "id, mitarbeiter, jahr, von, bis, halbtage, status, instance_id, gebucht_am, storniert_am";
    private const string BudgetColumns = "kostenstelle, jahr, bezeichnung, budget_cent, gebunden_cent, geaendert_am";
    private const string ReservierungColumns = "id, kostenstelle, jahr, betrag_cent, status, mitarbeiter, titel, instance_id, reserviert_am, aufgeloest_am";

    private readonly RegisterTables _tables = new(options, _ => null);

    private DbConnection Open() => _tables.Open();
    private static int Execute(DbConnection c, DbTransaction? tx, string sql, params object?[] values) => RegisterTables.Execute(c, tx, sql, values);
    private static List<T> Query<T>(DbConnection c, DbTransaction? tx, string sql, Func<DbDataReader, T> read, params object?[] values) =>
        RegisterTables.Query(c, tx, sql, read, values);
    private List<T> Query<T>(string sql, Func<DbDataReader, T> read, params object?[] values) => _tables.Query(sql, read, values);
    private int Count(string sql, params object?[] values) => _tables.Count(sql, values);

    private static bool IsCheck(DbException e) => e is SqliteException { SqliteErrorCode: 19 } s && s.Message.Contains("CHECK", StringComparison.Ordinal)
        || e is PostgresException { SqlState: PostgresErrorCodes.CheckViolation };
    private static bool IsUnique(DbException e) => e is SqliteException { SqliteErrorCode: 19 } s && (s.Message.Contains("UNIQUE", StringComparison.Ordinal) || s.Message.Contains("PRIMARY KEY", StringComparison.Ordinal))
        || e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    private static string? S(DbDataReader r, int i) => RegisterCells.S(r, i);
    private static long L(DbDataReader r, int i) => RegisterCells.L(r, i);
    private static int I(DbDataReader r, int i) => (int)RegisterCells.L(r, i);
    private static Instant? T(DbDataReader r, int i) => RegisterCells.T(r, i);
    private static LocalDate D(DbDataReader r, int i) => LocalDatePattern.Iso.Parse(r.GetString(i)).GetValueOrThrow();
    private static string Iso(LocalDate d) => LocalDatePattern.Iso.Format(d);

    /// <summary>Days as half days: a value that is no multiple of ½ is refused by the callers before it comes here.</summary>
    internal static long Halbtage(decimal tage) => (long)decimal.Round(tage * 2m);
    private static decimal Tage(long halbtage) => halbtage / 2m;
    internal static long Cent(decimal euro) => (long)decimal.Round(euro * 100m);
    private static decimal Euro(long cent) => cent / 100m;

    private static Urlaubskonto ReadKonto(DbDataReader r) => new(r.GetString(0), I(r, 1), Tage(L(r, 2)), Tage(L(r, 3)), Tage(L(r, 4)), Ticks.At(L(r, 5)));
    private static Urlaubsbuchung ReadBuchung(DbDataReader r) => new(r.GetString(0), r.GetString(1), I(r, 2), D(r, 3), D(r, 4), Tage(L(r, 5)), r.GetString(6), S(r, 7), Ticks.At(L(r, 8)), T(r, 9));
    private static Fortbildungsbudget ReadBudget(DbDataReader r) => new(r.GetString(0), I(r, 1), r.GetString(2), Euro(L(r, 3)), Euro(L(r, 4)), Ticks.At(L(r, 5)));
    private static Budgetreservierung ReadReservierung(DbDataReader r) => new(r.GetString(0), r.GetString(1), I(r, 2), Euro(L(r, 3)), r.GetString(4), r.GetString(5), r.GetString(6), S(r, 7), Ticks.At(L(r, 8)), T(r, 9));

    public Urlaubskonto? GetUrlaubskonto(string tenantId, string mitarbeiter, int jahr) =>
        Query($"SELECT {KontoColumns} FROM zeit_urlaubskonto WHERE tenant_id = @p0 AND mitarbeiter = @p1 AND jahr = @p2", ReadKonto, tenantId, mitarbeiter, (long)jahr).FirstOrDefault();

    public Urlaubskonto PutUrlaubskonto(string tenantId, string mitarbeiter, int jahr, decimal anspruch, decimal uebertrag, Instant now)
    {
        using var c = Open();
        try
        {
            Execute(c, null, """
                INSERT INTO zeit_urlaubskonto (tenant_id, mitarbeiter, jahr, anspruch_halbtage, uebertrag_halbtage, gebucht_halbtage, geaendert_am)
                VALUES (@p0, @p1, @p2, @p3, @p4, 0, @p5)
                ON CONFLICT (tenant_id, mitarbeiter, jahr) DO UPDATE SET anspruch_halbtage = excluded.anspruch_halbtage,
                    uebertrag_halbtage = excluded.uebertrag_halbtage, geaendert_am = excluded.geaendert_am
                """, tenantId, mitarbeiter, (long)jahr, Halbtage(anspruch), Halbtage(uebertrag), Ticks.Of(now));
        }
        catch (DbException e) when (IsCheck(e))
        {
            throw new ZeitConstraintException(ZeitFehler.UnterGebucht, $"Anspruch und Übertrag von {mitarbeiter} für {jahr} lägen unter den schon gebuchten Tagen.", e);
        }
        return Query(c, null, $"SELECT {KontoColumns} FROM zeit_urlaubskonto WHERE tenant_id = @p0 AND mitarbeiter = @p1 AND jahr = @p2", ReadKonto, tenantId, mitarbeiter, (long)jahr)[0];
    }

    public (IReadOnlyList<Urlaubskonto> Items, int Total) ListUrlaubskonten(string tenantId, string? mitarbeiter, int? jahr, int offset, int limit)
    {
        const string Where = "tenant_id = @p0 AND (CAST(@p1 AS TEXT) IS NULL OR mitarbeiter = @p1) AND (CAST(@p2 AS BIGINT) IS NULL OR jahr = @p2)";
        return (Query($"SELECT {KontoColumns} FROM zeit_urlaubskonto WHERE {Where} ORDER BY mitarbeiter, jahr LIMIT @p3 OFFSET @p4", ReadKonto,
                tenantId, mitarbeiter, (long?)jahr, (long)limit, (long)offset),
            Count($"SELECT COUNT(*) FROM zeit_urlaubskonto WHERE {Where}", tenantId, mitarbeiter, (long?)jahr));
    }

    public Urlaubsbuchung Buchen(string tenantId, Urlaubsbuchung buchung)
    {
        ArgumentNullException.ThrowIfNull(buchung);
        return Debit(
            (c, tx) => Query(c, tx, $"SELECT {BuchungColumns} FROM zeit_urlaubsbuchung WHERE tenant_id = @p0 AND id = @p1", ReadBuchung, tenantId, buchung.Id).FirstOrDefault(),
            existing => Same(existing, buchung),
            (c, tx) => Execute(c, tx, "UPDATE zeit_urlaubskonto SET gebucht_halbtage = gebucht_halbtage + @p0, geaendert_am = @p1 WHERE tenant_id = @p2 AND mitarbeiter = @p3 AND jahr = @p4",
                Halbtage(buchung.Tage), Ticks.Of(buchung.GebuchtAm), tenantId, buchung.Mitarbeiter, (long)buchung.Jahr),
            () => new ZeitConstraintException(ZeitFehler.KeinUrlaubskonto, $"Für {buchung.Mitarbeiter} gibt es kein Urlaubskonto {buchung.Jahr}."),
            (c, tx) => Execute(c, tx, $"INSERT INTO zeit_urlaubsbuchung (tenant_id, {BuchungColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, NULL)",
                tenantId, buchung.Id, buchung.Mitarbeiter, (long)buchung.Jahr, Iso(buchung.Von), Iso(buchung.Bis), Halbtage(buchung.Tage),
                UrlaubsbuchungStatus.Gebucht, buchung.InstanceId, Ticks.Of(buchung.GebuchtAm)),
            e => new ZeitConstraintException(ZeitFehler.ResturlaubUeberschritten,
                $"{buchung.Tage.ToString(CultureInfo.InvariantCulture)} Tage übersteigen den Resturlaub von {buchung.Mitarbeiter} für {buchung.Jahr}.", e));
    }

    /// <summary>
    /// The shape of booking leave and reserving budget: in one transaction, answer the record if its id is known (a retried
    /// step), else add to the running total (<paramref name="debit"/>; no row: <paramref name="missing"/>) and insert the
    /// record. The total's check constraint refuses what no longer fits (<paramref name="overdrawn"/>); a unique violation
    /// means a concurrent retry inserted the same id first, and its record is the answer.
    /// </summary>
    private T Debit<T>(Func<DbConnection, DbTransaction?, T?> find, Func<T, T> same, Func<DbConnection, DbTransaction, int> debit, Func<Exception> missing,
        Action<DbConnection, DbTransaction> insert, Func<DbException, Exception> overdrawn) where T : class
    {
        using var c = Open();
        using (var tx = c.BeginTransaction())
        {
            try
            {
                if (find(c, tx) is { } existing) return same(existing);
                if (debit(c, tx) == 0) throw missing();
                insert(c, tx);
                tx.Commit();
            }
            catch (DbException e) when (IsCheck(e))
            {
                throw overdrawn(e);
            }
            catch (DbException e) when (IsUnique(e))
            {
                tx.Rollback();
                return same(find(c, null)!);
            }
        }
        return find(c, null)!;
    }

    private static Urlaubsbuchung Same(Urlaubsbuchung existing, Urlaubsbuchung asked) =>
        existing.Mitarbeiter == asked.Mitarbeiter && existing.Jahr == asked.Jahr && existing.Tage == asked.Tage ? existing
            : throw new ZeitConstraintException(ZeitFehler.IdVergeben, $"Die Buchung „{asked.Id}“ gibt es schon, für andere Tage oder eine andere Person.");

    public Urlaubsbuchung? Stornieren(string tenantId, string id, Instant now)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        var b = Query(c, tx, $"SELECT {BuchungColumns} FROM zeit_urlaubsbuchung WHERE tenant_id = @p0 AND id = @p1", ReadBuchung, tenantId, id).FirstOrDefault();
        if (b is null || b.Status == UrlaubsbuchungStatus.Storniert) return b;
        if (Execute(c, tx, "UPDATE zeit_urlaubsbuchung SET status = @p0, storniert_am = @p1 WHERE tenant_id = @p2 AND id = @p3 AND status = @p4",
                UrlaubsbuchungStatus.Storniert, Ticks.Of(now), tenantId, id, UrlaubsbuchungStatus.Gebucht) == 1)
            Execute(c, tx, "UPDATE zeit_urlaubskonto SET gebucht_halbtage = gebucht_halbtage - @p0, geaendert_am = @p1 WHERE tenant_id = @p2 AND mitarbeiter = @p3 AND jahr = @p4",
                Halbtage(b.Tage), Ticks.Of(now), tenantId, b.Mitarbeiter, (long)b.Jahr);
        tx.Commit();
        return b with { Status = UrlaubsbuchungStatus.Storniert, StorniertAm = now };
    }

    public Urlaubsbuchung? GetUrlaubsbuchung(string tenantId, string id) =>
        Query($"SELECT {BuchungColumns} FROM zeit_urlaubsbuchung WHERE tenant_id = @p0 AND id = @p1", ReadBuchung, tenantId, id).FirstOrDefault();

    public (IReadOnlyList<Urlaubsbuchung> Items, int Total) ListUrlaubsbuchungen(string tenantId, string mitarbeiter, int? jahr, int offset, int limit)
    {
        const string Where = "tenant_id = @p0 AND mitarbeiter = @p1 AND (CAST(@p2 AS BIGINT) IS NULL OR jahr = @p2)";
        return (Query($"SELECT {BuchungColumns} FROM zeit_urlaubsbuchung WHERE {Where} ORDER BY von DESC, id LIMIT @p3 OFFSET @p4", ReadBuchung,
                tenantId, mitarbeiter, (long?)jahr, (long)limit, (long)offset),
            Count($"SELECT COUNT(*) FROM zeit_urlaubsbuchung WHERE {Where}", tenantId, mitarbeiter, (long?)jahr));
    }

    public Fortbildungsbudget? GetBudget(string tenantId, string kostenstelle, int jahr) =>
        Query($"SELECT {BudgetColumns} FROM zeit_fortbildungsbudget WHERE tenant_id = @p0 AND kostenstelle = @p1 AND jahr = @p2", ReadBudget, tenantId, kostenstelle, (long)jahr).FirstOrDefault();

    public Fortbildungsbudget PutBudget(string tenantId, string kostenstelle, int jahr, string bezeichnung, decimal budget, Instant now)
    {
        using var c = Open();
        try
        {
            Execute(c, null, """
                INSERT INTO zeit_fortbildungsbudget (tenant_id, kostenstelle, jahr, bezeichnung, budget_cent, gebunden_cent, geaendert_am)
                VALUES (@p0, @p1, @p2, @p3, @p4, 0, @p5)
                ON CONFLICT (tenant_id, kostenstelle, jahr) DO UPDATE SET bezeichnung = excluded.bezeichnung, budget_cent = excluded.budget_cent,
                    geaendert_am = excluded.geaendert_am
                """, tenantId, kostenstelle, (long)jahr, bezeichnung, Cent(budget), Ticks.Of(now));
        }
        catch (DbException e) when (IsCheck(e))
        {
            throw new ZeitConstraintException(ZeitFehler.UnterGebucht, $"Das Budget der Kostenstelle {kostenstelle} für {jahr} läge unter dem schon reservierten Betrag.", e);
        }
        return Query(c, null, $"SELECT {BudgetColumns} FROM zeit_fortbildungsbudget WHERE tenant_id = @p0 AND kostenstelle = @p1 AND jahr = @p2", ReadBudget, tenantId, kostenstelle, (long)jahr)[0];
    }

    public (IReadOnlyList<Fortbildungsbudget> Items, int Total) ListBudgets(string tenantId, int? jahr, int offset, int limit)
    {
        const string Where = "tenant_id = @p0 AND (CAST(@p1 AS BIGINT) IS NULL OR jahr = @p1)";
        return (Query($"SELECT {BudgetColumns} FROM zeit_fortbildungsbudget WHERE {Where} ORDER BY jahr DESC, kostenstelle LIMIT @p2 OFFSET @p3", ReadBudget,
                tenantId, (long?)jahr, (long)limit, (long)offset),
            Count($"SELECT COUNT(*) FROM zeit_fortbildungsbudget WHERE {Where}", tenantId, (long?)jahr));
    }

    public Budgetreservierung Reservieren(string tenantId, Budgetreservierung reservierung)
    {
        ArgumentNullException.ThrowIfNull(reservierung);
        return Debit(
            (c, tx) => Query(c, tx, $"SELECT {ReservierungColumns} FROM zeit_budgetreservierung WHERE tenant_id = @p0 AND id = @p1", ReadReservierung, tenantId, reservierung.Id).FirstOrDefault(),
            existing => Same(existing, reservierung),
            (c, tx) => Execute(c, tx, "UPDATE zeit_fortbildungsbudget SET gebunden_cent = gebunden_cent + @p0, geaendert_am = @p1 WHERE tenant_id = @p2 AND kostenstelle = @p3 AND jahr = @p4",
                Cent(reservierung.Betrag), Ticks.Of(reservierung.ReserviertAm), tenantId, reservierung.Kostenstelle, (long)reservierung.Jahr),
            () => new ZeitConstraintException(ZeitFehler.KeinBudget, $"Für die Kostenstelle {reservierung.Kostenstelle} gibt es kein Fortbildungsbudget {reservierung.Jahr}."),
            (c, tx) => Execute(c, tx, $"INSERT INTO zeit_budgetreservierung (tenant_id, {ReservierungColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, NULL)",
                tenantId, reservierung.Id, reservierung.Kostenstelle, (long)reservierung.Jahr, Cent(reservierung.Betrag), ReservierungStatus.Reserviert,
                reservierung.Mitarbeiter, reservierung.Titel, reservierung.InstanceId, Ticks.Of(reservierung.ReserviertAm)),
            e => new ZeitConstraintException(ZeitFehler.BudgetErschoepft,
                $"{reservierung.Betrag.ToString("0.00", CultureInfo.InvariantCulture)} € übersteigen das verfügbare Fortbildungsbudget der Kostenstelle {reservierung.Kostenstelle} für {reservierung.Jahr}.", e));
    }

    private static Budgetreservierung Same(Budgetreservierung existing, Budgetreservierung asked) =>
        existing.Kostenstelle == asked.Kostenstelle && existing.Jahr == asked.Jahr && existing.Betrag == asked.Betrag ? existing
            : throw new ZeitConstraintException(ZeitFehler.IdVergeben, $"Die Reservierung „{asked.Id}“ gibt es schon, über einen anderen Betrag oder ein anderes Budget.");

    public Budgetreservierung? Aufloesen(string tenantId, string id, Instant now)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        var r = Query(c, tx, $"SELECT {ReservierungColumns} FROM zeit_budgetreservierung WHERE tenant_id = @p0 AND id = @p1", ReadReservierung, tenantId, id).FirstOrDefault();
        if (r is null || r.Status == ReservierungStatus.Aufgeloest) return r;
        if (Execute(c, tx, "UPDATE zeit_budgetreservierung SET status = @p0, aufgeloest_am = @p1 WHERE tenant_id = @p2 AND id = @p3 AND status = @p4",
                ReservierungStatus.Aufgeloest, Ticks.Of(now), tenantId, id, ReservierungStatus.Reserviert) == 1)
            Execute(c, tx, "UPDATE zeit_fortbildungsbudget SET gebunden_cent = gebunden_cent - @p0, geaendert_am = @p1 WHERE tenant_id = @p2 AND kostenstelle = @p3 AND jahr = @p4",
                Cent(r.Betrag), Ticks.Of(now), tenantId, r.Kostenstelle, (long)r.Jahr);
        tx.Commit();
        return r with { Status = ReservierungStatus.Aufgeloest, AufgeloestAm = now };
    }

    public Budgetreservierung? GetReservierung(string tenantId, string id) =>
        Query($"SELECT {ReservierungColumns} FROM zeit_budgetreservierung WHERE tenant_id = @p0 AND id = @p1", ReadReservierung, tenantId, id).FirstOrDefault();

    public (IReadOnlyList<Budgetreservierung> Items, int Total) ListReservierungen(string tenantId, string kostenstelle, int jahr, int offset, int limit)
    {
        const string Where = "tenant_id = @p0 AND kostenstelle = @p1 AND jahr = @p2";
        return (Query($"SELECT {ReservierungColumns} FROM zeit_budgetreservierung WHERE {Where} ORDER BY reserviert_am, id LIMIT @p3 OFFSET @p4", ReadReservierung,
                tenantId, kostenstelle, (long)jahr, (long)limit, (long)offset),
            Count($"SELECT COUNT(*) FROM zeit_budgetreservierung WHERE {Where}", tenantId, kostenstelle, (long)jahr));
    }
}
