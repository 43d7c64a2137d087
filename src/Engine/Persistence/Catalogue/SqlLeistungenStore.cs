using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Catalogue.Leistungen;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sqlite;
using Microsoft.Data.Sqlite;
using NodaTime;
using Npgsql;

namespace EGov.Workflows.Persistence.Catalogue;

/// <summary>
/// The imported Leistungen of each tenant (table <c>catalogue_leistungen</c>, Schema/*/0010_catalogue.sql). An import
/// replaces the tenant's list in one transaction: a reader sees the old list or the new one, never half of it.
/// </summary>
public sealed class SqlLeistungenStore(DurableStoreOptions options)
{
    private readonly bool _sqlite = options.Provider == StoreProvider.Sqlite;

    private DbConnection Open() => SqlitePragmas.Open(options);

    private static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        if (value is null) p.DbType = System.Data.DbType.String;
        cmd.Parameters.Add(p);
    }

    /// <summary>Replaces the tenant's Leistungen with <paramref name="leistungen"/>; answers how many were there before.</summary>
    public int Replace(string tenantId, IReadOnlyList<Leistung> leistungen, Instant at)
    {
        ArgumentNullException.ThrowIfNull(leistungen);
        using var c = Open();
        using var tx = c.BeginTransaction();
        int before;
        using (var del = c.CreateCommand())
        {
            del.Transaction = tx;
            del.CommandText = "DELETE FROM catalogue_leistungen WHERE tenant_id = @t";
            Add(del, "@t", tenantId);
            before = del.ExecuteNonQuery();
        }
        foreach (var l in leistungen)
        {
            using var ins = c.CreateCommand();
            ins.Transaction = tx;
            ins.CommandText = "INSERT INTO catalogue_leistungen (tenant_id, leika_key, name, typ, ozg_id, ozg_leistung, lebenslage, themenfeld, rechtsgrundlage, imported_at) " +
                              "VALUES (@t, @k, @n, @ty, @oi, @ol, @ll, @tf, @rg, @at)";
            Add(ins, "@t", tenantId);
            Add(ins, "@k", l.Leika);
            Add(ins, "@n", l.Name);
            Add(ins, "@ty", l.Typ);
            Add(ins, "@oi", l.OzgId);
            Add(ins, "@ol", l.OzgLeistung);
            Add(ins, "@ll", l.Lebenslage);
            Add(ins, "@tf", l.Themenfeld);
            Add(ins, "@rg", l.Rechtsgrundlage);
            Add(ins, "@at", Ticks.Of(at));
            ins.ExecuteNonQuery();
        }
        tx.Commit();
        return before;
    }

    /// <summary>The tenant's Leistungen, by LeiKa key.</summary>
    public IReadOnlyList<Leistung> List(string tenantId)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT leika_key, name, typ, ozg_id, ozg_leistung, lebenslage, themenfeld, rechtsgrundlage FROM catalogue_leistungen WHERE tenant_id = @t ORDER BY leika_key";
        Add(cmd, "@t", tenantId);
        using var r = cmd.ExecuteReader();
        var list = new List<Leistung>();
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        while (r.Read()) list.Add(new Leistung(r.GetString(0), r.GetString(1), S(2), S(3), S(4), S(5), S(6), S(7)));
        return list;
    }

    /// <summary>When the tenant's list was imported last (null: never).</summary>
    public Instant? ImportedAt(string tenantId)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT MAX(imported_at) FROM catalogue_leistungen WHERE tenant_id = @t";
        Add(cmd, "@t", tenantId);
        var v = cmd.ExecuteScalar();
        return v is null or DBNull ? null : Ticks.At(Convert.ToInt64(v, CultureInfo.InvariantCulture));
    }
}
