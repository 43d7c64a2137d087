using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using EGov.Workflows.Persistence.Data;
using EGov.Workflows.Persistence.Data.Sql;
using EGov.Workflows.Persistence.Data.Sqlite;
using NodaTime;

namespace EGov.Workflows.Persistence.Rechnungseingang;

/// <summary>One received e-invoice file in the Eingangsbuch: channel, sender, the file, its validation and key data, its case.</summary>
public sealed record EingangsEintrag(
    string Id,
    Instant ReceivedAt,
    string Kanal,
    string? KanalRef,
    string? Absender,
    string Dateiname,
    string Sha256,
    byte[]? Inhalt,
    bool Gueltig,
    string? Szenario,
    string FehlerJson,
    string? Rechnungsnummer,
    string? Verkaeufer,
    string? LeitwegId,
    decimal? Zahlbetrag,
    string? Waehrung,
    string? InstanceId);

/// <summary>
/// The Rechnungseingang's register (table <c>erechnung_eingang</c>, migration 0014). <see cref="TryAdd"/> refuses a file
/// the tenant already received (same SHA-256) or a delivery already taken (channel and reference, e.g. a mail's
/// Message-Id) by the database's unique constraints, and answers the earlier entry.
/// </summary>
public interface IRechnungseingangStore
{
    /// <summary>Adds the entry; when the same file or delivery is there already, adds nothing and answers that entry.</summary>
    EingangsEintrag? TryAdd(string tenantId, EingangsEintrag entry);

    /// <summary>Records the case the entry started.</summary>
    void SetInstance(string tenantId, string id, string instanceId);

    /// <summary>One entry, with its file when <paramref name="withContent"/>.</summary>
    EingangsEintrag? Get(string tenantId, string id, bool withContent);

    /// <summary>A page of entries, newest first (without files), and the total.</summary>
    (IReadOnlyList<EingangsEintrag> Items, int Total) List(string tenantId, int offset, int limit);
}

/// <summary>The register in memory (the memory store, tests).</summary>
public sealed class InMemoryRechnungseingangStore : IRechnungseingangStore
{
    private readonly ConcurrentDictionary<(string, string), EingangsEintrag> _entries = new();
    private readonly Lock _gate = new();

    public EingangsEintrag? TryAdd(string tenantId, EingangsEintrag entry)
    {
        lock (_gate)
        {
            var existing = _entries.Where(e => e.Key.Item1 == tenantId)
                .Select(e => e.Value)
                .FirstOrDefault(e => e.Sha256 == entry.Sha256 || (entry.KanalRef is not null && e.Kanal == entry.Kanal && e.KanalRef == entry.KanalRef));
            if (existing is not null) return existing with { Inhalt = null };
            _entries[(tenantId, entry.Id)] = entry;
            return null;
        }
    }

    public void SetInstance(string tenantId, string id, string instanceId)
    {
        lock (_gate)
            if (_entries.TryGetValue((tenantId, id), out var e)) _entries[(tenantId, id)] = e with { InstanceId = instanceId };
    }

    public EingangsEintrag? Get(string tenantId, string id, bool withContent) =>
        _entries.TryGetValue((tenantId, id), out var e) ? (withContent ? e : e with { Inhalt = null }) : null;

    public (IReadOnlyList<EingangsEintrag> Items, int Total) List(string tenantId, int offset, int limit)
    {
        var all = _entries.Where(e => e.Key.Item1 == tenantId).Select(e => e.Value with { Inhalt = null })
            .OrderByDescending(e => e.ReceivedAt).ThenByDescending(e => e.Id, StringComparer.Ordinal).ToList();
        return (all.Skip(offset).Take(limit).ToList(), all.Count);
    }
}

/// <summary>The register on SQLite or PostgreSQL.</summary>
public sealed class SqlRechnungseingangStore(DurableStoreOptions options) : IRechnungseingangStore
{
    private const string Columns = "id, received_at, kanal, kanal_ref, absender, dateiname, sha256, gueltig, szenario, fehler, rechnungsnummer, verkaeufer, leitweg_id, zahlbetrag, waehrung, instance_id";

    private DbConnection Open() => SqlitePragmas.Open(options);

    private static void Add(DbCommand cmd, string name, object? value, System.Data.DbType nullType = System.Data.DbType.String)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        if (value is null) p.DbType = nullType;
        cmd.Parameters.Add(p);
    }

    public EingangsEintrag? TryAdd(string tenantId, EingangsEintrag entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"INSERT INTO erechnung_eingang (tenant_id, {Columns}, inhalt) VALUES (@t, @id, @at, @k, @kr, @ab, @dn, @sha, @g, @sz, @f, @rn, @vk, @lw, @zb, @wa, @inst, @inh)";
        Add(cmd, "@t", tenantId);
        Add(cmd, "@id", entry.Id);
        Add(cmd, "@at", Ticks.Of(entry.ReceivedAt));
        Add(cmd, "@k", entry.Kanal);
        Add(cmd, "@kr", entry.KanalRef);
        Add(cmd, "@ab", entry.Absender);
        Add(cmd, "@dn", entry.Dateiname);
        Add(cmd, "@sha", entry.Sha256);
        Add(cmd, "@g", entry.Gueltig ? 1L : 0L);
        Add(cmd, "@sz", entry.Szenario);
        Add(cmd, "@f", entry.FehlerJson);
        Add(cmd, "@rn", entry.Rechnungsnummer);
        Add(cmd, "@vk", entry.Verkaeufer);
        Add(cmd, "@lw", entry.LeitwegId);
        Add(cmd, "@zb", entry.Zahlbetrag?.ToString(CultureInfo.InvariantCulture));
        Add(cmd, "@wa", entry.Waehrung);
        Add(cmd, "@inst", entry.InstanceId);
        Add(cmd, "@inh", entry.Inhalt ?? [], System.Data.DbType.Binary);
        try
        {
            cmd.ExecuteNonQuery();
            return null;
        }
        catch (DbException e) when (Conflicts.IsUniqueViolation(e))
        {
            return Find(tenantId, "sha256 = @v", entry.Sha256)
                ?? (entry.KanalRef is null ? null : Find(tenantId, "kanal = @k AND kanal_ref = @v", entry.KanalRef, entry.Kanal))
                ?? throw new InvalidOperationException($"Eingang {entry.Id} conflicts with an entry that cannot be found");
        }
    }

    private EingangsEintrag? Find(string tenantId, string where, string value, string? kanal = null)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM erechnung_eingang WHERE tenant_id = @t AND {where}";
        Add(cmd, "@t", tenantId);
        Add(cmd, "@v", value);
        if (kanal is not null) Add(cmd, "@k", kanal);
        using var r = cmd.ExecuteReader();
        return r.Read() ? Read(r, null) : null;
    }

    public void SetInstance(string tenantId, string id, string instanceId)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE erechnung_eingang SET instance_id = @i WHERE tenant_id = @t AND id = @id";
        Add(cmd, "@i", instanceId);
        Add(cmd, "@t", tenantId);
        Add(cmd, "@id", id);
        cmd.ExecuteNonQuery();
    }

    public EingangsEintrag? Get(string tenantId, string id, bool withContent)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns}{(withContent ? ", inhalt" : "")} FROM erechnung_eingang WHERE tenant_id = @t AND id = @id";
        Add(cmd, "@t", tenantId);
        Add(cmd, "@id", id);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        return Read(r, withContent ? (byte[])r.GetValue(16) : null);
    }

    public (IReadOnlyList<EingangsEintrag> Items, int Total) List(string tenantId, int offset, int limit)
    {
        using var c = Open();
        int total;
        using (var count = c.CreateCommand())
        {
            count.CommandText = "SELECT COUNT(*) FROM erechnung_eingang WHERE tenant_id = @t";
            Add(count, "@t", tenantId);
            total = Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM erechnung_eingang WHERE tenant_id = @t ORDER BY received_at DESC, id DESC LIMIT @l OFFSET @o";
        Add(cmd, "@t", tenantId);
        Add(cmd, "@l", (long)limit);
        Add(cmd, "@o", (long)offset);
        using var r = cmd.ExecuteReader();
        var items = new List<EingangsEintrag>();
        while (r.Read()) items.Add(Read(r, null));
        return (items, total);
    }

    private static EingangsEintrag Read(DbDataReader r, byte[]? content)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new EingangsEintrag(r.GetString(0), Ticks.At(Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)), r.GetString(2), S(3), S(4), r.GetString(5), r.GetString(6),
            content, Convert.ToInt64(r.GetValue(7), CultureInfo.InvariantCulture) != 0, S(8), r.GetString(9), S(10), S(11), S(12),
            S(13) is { } z ? decimal.Parse(z, CultureInfo.InvariantCulture) : null, S(14), S(15));
    }
}
