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

    /// <summary>How long a job that failed unexpectedly (not an incident: e.g. its model is not deployed on this node) rests before anyone tries again.</summary>
    public Duration FailureBackoff { get; init; } = Duration.FromSeconds(30);

    /// <summary>A loop that made no progress (no round, no finished job) for this long is reported stalled by /health/ready.</summary>
    public TimeSpan StallAfter { get; init; } = TimeSpan.FromMinutes(2);
}
