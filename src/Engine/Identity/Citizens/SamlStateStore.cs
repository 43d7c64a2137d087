using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity.Citizens;

/// <summary>An AuthnRequest sent to the identity provider and not yet answered.</summary>
public sealed record PendingSamlRequest(string Id, string ReturnUrl, int Level, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>Why a response's one-time parts could not be taken.</summary>
public enum SamlConsumeResult { Ok, UnknownRequest, AssertionReplayed }

/// <summary>
/// The SAML service provider's durable state, in the engine's database (migration 0012, every node sees the same):
/// the AuthnRequests sent (<c>saml_requests</c>; a response must answer one, and each is answered once) and the assertion
/// ids already used (<c>saml_assertions</c>; a replayed assertion is refused until it would have expired anyway).
/// </summary>
public sealed class SamlStateStore(IdentityDatabase database, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Records a request sent now; it can be answered until <paramref name="lifetime"/> has passed.</summary>
    public async Task AddRequestAsync(string id, string returnUrl, int level, TimeSpan lifetime, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var now = _time.GetUtcNow();
        await using var db = Context();
        // Requests nobody answered go when new ones come: no separate cleaner needed.
        await db.Requests.Where(r => r.ExpiresAt < now.ToUnixTimeMilliseconds()).ExecuteDeleteAsync(cancel);
        db.Requests.Add(new SamlRequestRow
        {
            Id = id, ReturnUrl = returnUrl, Level = level, CreatedAt = now.ToUnixTimeMilliseconds(), ExpiresAt = (now + lifetime).ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancel);
    }

    /// <summary>The unexpired request with this id (null: unknown, answered already, or expired). Reads only.</summary>
    public async Task<PendingSamlRequest?> FindRequestAsync(string id, CancellationToken cancel = default)
    {
        if (string.IsNullOrEmpty(id)) return null;
        await using var db = Context();
        var row = await db.Requests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancel);
        if (row is null || row.ExpiresAt < _time.GetUtcNow().ToUnixTimeMilliseconds()) return null;
        return new PendingSamlRequest(row.Id, row.ReturnUrl, row.Level,
            DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt));
    }

    /// <summary>
    /// Takes a verified response's one-time parts in one transaction: the assertion id is recorded (refused when it was
    /// used before) and the request it answers is deleted (refused when it is gone). On a refusal nothing is written.
    /// </summary>
    public async Task<SamlConsumeResult> ConsumeAsync(string requestId, string issuer, string assertionId, DateTimeOffset keepUntil, CancellationToken cancel = default)
    {
        var key = AssertionKey(issuer, assertionId);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = Context();
        await using var tx = await db.Database.BeginTransactionAsync(cancel);
        await db.Assertions.Where(a => a.ExpiresAt < now).ExecuteDeleteAsync(cancel);
        if (await db.Assertions.AnyAsync(a => a.Id == key, cancel)) return SamlConsumeResult.AssertionReplayed;
        db.Assertions.Add(new SamlAssertionRow { Id = key, UsedAt = now, ExpiresAt = Math.Max(now, keepUntil.ToUnixTimeMilliseconds()) });
        try { await db.SaveChangesAsync(cancel); }
        catch (DbUpdateException) { return SamlConsumeResult.AssertionReplayed; } // the same assertion at the same moment on another node
        var deleted = await db.Requests.Where(r => r.Id == requestId && r.ExpiresAt >= now).ExecuteDeleteAsync(cancel);
        if (deleted != 1) return SamlConsumeResult.UnknownRequest; // disposing the transaction rolls the assertion row back
        await tx.CommitAsync(cancel);
        return SamlConsumeResult.Ok;
    }

    /// <summary>Whether an assertion id was used already (tests, diagnostics).</summary>
    public async Task<bool> WasUsedAsync(string issuer, string assertionId, CancellationToken cancel = default)
    {
        var key = AssertionKey(issuer, assertionId);
        await using var db = Context();
        return await db.Assertions.AnyAsync(a => a.Id == key, cancel);
    }

    private static string AssertionKey(string issuer, string assertionId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(issuer + "\n" + assertionId)));

    private SamlDb Context()
    {
        var b = new DbContextOptionsBuilder<SamlDb>();
        if (database.Store.Provider == Persistence.StoreProvider.Sqlite) b.UseSqlite(database.Store.ConnectionString);
        else b.UseNpgsql(database.Store.ConnectionString);
        return new SamlDb(b.Options);
    }

    private sealed class SamlDb(DbContextOptions<SamlDb> options) : DbContext(options)
    {
        public DbSet<SamlRequestRow> Requests => Set<SamlRequestRow>();
        public DbSet<SamlAssertionRow> Assertions => Set<SamlAssertionRow>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<SamlRequestRow>(e =>
            {
                e.ToTable("saml_requests");
                e.HasKey(x => x.Id);
                e.Property(x => x.Id).HasColumnName("id");
                e.Property(x => x.ReturnUrl).HasColumnName("return_url");
                e.Property(x => x.Level).HasColumnName("level");
                e.Property(x => x.CreatedAt).HasColumnName("created_at");
                e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            });
            modelBuilder.Entity<SamlAssertionRow>(e =>
            {
                e.ToTable("saml_assertions");
                e.HasKey(x => x.Id);
                e.Property(x => x.Id).HasColumnName("id");
                e.Property(x => x.UsedAt).HasColumnName("used_at");
                e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            });
        }
    }

    private sealed class SamlRequestRow
    {
        public string Id { get; set; } = "";
        public string ReturnUrl { get; set; } = "";
        public int Level { get; set; }
        public long CreatedAt { get; set; }
        public long ExpiresAt { get; set; }
    }

    private sealed class SamlAssertionRow
    {
        public string Id { get; set; } = "";
        public long UsedAt { get; set; }
        public long ExpiresAt { get; set; }
    }
}
