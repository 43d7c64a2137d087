using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Jobs;

/// <summary>A due job or start timer a node holds until <see cref="LockExpiresAt"/>; after that another node may take it over.</summary>
/// <param name="Attempts">
/// How often the job has been leased without a node coming back with an outcome, this lease included: 1 for a job taken the
/// first time (or after it last ran); more when earlier takes ended in a crash, a killed node or a run past the job's
/// wall-clock budget. The job executor parks a job whose count passes its limit (poison job).
/// </param>
public sealed record LeasedJob(string TenantId, DueWork Work, string Owner, Instant LockExpiresAt, int Attempts = 1);

/// <summary>How a lease ends: what the attempt counter of the job (<see cref="LeasedJob.Attempts"/>) does.</summary>
public enum LeaseEnd
{
    /// <summary>The job ran (committed, or ended in a handled failure or incident): the counter goes back to 0.</summary>
    Finished,

    /// <summary>The job was not run (shutdown, the store failed): this lease does not count.</summary>
    Untouched,

    /// <summary>
    /// The run ended without an outcome the engine could record — it passed its wall-clock budget and was left behind, or it
    /// threw unexpectedly: this lease counts, as a crash would.
    /// </summary>
    Failed,
}

/// <summary>
/// Job acquisition for many nodes over one database: a node leases due work (lock owner + expiry written in the same
/// transaction as the selection), runs it, and releases it; a lease of a node that died expires and others take it over.
/// </summary>
public interface IJobLeaseStore
{
    /// <summary>
    /// Leases up to <paramref name="max"/> due jobs and start timers (of one tenant, or of all when null) that nobody
    /// holds or whose lease expired. Fair between tenants: the earliest job of every tenant with due work comes before
    /// the second of any tenant, so one tenant's flood of due jobs never keeps another tenant's timer waiting; within a
    /// tenant, earliest first. Two callers never get the same job while its lease runs.
    /// </summary>
    IReadOnlyList<LeasedJob> AcquireDueJobs(string? tenantId, string owner, Duration lease, int max, Instant now);

    /// <summary>
    /// Gives a job back (if this owner still holds it); <paramref name="retryAt"/> keeps others off it until then (back-off);
    /// <paramref name="end"/> says what happened to the job, for its attempt counter.
    /// </summary>
    void Release(LeasedJob job, Instant? retryAt = null, LeaseEnd end = LeaseEnd.Finished);

    /// <summary>
    /// Gives back everything an owner holds (graceful shutdown; at start, what a killed predecessor of the same name held).
    /// Attempt counters stay: a lease that ends this way had no outcome. Returns how many leases it released.
    /// </summary>
    int ReleaseAll(string owner);

    /// <summary>
    /// The heartbeat: moves the expiry of every lease <paramref name="owner"/> holds to <paramref name="until"/>, so a short
    /// lease is safe for a long job while its node lives, and a dead node's jobs are free soon. Returns how many it extended.
    /// </summary>
    int ExtendLeases(string owner, Instant until);
}
