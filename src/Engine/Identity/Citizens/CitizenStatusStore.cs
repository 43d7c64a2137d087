using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity.Citizens;

/// <summary>An access code's row: the case it opens, its hash, and a fixed end if one was set.</summary>
public sealed record AccessCodeRecord(string Aktenzeichen, string InstanceId, string CodeHash, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>A clerk's question to the citizen (Rückfrage) and, once given, the answer.</summary>
public sealed record InquiryRecord(
    string Id, string InstanceId, string TaskId, string Question, string AskedBy, DateTimeOffset AskedAt,
    string? Answer, string? AttachmentsJson, DateTimeOffset? AnsweredAt);

/// <summary>
/// The durable side of the citizens' status pages (migration 0020, every node sees the same): access codes by Aktenzeichen
/// (<c>citizen_access_codes</c>, hashes only), failed attempts per client address for the guessing limit
/// (<c>citizen_status_attempts</c>) and Rückfragen (<c>citizen_inquiries</c>); it also reads the citizen cases of 0019
/// by instance.
/// </summary>
public sealed class CitizenStatusStore(IdentityDatabase database, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // ---------- access codes ----------

    /// <summary>Stores (or replaces) the hash of the case's code: the code issued before stops working.</summary>
    public async Task PutCodeAsync(string tenant, string aktenzeichen, string instanceId, string codeHash, DateTimeOffset? expiresAt, CancellationToken cancel = default)
    {
        await using var db = Context();
        await db.Codes.Where(c => c.TenantId == tenant && c.Aktenzeichen == aktenzeichen).ExecuteDeleteAsync(cancel);
        db.Codes.Add(new CodeRow
        {
            TenantId = tenant, Aktenzeichen = aktenzeichen, InstanceId = instanceId, CodeHash = codeHash,
            CreatedAt = _time.GetUtcNow().ToUnixTimeMilliseconds(), ExpiresAt = expiresAt?.ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancel);
    }

    public async Task<AccessCodeRecord?> FindCodeAsync(string tenant, string aktenzeichen, CancellationToken cancel = default)
    {
        await using var db = Context();
        var r = await db.Codes.AsNoTracking().FirstOrDefaultAsync(c => c.TenantId == tenant && c.Aktenzeichen == aktenzeichen, cancel);
        return r is null ? null : new AccessCodeRecord(r.Aktenzeichen, r.InstanceId, r.CodeHash, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt),
            r.ExpiresAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null);
    }

    public async Task DeleteCodeAsync(string tenant, string aktenzeichen, CancellationToken cancel = default)
    {
        await using var db = Context();
        await db.Codes.Where(c => c.TenantId == tenant && c.Aktenzeichen == aktenzeichen).ExecuteDeleteAsync(cancel);
    }

    // ---------- guessing limit ----------

    /// <summary>Failed attempts of this address since <paramref name="since"/> (older rows are deleted on the way).</summary>
    public async Task<int> CountFailuresAsync(string address, DateTimeOffset since, CancellationToken cancel = default)
    {
        var from = since.ToUnixTimeMilliseconds();
        await using var db = Context();
        await db.Attempts.Where(a => a.AttemptedAt < from).ExecuteDeleteAsync(cancel);
        return await db.Attempts.CountAsync(a => a.Address == address && a.AttemptedAt >= from, cancel);
    }

    public async Task AddFailureAsync(string address, CancellationToken cancel = default)
    {
        await using var db = Context();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        // A keyless table: inserted by SQL (EF Core does not track keyless entities).
        await db.Database.ExecuteSqlInterpolatedAsync($"INSERT INTO citizen_status_attempts (address, attempted_at) VALUES ({address}, {now})", cancel);
    }

    // ---------- citizen cases (0019), read by instance ----------

    /// <summary>The citizen case of this instance, with its owner (null: not started by a citizen).</summary>
    public async Task<(string Owner, CitizenCase Case)?> FindCaseAsync(string tenant, string instanceId, CancellationToken cancel = default)
    {
        await using var db = Context();
        var r = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.TenantId == tenant && c.InstanceId == instanceId, cancel);
        return r is null ? null : (r.Owner, new CitizenCase(r.InstanceId, r.ProcessId, r.Aktenzeichen, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt)));
    }

    // ---------- Rückfragen ----------

    /// <summary>
    /// Records a Rückfrage; with <paramref name="noticeId"/> also the e-mail telling the citizen about it in the outbox
    /// (<see cref="CitizenMailOutbox"/>), in the same transaction — only when the case has an address to write to.
    /// </summary>
    public async Task AddInquiryAsync(string tenant, InquiryRecord inquiry, string? noticeId = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(inquiry);
        await using var db = Context();
        db.Inquiries.Add(new InquiryRow
        {
            TenantId = tenant, Id = inquiry.Id, InstanceId = inquiry.InstanceId, TaskId = inquiry.TaskId, Question = inquiry.Question,
            AskedBy = inquiry.AskedBy, AskedAt = inquiry.AskedAt.ToUnixTimeMilliseconds(),
        });
        if (noticeId is not null && await db.Cases.AnyAsync(c => c.TenantId == tenant && c.InstanceId == inquiry.InstanceId && c.ContactEmail != null, cancel))
            db.Mails.Add(CitizenMailRow.New(tenant, noticeId, inquiry.InstanceId, CitizenMailKinds.Inquiry, _time.GetUtcNow().ToUnixTimeMilliseconds()));
        await db.SaveChangesAsync(cancel);
    }

    /// <summary>The case's Rückfragen, oldest first.</summary>
    public async Task<IReadOnlyList<InquiryRecord>> InquiriesAsync(string tenant, string instanceId, CancellationToken cancel = default)
    {
        await using var db = Context();
        var rows = await db.Inquiries.AsNoTracking().Where(i => i.TenantId == tenant && i.InstanceId == instanceId)
            .OrderBy(i => i.AskedAt).ToListAsync(cancel);
        return rows.Select(r => new InquiryRecord(r.Id, r.InstanceId, r.TaskId, r.Question, r.AskedBy, DateTimeOffset.FromUnixTimeMilliseconds(r.AskedAt),
            r.Answer, r.Attachments, r.AnsweredAt is { } a ? DateTimeOffset.FromUnixTimeMilliseconds(a) : null)).ToList();
    }

    /// <summary>Records the answer once: false when the Rückfrage is unknown for this case or was answered already.</summary>
    public async Task<bool> AnswerInquiryAsync(string tenant, string instanceId, string id, string answer, string attachmentsJson, CancellationToken cancel = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = Context();
        var changed = await db.Inquiries.Where(i => i.TenantId == tenant && i.InstanceId == instanceId && i.Id == id && i.AnsweredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Answer, answer).SetProperty(i => i.Attachments, attachmentsJson).SetProperty(i => i.AnsweredAt, now), cancel);
        return changed == 1;
    }

    private StatusDb Context()
    {
        var b = new DbContextOptionsBuilder<StatusDb>();
        if (database.Store.Provider == Persistence.StoreProvider.Sqlite) b.UseSqlite(database.Store.ConnectionString);
        else b.UseNpgsql(database.Store.ConnectionString);
        return new StatusDb(b.Options);
    }

    private sealed class StatusDb(DbContextOptions<StatusDb> options) : DbContext(options)
    {
        public DbSet<CodeRow> Codes => Set<CodeRow>();
        public DbSet<AttemptRow> Attempts => Set<AttemptRow>();
        public DbSet<InquiryRow> Inquiries => Set<InquiryRow>();
        public DbSet<CitizenCaseRow> Cases => Set<CitizenCaseRow>();
        public DbSet<CitizenMailRow> Mails => Set<CitizenMailRow>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<CodeRow>(e =>
            {
                e.ToTable("citizen_access_codes");
                e.HasKey(x => new { x.TenantId, x.Aktenzeichen });
                e.Property(x => x.TenantId).HasColumnName("tenant_id");
                e.Property(x => x.Aktenzeichen).HasColumnName("aktenzeichen");
                e.Property(x => x.InstanceId).HasColumnName("instance_id");
                e.Property(x => x.CodeHash).HasColumnName("code_hash");
                e.Property(x => x.CreatedAt).HasColumnName("created_at");
                e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            });
            modelBuilder.Entity<AttemptRow>(e =>
            {
                e.ToTable("citizen_status_attempts");
                e.HasNoKey();
                e.Property(x => x.Address).HasColumnName("address");
                e.Property(x => x.AttemptedAt).HasColumnName("attempted_at");
            });
            modelBuilder.Entity<InquiryRow>(e =>
            {
                e.ToTable("citizen_inquiries");
                e.HasKey(x => new { x.TenantId, x.Id });
                e.Property(x => x.TenantId).HasColumnName("tenant_id");
                e.Property(x => x.Id).HasColumnName("id");
                e.Property(x => x.InstanceId).HasColumnName("instance_id");
                e.Property(x => x.TaskId).HasColumnName("task_id");
                e.Property(x => x.Question).HasColumnName("question");
                e.Property(x => x.AskedBy).HasColumnName("asked_by");
                e.Property(x => x.AskedAt).HasColumnName("asked_at");
                e.Property(x => x.Answer).HasColumnName("answer");
                e.Property(x => x.Attachments).HasColumnName("attachments");
                e.Property(x => x.AnsweredAt).HasColumnName("answered_at");
            });
            CitizenCaseRow.Map(modelBuilder);
            CitizenMailRow.Map(modelBuilder);
        }
    }

    private sealed class CodeRow
    {
        public string TenantId { get; set; } = "";
        public string Aktenzeichen { get; set; } = "";
        public string InstanceId { get; set; } = "";
        public string CodeHash { get; set; } = "";
        public long CreatedAt { get; set; }
        public long? ExpiresAt { get; set; }
    }

    private sealed class AttemptRow
    {
        public string Address { get; set; } = "";
        public long AttemptedAt { get; set; }
    }

    private sealed class InquiryRow
    {
        public string TenantId { get; set; } = "";
        public string Id { get; set; } = "";
        public string InstanceId { get; set; } = "";
        public string TaskId { get; set; } = "";
        public string Question { get; set; } = "";
        public string AskedBy { get; set; } = "";
        public long AskedAt { get; set; }
        public string? Answer { get; set; }
        public string? Attachments { get; set; }
        public long? AnsweredAt { get; set; }
    }
}
