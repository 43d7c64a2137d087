using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity.Citizens;

/// <summary>A consent code's row: the waiting case it answers, the purposes asked, until when, and whether it was used.</summary>
public sealed record ConsentCodeRecord(string InstanceId, string Aktenzeichen, IReadOnlyList<string> Purposes, DateTimeOffset ExpiresAt, DateTimeOffset? UsedAt);

/// <summary>
/// Where the one-time consent codes of the parents live (hashes only) and the wrong attempts per citizen are counted
/// (migration 0037). The server keeps them in the identity database (<see cref="CitizenConsentStore"/>); <c>./egov test</c>
/// and <c>validate</c> in memory (<see cref="InMemoryConsentCodes"/>).
/// </summary>
public interface IConsentCodes
{
    /// <summary>Stores the hash of a case's new code; a code issued before for the same case stops working.</summary>
    Task PutAsync(string tenant, string codeHash, string instanceId, string aktenzeichen, IReadOnlyList<string> purposes, DateTimeOffset createdAt,
        DateTimeOffset expiresAt, CancellationToken cancel = default);

    /// <summary>The row of this hash (null: no such code).</summary>
    Task<ConsentCodeRecord?> FindAsync(string tenant, string codeHash, CancellationToken cancel = default);

    /// <summary>Marks the code used — once: false when it was used already or has expired by <paramref name="now"/>.</summary>
    Task<bool> UseAsync(string tenant, string codeHash, DateTimeOffset now, CancellationToken cancel = default);

    /// <summary>Wrong attempts of <paramref name="who"/> since <paramref name="since"/> (older rows are deleted on the way).</summary>
    Task<int> CountFailuresAsync(string who, DateTimeOffset since, CancellationToken cancel = default);

    Task AddFailureAsync(string who, DateTimeOffset at, CancellationToken cancel = default);
}

/// <summary>The codes in memory (scenarios, validate, tests).</summary>
public sealed class InMemoryConsentCodes : IConsentCodes
{
    private readonly ConcurrentDictionary<(string Tenant, string Hash), ConsentCodeRecord> _codes = new();
    private readonly ConcurrentQueue<(string Who, DateTimeOffset At)> _failures = new();
    private readonly Lock _gate = new();

    public Task PutAsync(string tenant, string codeHash, string instanceId, string aktenzeichen, IReadOnlyList<string> purposes, DateTimeOffset createdAt,
        DateTimeOffset expiresAt, CancellationToken cancel = default)
    {
        lock (_gate)
        {
            foreach (var old in _codes.Where(c => c.Key.Tenant == tenant && c.Value.InstanceId == instanceId).Select(c => c.Key).ToList()) _codes.TryRemove(old, out _);
            _codes[(tenant, codeHash)] = new ConsentCodeRecord(instanceId, aktenzeichen, purposes.ToList(), expiresAt, null);
        }
        return Task.CompletedTask;
    }

    public Task<ConsentCodeRecord?> FindAsync(string tenant, string codeHash, CancellationToken cancel = default) =>
        Task.FromResult(_codes.TryGetValue((tenant, codeHash), out var r) ? r : null);

    public Task<bool> UseAsync(string tenant, string codeHash, DateTimeOffset now, CancellationToken cancel = default)
    {
        lock (_gate)
        {
            if (!_codes.TryGetValue((tenant, codeHash), out var r) || r.UsedAt is not null || r.ExpiresAt <= now) return Task.FromResult(false);
            _codes[(tenant, codeHash)] = r with { UsedAt = now };
            return Task.FromResult(true);
        }
    }

    public Task<int> CountFailuresAsync(string who, DateTimeOffset since, CancellationToken cancel = default) =>
        Task.FromResult(_failures.Count(f => f.Who == who && f.At >= since));

    public Task AddFailureAsync(string who, DateTimeOffset at, CancellationToken cancel = default)
    {
        _failures.Enqueue((who, at));
        while (_failures.Count > 10_000 && _failures.TryDequeue(out _)) { }
        return Task.CompletedTask;
    }
}

/// <summary>
/// The consent codes in the identity database (<c>citizen_consent_codes</c>, <c>citizen_consent_attempts</c>, migration 0037):
/// every node sees the same; using a code is one conditional UPDATE, so two submissions of one code cannot both succeed.
/// </summary>
public sealed class CitizenConsentStore(IdentityDatabase database) : IConsentCodes
{
    public async Task PutAsync(string tenant, string codeHash, string instanceId, string aktenzeichen, IReadOnlyList<string> purposes, DateTimeOffset createdAt,
        DateTimeOffset expiresAt, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(purposes);
        await using var db = Context();
        await using var tx = await db.Database.BeginTransactionAsync(cancel);
        await db.Codes.Where(c => c.TenantId == tenant && c.InstanceId == instanceId).ExecuteDeleteAsync(cancel);
        db.Codes.Add(new CodeRow
        {
            TenantId = tenant, CodeHash = codeHash, InstanceId = instanceId, Aktenzeichen = aktenzeichen, Purposes = string.Join(',', purposes),
            CreatedAt = createdAt.ToUnixTimeMilliseconds(), ExpiresAt = expiresAt.ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancel);
        await tx.CommitAsync(cancel);
    }

    public async Task<ConsentCodeRecord?> FindAsync(string tenant, string codeHash, CancellationToken cancel = default)
    {
        await using var db = Context();
        var r = await db.Codes.AsNoTracking().FirstOrDefaultAsync(c => c.TenantId == tenant && c.CodeHash == codeHash, cancel);
        return r is null ? null : new ConsentCodeRecord(r.InstanceId, r.Aktenzeichen, r.Purposes.Split(',', StringSplitOptions.RemoveEmptyEntries),
            DateTimeOffset.FromUnixTimeMilliseconds(r.ExpiresAt), r.UsedAt is { } u ? DateTimeOffset.FromUnixTimeMilliseconds(u) : null);
    }

    public async Task<bool> UseAsync(string tenant, string codeHash, DateTimeOffset now, CancellationToken cancel = default)
    {
        var at = now.ToUnixTimeMilliseconds();
        await using var db = Context();
        var changed = await db.Codes.Where(c => c.TenantId == tenant && c.CodeHash == codeHash && c.UsedAt == null && c.ExpiresAt > at)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, at), cancel);
        return changed == 1;
    }

    public async Task<int> CountFailuresAsync(string who, DateTimeOffset since, CancellationToken cancel = default)
    {
        var from = since.ToUnixTimeMilliseconds();
        await using var db = Context();
        await db.Attempts.Where(a => a.AttemptedAt < from).ExecuteDeleteAsync(cancel);
        return await db.Attempts.CountAsync(a => a.Who == who && a.AttemptedAt >= from, cancel);
    }

    public async Task AddFailureAsync(string who, DateTimeOffset at, CancellationToken cancel = default)
    {
        var ms = at.ToUnixTimeMilliseconds();
        await using var db = Context();
        // A keyless table: inserted by SQL (EF Core does not track keyless entities).
        await db.Database.ExecuteSqlInterpolatedAsync($"INSERT INTO citizen_consent_attempts (who, attempted_at) VALUES ({who}, {ms})", cancel);
    }

    private ConsentDb Context()
    {
        var b = new DbContextOptionsBuilder<ConsentDb>();
        if (database.Store.Provider == Persistence.StoreProvider.Sqlite) b.UseSqlite(database.Store.ConnectionString);
        else b.UseNpgsql(database.Store.ConnectionString);
        return new ConsentDb(b.Options);
    }

    private sealed class ConsentDb(DbContextOptions<ConsentDb> options) : DbContext(options)
    {
        public DbSet<CodeRow> Codes => Set<CodeRow>();
        public DbSet<AttemptRow> Attempts => Set<AttemptRow>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<CodeRow>(e =>
            {
                e.ToTable("citizen_consent_codes");
                e.HasKey(x => new { x.TenantId, x.CodeHash });
                e.Property(x => x.TenantId).HasColumnName("tenant_id");
                e.Property(x => x.CodeHash).HasColumnName("code_hash");
                e.Property(x => x.InstanceId).HasColumnName("instance_id");
                e.Property(x => x.Aktenzeichen).HasColumnName("aktenzeichen");
                e.Property(x => x.Purposes).HasColumnName("purposes");
                e.Property(x => x.CreatedAt).HasColumnName("created_at");
                e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
                e.Property(x => x.UsedAt).HasColumnName("used_at");
            });
            modelBuilder.Entity<AttemptRow>(e =>
            {
                e.ToTable("citizen_consent_attempts");
                e.HasNoKey();
                e.Property(x => x.Who).HasColumnName("who");
                e.Property(x => x.AttemptedAt).HasColumnName("attempted_at");
            });
        }
    }

    private sealed class CodeRow
    {
        public string TenantId { get; set; } = "";
        public string CodeHash { get; set; } = "";
        public string InstanceId { get; set; } = "";
        public string Aktenzeichen { get; set; } = "";
        public string Purposes { get; set; } = "";
        public long CreatedAt { get; set; }
        public long ExpiresAt { get; set; }
        public long? UsedAt { get; set; }
    }

    private sealed class AttemptRow
    {
        public string Who { get; set; } = "";
        public long AttemptedAt { get; set; }
    }
}
