using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using static EGov.Workflows.Persistence.Data.RegisterCells;
using EGov.Workflows.Persistence.Data.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EGov.Workflows.Persistence.Adressbuch;

/// <summary>
/// The directory's tables on SQLite or PostgreSQL (migration 0030). The rules are the tables' constraints (foreign keys,
/// a unique group per unit, nobody their own deputy); a write they refuse becomes an <see cref="AdressbuchConstraintException"/>.
/// </summary>
public sealed class SqlAdressbuchStore(DurableStoreOptions options) : IAdressbuchStore
{
    private readonly RegisterTables _db = new(options, Violation);

    private const string EinheitColumns = "id, name, kurzname, uebergeordnet_id, gruppe, leitung_id, geaendert_am";
    private const string PersonColumns = "id, nachname, vorname, org_einheit_id, funktion, telefon, email, raum, aktiv, geaendert_am";

    private static AdressbuchConstraintException? Violation(DbException e) => e switch
    {
        SqliteException { SqliteErrorCode: 19 } s => s.Message.Contains("FOREIGN KEY", StringComparison.Ordinal) ? new("an unknown unit or person is named", AdressbuchRule.UnknownReference, e)
            : s.Message.Contains("UNIQUE", StringComparison.Ordinal) ? new("the group or deputy is taken", AdressbuchRule.Taken, e)
            : new("a rule of the directory is broken: " + s.Message, AdressbuchRule.Other, e),
        PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } => new("an unknown unit or person is named", AdressbuchRule.UnknownReference, e),
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => new("the group or deputy is taken", AdressbuchRule.Taken, e),
        PostgresException { SqlState: PostgresErrorCodes.CheckViolation } p => new("a rule of the directory is broken: " + p.ConstraintName, AdressbuchRule.Other, e),
        _ => null,
    };


    private static OrgEinheit ReadEinheit(DbDataReader r) => new(r.GetString(0), r.GetString(1), S(r, 2), S(r, 3), r.GetString(4), S(r, 5), Ticks.At(L(r, 6)));

    public OrgEinheit? GetOrgEinheit(string tenantId, string id) =>
        _db.Query($"SELECT {EinheitColumns} FROM adr_org_einheit WHERE tenant_id = @p0 AND id = @p1", ReadEinheit, tenantId, id).FirstOrDefault();

    public void PutOrgEinheit(string tenantId, OrgEinheit einheit)
    {
        ArgumentNullException.ThrowIfNull(einheit);
        _db.Execute($"""
            INSERT INTO adr_org_einheit (tenant_id, {EinheitColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)
            ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, kurzname = excluded.kurzname, uebergeordnet_id = excluded.uebergeordnet_id,
                gruppe = excluded.gruppe, leitung_id = excluded.leitung_id, geaendert_am = excluded.geaendert_am
            """, tenantId, einheit.Id, einheit.Name, einheit.Kurzname, einheit.UebergeordnetId, einheit.Gruppe, einheit.LeitungId, Ticks.Of(einheit.GeaendertAm));
    }

    public (IReadOnlyList<OrgEinheit> Items, int Total) ListOrgEinheiten(string tenantId, int offset, int limit) =>
        (_db.Query($"SELECT {EinheitColumns} FROM adr_org_einheit WHERE tenant_id = @p0 ORDER BY id LIMIT @p1 OFFSET @p2", ReadEinheit, tenantId, (long)limit, (long)offset),
         _db.Count("SELECT COUNT(*) FROM adr_org_einheit WHERE tenant_id = @p0", tenantId));

    public IReadOnlyList<OrgEinheit> OrgEinheiten(string tenantId) =>
        _db.Query($"SELECT {EinheitColumns} FROM adr_org_einheit WHERE tenant_id = @p0 ORDER BY id", ReadEinheit, tenantId);

    private static Person ReadPerson(DbDataReader r) => new(r.GetString(0), r.GetString(1), S(r, 2), r.GetString(3), S(r, 4), S(r, 5), S(r, 6), S(r, 7),
        L(r, 8) != 0, Ticks.At(L(r, 9)));

    public Person? GetPerson(string tenantId, string id) =>
        _db.Query($"SELECT {PersonColumns} FROM adr_person WHERE tenant_id = @p0 AND id = @p1", ReadPerson, tenantId, id).FirstOrDefault();

    public void PutPerson(string tenantId, Person person)
    {
        ArgumentNullException.ThrowIfNull(person);
        _db.Execute($"""
            INSERT INTO adr_person (tenant_id, {PersonColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10)
            ON CONFLICT (tenant_id, id) DO UPDATE SET nachname = excluded.nachname, vorname = excluded.vorname, org_einheit_id = excluded.org_einheit_id,
                funktion = excluded.funktion, telefon = excluded.telefon, email = excluded.email, raum = excluded.raum, aktiv = excluded.aktiv,
                geaendert_am = excluded.geaendert_am
            """, tenantId, person.Id, person.Nachname, person.Vorname, person.OrgEinheitId, person.Funktion, person.Telefon, person.Email, person.Raum,
            person.Aktiv ? 1L : 0L, Ticks.Of(person.GeaendertAm));
    }

    public (IReadOnlyList<Person> Items, int Total) ListPersonen(string tenantId, string? text, string? orgEinheitId, int offset, int limit)
    {
        // The search text is a LIKE pattern with its wildcards escaped; lower() on both sides (every letter, SQLite too: SqlitePragmas.Prepare).
        var like = text is null ? null : "%" + text.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        const string Where = """
            tenant_id = @p0 AND (CAST(@p1 AS TEXT) IS NULL OR org_einheit_id = @p1) AND (CAST(@p2 AS TEXT) IS NULL
              OR lower(nachname) LIKE @p2 ESCAPE '\' OR lower(COALESCE(vorname, '')) LIKE @p2 ESCAPE '\' OR lower(id) LIKE @p2 ESCAPE '\'
              OR lower(COALESCE(telefon, '')) LIKE @p2 ESCAPE '\' OR lower(COALESCE(raum, '')) LIKE @p2 ESCAPE '\' OR lower(COALESCE(email, '')) LIKE @p2 ESCAPE '\')
            """;
        return (_db.Query($"SELECT {PersonColumns} FROM adr_person WHERE {Where} ORDER BY nachname, vorname, id LIMIT @p3 OFFSET @p4", ReadPerson,
                tenantId, orgEinheitId, like, (long)limit, (long)offset),
            _db.Count($"SELECT COUNT(*) FROM adr_person WHERE {Where}", tenantId, orgEinheitId, like));
    }

    public IReadOnlyList<string> Vertreter(string tenantId, string personId) =>
        _db.Query("SELECT vertreter_id FROM adr_vertretung WHERE tenant_id = @p0 AND person_id = @p1 ORDER BY rang", r => r.GetString(0), tenantId, personId);

    public void SetVertreter(string tenantId, string personId, IReadOnlyList<string> vertreter)
    {
        ArgumentNullException.ThrowIfNull(vertreter);
        if (vertreter.Count > 9) throw new AdressbuchConstraintException("at most 9 deputies", AdressbuchRule.TooManyDeputies);
        using var c = _db.Open();
        using var tx = c.BeginTransaction();
        try
        {
            using (var exists = RegisterTables.Command(c, "SELECT COUNT(*) FROM adr_person WHERE tenant_id = @p0 AND id = @p1", [tenantId, personId]))
            {
                exists.Transaction = tx;
                if (Convert.ToInt32(exists.ExecuteScalar(), CultureInfo.InvariantCulture) == 0) throw new AdressbuchConstraintException("an unknown person is named", AdressbuchRule.UnknownReference);
            }
            using (var delete = RegisterTables.Command(c, "DELETE FROM adr_vertretung WHERE tenant_id = @p0 AND person_id = @p1", [tenantId, personId]))
            {
                delete.Transaction = tx;
                delete.ExecuteNonQuery();
            }
            for (var i = 0; i < vertreter.Count; i++)
            {
                using var insert = RegisterTables.Command(c, "INSERT INTO adr_vertretung (tenant_id, person_id, rang, vertreter_id) VALUES (@p0, @p1, @p2, @p3)",
                    [tenantId, personId, (long)(i + 1), vertreter[i]]);
                insert.Transaction = tx;
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
        catch (DbException e) when (Violation(e) is { } refused) { throw refused; }
    }
}
