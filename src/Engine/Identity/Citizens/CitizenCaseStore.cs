using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity.Citizens;

/// <summary>A case a citizen started.</summary>
public sealed record CitizenCase(string InstanceId, string ProcessId, string Aktenzeichen, DateTimeOffset CreatedAt);

/// <summary>
/// The cases each citizen started (<c>citizen_cases</c>, migration 0019), by owner: the privacy filter of "Meine
/// Vorgänge" — a citizen sees a case only when a row names them as its owner.
/// </summary>
public sealed class CitizenCaseStore(IdentityDatabase database, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task AddAsync(string tenant, string owner, string instanceId, string processId, string aktenzeichen, CancellationToken cancel = default) =>
        AddAsync(tenant, owner, instanceId, processId, aktenzeichen, null, null, cancel);

    /// <summary>
    /// Records the case; with <paramref name="contactEmail"/> and <paramref name="confirmationId"/> also the confirmation
    /// e-mail in the outbox (<see cref="CitizenMailOutbox"/>) — in the same transaction, so the two exist only together.
    /// </summary>
    public async Task AddAsync(string tenant, string owner, string instanceId, string processId, string aktenzeichen, string? contactEmail, string? confirmationId,
        CancellationToken cancel = default)
    {
        await using var db = Context();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        db.Cases.Add(new CitizenCaseRow
        {
            TenantId = tenant, Owner = owner, InstanceId = instanceId, ProcessId = processId, Aktenzeichen = aktenzeichen,
            CreatedAt = now, ContactEmail = string.IsNullOrWhiteSpace(contactEmail) ? null : contactEmail.Trim(),
        });
        if (confirmationId is not null && !string.IsNullOrWhiteSpace(contactEmail))
            db.Mails.Add(CitizenMailRow.New(tenant, confirmationId, instanceId, CitizenMailKinds.Confirmation, now));
        await db.SaveChangesAsync(cancel);
    }

    /// <summary>Takes back a case whose start failed, with its e-mails not yet sent.</summary>
    public async Task RemoveAsync(string tenant, string owner, string instanceId, CancellationToken cancel = default)
    {
        await using var db = Context();
        await db.Cases.Where(c => c.TenantId == tenant && c.Owner == owner && c.InstanceId == instanceId).ExecuteDeleteAsync(cancel);
        await db.Mails.Where(m => m.TenantId == tenant && m.InstanceId == instanceId).ExecuteDeleteAsync(cancel);
    }

    /// <summary>The owner's cases, newest first (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<CitizenCase>> ListAsync(string tenant, string owner, int limit = 100, CancellationToken cancel = default)
    {
        await using var db = Context();
        var rows = await db.Cases.AsNoTracking().Where(c => c.TenantId == tenant && c.Owner == owner)
            .OrderByDescending(c => c.CreatedAt).Take(limit).ToListAsync(cancel);
        return rows.Select(ToCase).ToList();
    }

    /// <summary>The owner's case with this id; null when there is none — also when it is somebody else's.</summary>
    public async Task<CitizenCase?> FindAsync(string tenant, string owner, string instanceId, CancellationToken cancel = default)
    {
        await using var db = Context();
        var row = await db.Cases.AsNoTracking().FirstOrDefaultAsync(c => c.TenantId == tenant && c.Owner == owner && c.InstanceId == instanceId, cancel);
        return row is null ? null : ToCase(row);
    }

    private static CitizenCase ToCase(CitizenCaseRow r) => new(r.InstanceId, r.ProcessId, r.Aktenzeichen, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt));

    private CaseDb Context()
    {
        var b = new DbContextOptionsBuilder<CaseDb>();
        if (database.Store.Provider == Persistence.StoreProvider.Sqlite) b.UseSqlite(database.Store.ConnectionString);
        else b.UseNpgsql(database.Store.ConnectionString);
        return new CaseDb(b.Options);
    }

    private sealed class CaseDb(DbContextOptions<CaseDb> options) : DbContext(options)
    {
        public DbSet<CitizenCaseRow> Cases => Set<CitizenCaseRow>();
        public DbSet<CitizenMailRow> Mails => Set<CitizenMailRow>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            CitizenCaseRow.Map(modelBuilder);
            CitizenMailRow.Map(modelBuilder);
        }
    }
}
