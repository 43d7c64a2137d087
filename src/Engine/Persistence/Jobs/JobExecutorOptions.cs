using NodaTime;

namespace EGov.Workflows.Persistence.Jobs;

/// <summary>How a node's <see cref="JobExecutor"/> acquires and runs due work.</summary>
public sealed record JobExecutorOptions
{
    /// <summary>
    /// This node's name on its leases (default unique per process: host, process id and a random part). Two live nodes must
    /// never share it; a node that keeps its name across restarts takes back, when it starts, the leases its killed predecessor held.
    /// </summary>
    public string Owner { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// How long a leased job stays this node's without a heartbeat; a node that dies leaves its jobs to others after at most
    /// this. While the node lives, its heartbeat (every <see cref="HeartbeatInterval"/>) extends the leases it holds, so a
    /// job may run longer than the lease.
    /// </summary>
    public Duration Lease { get; init; } = Duration.FromSeconds(30);

    /// <summary>How often the leases this node holds are extended by <see cref="Lease"/>; null = a third of the lease.</summary>
    public TimeSpan? Heartbeat { get; init; }

    /// <summary>The heartbeat's period: <see cref="Heartbeat"/>, or a third of <see cref="Lease"/>.</summary>
    public TimeSpan HeartbeatInterval => Heartbeat ?? Lease.ToTimeSpan() / 3;

    /// <summary>Jobs leased per acquisition.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>
    /// How long one batch may run (after its first turn — one job of each tenant in it) before the jobs it has not started go
    /// back (untouched) and the executor acquires again: the
    /// new acquisition is fair between tenants over what is due by then, so a tenant's timer that became due behind a batch of
    /// another tenant's slow jobs waits for about this long plus one job, not for the whole batch.
    /// </summary>
    public TimeSpan BatchSlice { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest sleep when nothing is due (<see cref="JobExecutor.Wake"/> ends it early).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Only this tenant's jobs; null = every tenant's (one executor per node).</summary>
    public string? TenantId { get; init; }

    /// <summary>Tries of a job whose commit met a concurrent change of the same instance (safe: nothing was written).</summary>
    public int ConflictRetries { get; init; } = 5;

    /// <summary>First pause after a conflict; doubled per try, with jitter.</summary>
    public TimeSpan ConflictBackoff { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Brings a tenant's engine up to the stored deployments (e.g. <c>new DurableDeployments(store).Restore</c>); called
    /// when a job fails unexpectedly, since on many nodes the instance may run on a version another node deployed after
    /// this one started. Returns how many versions it added; the job is retried at once when that is more than zero.
    /// </summary>
    public Func<Runtime.WorkflowEngine, int>? SyncDeployments { get; init; }

    /// <summary>
    /// How long a job that failed unexpectedly (not an incident: e.g. its model is not deployed on this node) rests before anyone
    /// tries again. Such a failure counts as an attempt without an outcome: after <see cref="PoisonAfter"/> of them it is parked.
    /// </summary>
    public Duration FailureBackoff { get; init; } = Duration.FromSeconds(30);

    /// <summary>
    /// The wall-clock budget of one job on this node. The engine's own command budget (<c>CommandLimits.MaxDuration</c>,
    /// 30 s by default) normally ends a job first — it rolls back and opens an incident; this is the executor's backstop for a
    /// job stuck where the engine cannot stop it (an activity ignoring its cancellation): past it the executor stops waiting,
    /// hands the job back with <see cref="FailureBackoff"/> and goes on with other work. Such a run counts as an attempt
    /// without an outcome (see <see cref="PoisonAfter"/>); a late commit of the abandoned run is refused by the engine.
    /// Keep it above the engine's command budget.
    /// </summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Poison jobs: a job taken this many times without an outcome (its node crashed or was killed while running it, or the
    /// run passed <see cref="JobTimeout"/>, or it failed unexpectedly) is not run again when it is taken the next time: it is parked — an incident on its
    /// instance (a start timer skips the occurrence) — so one bad job cannot crash or block the nodes over and over.
    /// </summary>
    public int PoisonAfter { get; init; } = 2;

    /// <summary>A loop that made no progress (no round, no finished job) for this long is reported stalled by /health/ready.</summary>
    public TimeSpan StallAfter { get; init; } = TimeSpan.FromMinutes(2);
}
