using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Jobs;

/// <summary>A due job or start timer a node holds until <see cref="LockExpiresAt"/>; after that another node may take it over.</summary>
public sealed record LeasedJob(string TenantId, DueWork Work, string Owner, Instant LockExpiresAt);

/// <summary>
/// Job acquisition for many nodes over one database: a node leases due work (lock owner + expiry written in the same
/// transaction as the selection), runs it, and releases it; a lease of a node that died expires and others take it over.
/// </summary>
public interface IJobLeaseStore
{
    /// <summary>
    /// Leases up to <paramref name="max"/> due jobs and start timers (of one tenant, or of all when null) that nobody
    /// holds or whose lease expired, earliest first. Two callers never get the same job while its lease runs.
    /// </summary>
    IReadOnlyList<LeasedJob> AcquireDueJobs(string? tenantId, string owner, Duration lease, int max, Instant now);

    /// <summary>Gives a job back (if this owner still holds it); <paramref name="retryAt"/> keeps others off it until then (back-off).</summary>
    void Release(LeasedJob job, Instant? retryAt = null);

    /// <summary>Gives back everything an owner holds (graceful shutdown). Returns how many leases it released.</summary>
    int ReleaseAll(string owner);

    /// <summary>
    /// The heartbeat: moves the expiry of every lease <paramref name="owner"/> holds to <paramref name="until"/>, so a short
    /// lease is safe for a long job while its node lives, and a dead node's jobs are free soon. Returns how many it extended.
    /// </summary>
    int ExtendLeases(string owner, Instant until);
}
