using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity.Citizens;

/// <summary>A citizen's unfinished application for one service: the form's answers (JSON) and until when it is kept.</summary>
public sealed record CitizenDraft(string ProcessId, string Data, DateTimeOffset UpdatedAt, DateTimeOffset ExpiresAt);

/// <summary>A file uploaded to a draft (checked before it is stored), addressed by the SHA-256 of its content.</summary>
public sealed record CitizenDraftFile(string Hash, string Name, string ContentType, long Size, DateTimeOffset AddedAt);

/// <summary>
/// Drafts of online applications (<c>citizen_drafts</c>, <c>citizen_draft_files</c>, migration 0017): at most one per
/// citizen (owner: the hash of the pseudonym) and service, kept for <see cref="Retention"/> after its last change and then
/// gone (expired rows are never answered and are deleted on the next write). Only the owner reaches a draft: every
/// method takes the owner, and another's draft is simply not found.
/// </summary>
public sealed class CitizenDraftStore(IdentityDatabase database, TimeSpan retention, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>How long a draft is kept after its last change.</summary>
    public TimeSpan Retention { get; } = retention > TimeSpan.Zero ? retention : throw new ArgumentOutOfRangeException(nameof(retention), "a draft must be kept for some time");

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Saves (or replaces) the draft's answers; its files are kept and live as long as the draft.</summary>
    public async Task<CitizenDraft> SaveAsync(string tenant, string owner, string processId, string data, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var now = Now;
        var expires = now + (long)Retention.TotalMilliseconds;
        await using var db = Context();
        await PurgeAsync(db, now, cancel);
        var row = await db.Drafts.FirstOrDefaultAsync(d => d.TenantId == tenant && d.Owner == owner && d.ProcessId == processId, cancel);
        if (row is null) db.Drafts.Add(row = new DraftRow { TenantId = tenant, Owner = owner, ProcessId = processId });
        row.Data = data;
        row.UpdatedAt = now;
        row.ExpiresAt = expires;
        await db.Files.Where(f => f.TenantId == tenant && f.Owner == owner && f.ProcessId == processId)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.ExpiresAt, expires), cancel);
        await db.SaveChangesAsync(cancel);
        return ToDraft(row);
    }

    /// <summary>The owner's draft for the service; null when there is none or it expired.</summary>
    public async Task<CitizenDraft?> FindAsync(string tenant, string owner, string processId, CancellationToken cancel = default)
    {
        await using var db = Context();
        var now = Now;
        var row = await db.Drafts.AsNoTracking()
            .FirstOrDefaultAsync(d => d.TenantId == tenant && d.Owner == owner && d.ProcessId == processId && d.ExpiresAt > now, cancel);
        return row is null ? null : ToDraft(row);
    }

    /// <summary>Deletes the draft and its files (after the application was sent, or when the citizen discards it).</summary>
    public async Task DeleteAsync(string tenant, string owner, string processId, CancellationToken cancel = default)
    {
        await using var db = Context();
        await db.Files.Where(f => f.TenantId == tenant && f.Owner == owner && f.ProcessId == processId).ExecuteDeleteAsync(cancel);
        await db.Drafts.Where(d => d.TenantId == tenant && d.Owner == owner && d.ProcessId == processId).ExecuteDeleteAsync(cancel);
    }

    /// <summary>Adds a checked file to the draft (creating an empty draft when there is none); the same content twice is one file.</summary>
    public async Task<CitizenDraftFile> AddFileAsync(string tenant, string owner, string processId, string hash, string name, string contentType,
        byte[] content, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var now = Now;
        var expires = now + (long)Retention.TotalMilliseconds;
        await using var db = Context();
        await PurgeAsync(db, now, cancel);
        var draft = await db.Drafts.FirstOrDefaultAsync(d => d.TenantId == tenant && d.Owner == owner && d.ProcessId == processId, cancel);
        if (draft is null) db.Drafts.Add(draft = new DraftRow { TenantId = tenant, Owner = owner, ProcessId = processId, Data = "{}" });
        draft.UpdatedAt = now;
        draft.ExpiresAt = expires;
        var file = await db.Files.FirstOrDefaultAsync(f => f.TenantId == tenant && f.Owner == owner && f.ProcessId == processId && f.Hash == hash, cancel);
        if (file is null)
            db.Files.Add(file = new FileRow
            {
                TenantId = tenant, Owner = owner, ProcessId = processId, Hash = hash, Name = name, ContentType = contentType,
                Size = content.LongLength, Content = content, AddedAt = now,
            });
        file.ExpiresAt = expires;
        await db.SaveChangesAsync(cancel);
        return ToFile(file);
    }

    /// <summary>The draft's files (without their content), oldest first.</summary>
    public async Task<IReadOnlyList<CitizenDraftFile>> FilesAsync(string tenant, string owner, string processId, CancellationToken cancel = default)
    {
        await using var db = Context();
        var now = Now;
        var rows = await db.Files.AsNoTracking()
            .Where(f => f.TenantId == tenant && f.Owner == owner && f.ProcessId == processId && f.ExpiresAt > now)
            .Select(f => new FileRow { Hash = f.Hash, Name = f.Name, ContentType = f.ContentType, Size = f.Size, AddedAt = f.AddedAt })
            .ToListAsync(cancel);
        return rows.OrderBy(f => f.AddedAt).Select(ToFile).ToList();
    }

    /// <summary>The draft's files with their content (to move them into the case file when the application is sent).</summary>
    public async Task<IReadOnlyList<(CitizenDraftFile File, byte[] Content)>> FilesWithContentAsync(string tenant, string owner, string processId, CancellationToken cancel = default)
    {
        await using var db = Context();
        var now = Now;
        var rows = await db.Files.AsNoTracking()
            .Where(f => f.TenantId == tenant && f.Owner == owner && f.ProcessId == processId && f.ExpiresAt > now).ToListAsync(cancel);
        return rows.OrderBy(f => f.AddedAt).Select(f => (ToFile(f), f.Content)).ToList();
    }

    /// <summary>Removes one file of the draft; false when the draft has no such file.</summary>
    public async Task<bool> RemoveFileAsync(string tenant, string owner, string processId, string hash, CancellationToken cancel = default)
    {
        await using var db = Context();
        return await db.Files.Where(f => f.TenantId == tenant && f.Owner == owner && f.ProcessId == processId && f.Hash == hash).ExecuteDeleteAsync(cancel) > 0;
    }

    private static async Task PurgeAsync(DraftDb db, long now, CancellationToken cancel)
    {
        await db.Files.Where(f => f.ExpiresAt <= now).ExecuteDeleteAsync(cancel);
        await db.Drafts.Where(d => d.ExpiresAt <= now).ExecuteDeleteAsync(cancel);
    }

    private static CitizenDraft ToDraft(DraftRow r) =>
        new(r.ProcessId, r.Data, DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt), DateTimeOffset.FromUnixTimeMilliseconds(r.ExpiresAt));

    private static CitizenDraftFile ToFile(FileRow f) => new(f.Hash, f.Name, f.ContentType, f.Size, DateTimeOffset.FromUnixTimeMilliseconds(f.AddedAt));

    private DraftDb Context()
    {
        var b = new DbContextOptionsBuilder<DraftDb>();
        if (database.Store.Provider == Persistence.StoreProvider.Sqlite) b.UseSqlite(database.Store.ConnectionString);
        else b.UseNpgsql(database.Store.ConnectionString);
        return new DraftDb(b.Options);
    }

    private sealed class DraftDb(DbContextOptions<DraftDb> options) : DbContext(options)
    {
        public DbSet<DraftRow> Drafts => Set<DraftRow>();
        public DbSet<FileRow> Files => Set<FileRow>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<DraftRow>(e =>
            {
                e.ToTable("citizen_drafts");
                e.HasKey(x => new { x.TenantId, x.Owner, x.ProcessId });
                e.Property(x => x.TenantId).HasColumnName("tenant_id");
                e.Property(x => x.Owner).HasColumnName("owner");
                e.Property(x => x.ProcessId).HasColumnName("process_id");
                e.Property(x => x.Data).HasColumnName("data");
                e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
                e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            });
            modelBuilder.Entity<FileRow>(e =>
            {
                e.ToTable("citizen_draft_files");
                e.HasKey(x => new { x.TenantId, x.Owner, x.ProcessId, x.Hash });
                e.Property(x => x.TenantId).HasColumnName("tenant_id");
                e.Property(x => x.Owner).HasColumnName("owner");
                e.Property(x => x.ProcessId).HasColumnName("process_id");
                e.Property(x => x.Hash).HasColumnName("hash");
                e.Property(x => x.Name).HasColumnName("name");
                e.Property(x => x.ContentType).HasColumnName("content_type");
                e.Property(x => x.Size).HasColumnName("size");
                e.Property(x => x.Content).HasColumnName("content");
                e.Property(x => x.AddedAt).HasColumnName("added_at");
                e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
            });
        }
    }

    private sealed class DraftRow
    {
        public string TenantId { get; set; } = "";
        public string Owner { get; set; } = "";
        public string ProcessId { get; set; } = "";
        public string Data { get; set; } = "{}";
        public long UpdatedAt { get; set; }
        public long ExpiresAt { get; set; }
    }

    private sealed class FileRow
    {
        public string TenantId { get; set; } = "";
        public string Owner { get; set; } = "";
        public string ProcessId { get; set; } = "";
        public string Hash { get; set; } = "";
        public string Name { get; set; } = "";
        public string ContentType { get; set; } = "";
        public long Size { get; set; }
        public byte[] Content { get; set; } = [];
        public long AddedAt { get; set; }
        public long ExpiresAt { get; set; }
    }
}
