using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity.Citizens;

/// <summary>What a citizen e-mail announces.</summary>
public static class CitizenMailKinds
{
    /// <summary>The confirmation of an online application (Aktenzeichen, where to follow the case).</summary>
    public const string Confirmation = "eingang";

    /// <summary>A clerk asked a Rückfrage: a link to the case, never the question itself.</summary>
    public const string Inquiry = "rueckfrage";
}

/// <summary>An e-mail to a citizen waiting in the outbox, leased by <see cref="LeaseOwner"/>.</summary>
public sealed record CitizenMail(string TenantId, string Id, string InstanceId, string Kind, DateTimeOffset CreatedAt, int Attempts, string LeaseOwner);

/// <summary>The case an e-mail is about, as the sender needs it: the address, the Aktenzeichen, the service.</summary>
public sealed record CitizenMailCase(string InstanceId, string ProcessId, string Aktenzeichen, DateTimeOffset CreatedAt, string? ContactEmail);

/// <summary>
/// The outbox of citizens' e-mails (<c>citizen_mail_outbox</c>, migration 0028), following the assignment outbox (0016):
/// rows are written in the transaction of what they announce (<see cref="CitizenCaseStore.AddAsync(string, string, string, string, string, string?, string?, CancellationToken)"/>,
/// <see cref="CitizenStatusStore.AddInquiryAsync"/>), leased by one sender at a time — a row is taken by a conditional
/// update that only one node can win, on SQLite and PostgreSQL alike —, deleted when sent, retried with back-off, kept as
/// 'failed' after the last try. Finishing a row needs the lease: a sender whose lease ran out changes nothing.
/// </summary>
public sealed class CitizenMailOutbox(IdentityDatabase database, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Leases up to <paramref name="max"/> due rows (or just the row <paramref name="onlyId"/>, when no one holds it) for <paramref name="owner"/>.</summary>
    public async Task<IReadOnlyList<CitizenMail>> LeaseAsync(string owner, TimeSpan lease, int max, string? onlyTenant = null, string? onlyId = null, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var until = now + (long)lease.TotalMilliseconds;
        await using var db = Context();
        // The one row just recorded is taken even when a sender found its case not started yet a moment ago (not yet due).
        var due = db.Mails.AsNoTracking().Where(m => m.Status == "pending" && (m.LeaseExpiresAt == null || m.LeaseExpiresAt <= now));
        due = onlyId is not null ? due.Where(m => m.TenantId == onlyTenant && m.Id == onlyId) : due.Where(m => m.NextAttemptAt <= now);
        var candidates = await due.OrderBy(m => m.NextAttemptAt).Take(Math.Max(1, max)).Select(m => new { m.TenantId, m.Id }).ToListAsync(cancel);
        var leased = new List<CitizenMail>();
        foreach (var c in candidates)
        {
            // Only one node's update finds the row still free.
            var won = await db.Mails.Where(m => m.TenantId == c.TenantId && m.Id == c.Id && m.Status == "pending" && (m.LeaseExpiresAt == null || m.LeaseExpiresAt <= now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseOwner, owner).SetProperty(m => m.LeaseExpiresAt, until), cancel);
            if (won != 1) continue;
            var r = await db.Mails.AsNoTracking().FirstAsync(m => m.TenantId == c.TenantId && m.Id == c.Id, cancel);
            leased.Add(new CitizenMail(r.TenantId, r.Id, r.InstanceId, r.Kind, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), r.Attempts, owner));
        }
        return leased;
    }

    /// <summary>The case of a leased e-mail (any owner: the sender reads the address only when it sends).</summary>
    public async Task<CitizenMailCase?> CaseAsync(string tenant, string instanceId, CancellationToken cancel = default)
    {
        await using var db = Context();
        var r = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.TenantId == tenant && c.InstanceId == instanceId, cancel);
        return r is null ? null : new CitizenMailCase(r.InstanceId, r.ProcessId, r.Aktenzeichen, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), r.ContactEmail);
    }

    public Task DoneAsync(CitizenMail mail, CancellationToken cancel = default) =>
        FinishAsync(mail, q => q.ExecuteDeleteAsync(cancel));

    /// <summary>Puts the e-mail back for a try at <paramref name="next"/>; <paramref name="countsAsTry"/> false: it was not tried (its case not started yet).</summary>
    public Task RetryAsync(CitizenMail mail, DateTimeOffset next, string reason, bool countsAsTry = true, CancellationToken cancel = default) =>
        FinishAsync(mail, q => q.ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + (countsAsTry ? 1 : 0)).SetProperty(m => m.NextAttemptAt, next.ToUnixTimeMilliseconds())
            .SetProperty(m => m.LeaseOwner, (string?)null).SetProperty(m => m.LeaseExpiresAt, (long?)null).SetProperty(m => m.LastError, Cut(reason)), cancel));

    public Task FailedAsync(CitizenMail mail, string reason, CancellationToken cancel = default) =>
        FinishAsync(mail, q => q.ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.Status, "failed")
            .SetProperty(m => m.LeaseOwner, (string?)null).SetProperty(m => m.LeaseExpiresAt, (long?)null).SetProperty(m => m.LastError, Cut(reason)), cancel));

    /// <summary>The tenant's rows (instance, kind, status, attempts, last error), oldest first — for tests and operators.</summary>
    public async Task<IReadOnlyList<(string InstanceId, string Kind, string Status, int Attempts, string? LastError)>> ListAsync(string tenant, CancellationToken cancel = default)
    {
        await using var db = Context();
        var rows = await db.Mails.AsNoTracking().Where(m => m.TenantId == tenant).OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToListAsync(cancel);
        return rows.Select(r => (r.InstanceId, r.Kind, r.Status, r.Attempts, r.LastError)).ToList();
    }

    private async Task FinishAsync(CitizenMail mail, Func<IQueryable<CitizenMailRow>, Task<int>> change)
    {
        ArgumentNullException.ThrowIfNull(mail);
        await using var db = Context();
        await change(db.Mails.Where(m => m.TenantId == mail.TenantId && m.Id == mail.Id && m.LeaseOwner == mail.LeaseOwner));
    }

    private static string Cut(string reason) => reason.Length > 500 ? reason[..500] : reason;

    private MailDb Context()
    {
        var b = new DbContextOptionsBuilder<MailDb>();
        if (database.Store.Provider == Persistence.StoreProvider.Sqlite) b.UseSqlite(database.Store.ConnectionString);
        else b.UseNpgsql(database.Store.ConnectionString);
        return new MailDb(b.Options);
    }

    private sealed class MailDb(DbContextOptions<MailDb> options) : DbContext(options)
    {
        public DbSet<CitizenMailRow> Mails => Set<CitizenMailRow>();
        public DbSet<CitizenCaseRow> Cases => Set<CitizenCaseRow>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            CitizenMailRow.Map(modelBuilder);
            CitizenCaseRow.Map(modelBuilder);
        }
    }
}

/// <summary>A row of <c>citizen_mail_outbox</c> (migration 0028); mapped once, written by the case and status stores.</summary>
internal sealed class CitizenMailRow
{
    public string TenantId { get; set; } = "";
    public string Id { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string Kind { get; set; } = "";
    public long CreatedAt { get; set; }
    public string Status { get; set; } = "pending";
    public int Attempts { get; set; }
    public long NextAttemptAt { get; set; }
    public string? LeaseOwner { get; set; }
    public long? LeaseExpiresAt { get; set; }
    public string? LastError { get; set; }

    public static CitizenMailRow New(string tenant, string id, string instanceId, string kind, long now) =>
        new() { TenantId = tenant, Id = id, InstanceId = instanceId, Kind = kind, CreatedAt = now, NextAttemptAt = now };

    public static void Map(ModelBuilder modelBuilder) => modelBuilder.Entity<CitizenMailRow>(e =>
    {
        e.ToTable("citizen_mail_outbox");
        e.HasKey(x => new { x.TenantId, x.Id });
        e.Property(x => x.TenantId).HasColumnName("tenant_id");
        e.Property(x => x.Id).HasColumnName("id");
        e.Property(x => x.InstanceId).HasColumnName("instance_id");
        e.Property(x => x.Kind).HasColumnName("kind");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
        e.Property(x => x.Status).HasColumnName("status");
        e.Property(x => x.Attempts).HasColumnName("attempts");
        e.Property(x => x.NextAttemptAt).HasColumnName("next_attempt_at");
        e.Property(x => x.LeaseOwner).HasColumnName("lease_owner");
        e.Property(x => x.LeaseExpiresAt).HasColumnName("lease_expires_at");
        e.Property(x => x.LastError).HasColumnName("last_error");
    });
}
