using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace EGov.Workflows.Persistence.Jobs;

/// <summary>
/// Runs due timers, async continuations and start timers on one node of many: leases a batch (owner + expiry, see
/// <see cref="IJobLeaseStore"/>), runs each job as one engine command (<see cref="WorkflowEngine.ExecuteDueWork"/>, which
/// opens an incident for a failing job), retries a job whose commit conflicted with another command (nothing was
/// written, so that is safe) with growing pauses, and gives the lease back. On shutdown it finishes the job it is
/// running and releases everything else it holds, so other nodes take over at once instead of after the lease.
/// </summary>
public sealed class JobExecutor : BackgroundService
{
    private readonly IJobLeaseStore _leases;
    private readonly Func<string, WorkflowEngine> _engineFor;
    private readonly IClock _clock;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _executed;
    private long _conflicts;

    /// <param name="leases">The durable store (its lease operations).</param>
    /// <param name="engineFor">The engine of a tenant (with that tenant's deployments).</param>
    /// <param name="clock">Decides what is due.</param>
    public JobExecutor(IJobLeaseStore leases, Func<string, WorkflowEngine> engineFor, IClock clock, JobExecutorOptions? options = null, ILogger<JobExecutor>? log = null)
    {
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(engineFor);
        ArgumentNullException.ThrowIfNull(clock);
        _leases = leases;
        _engineFor = engineFor;
        _clock = clock;
        Options = options ?? new JobExecutorOptions();
        _log = log ?? NullLogger<JobExecutor>.Instance;
    }

    public JobExecutorOptions Options { get; }

    /// <summary>Jobs this executor ran to a commit.</summary>
    public long Executed => Interlocked.Read(ref _executed);

    /// <summary>Commits of this executor that met a concurrent change (and were retried).</summary>
    public long Conflicts => Interlocked.Read(ref _conflicts);

    /// <summary>The loop runs (started and not stopped).</summary>
    public bool IsRunning => Volatile.Read(ref _running);
    private bool _running;

    /// <summary>
    /// When the loop last made progress: went round (acquired, found nothing, or met an outage) or finished a job.
    /// Null before it started. A loop that shows no progress for <see cref="JobExecutorOptions.StallAfter"/> is stalled.
    /// </summary>
    public DateTimeOffset? LastProgress => Volatile.Read(ref _lastProgressTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;
    private long _lastProgressTicks;

    private void Progressed() => Volatile.Write(ref _lastProgressTicks, DateTimeOffset.UtcNow.UtcTicks);

    /// <summary>Running, and progressed within <see cref="JobExecutorOptions.StallAfter"/> (health).</summary>
    public bool IsStalled(DateTimeOffset now) => IsRunning && LastProgress is { } p && now - p > Options.StallAfter;

    /// <summary>Ends the current sleep: new work may be due (a command just created an async job).</summary>
    public void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { } // already awake
    }

    /// <summary>Leases one batch of due work and runs it. Returns how many jobs ran. What is left when <paramref name="stop"/> fires is released.</summary>
    public int RunOnce(CancellationToken stop = default)
    {
        var batch = _leases.AcquireDueJobs(Options.TenantId, Options.Owner, Options.Lease, Options.BatchSize, _clock.GetCurrentInstant());
        var ran = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (stop.IsCancellationRequested)
            {
                for (var j = i; j < batch.Count; j++) _leases.Release(batch[j]);
                break;
            }
            if (Run(batch[i], stop)) ran++;
        }
        return ran;
    }

    private bool Sync(Func<WorkflowEngine, int> sync, string tenantId)
    {
        try { return sync(_engineFor(tenantId)) > 0; }
        catch (Exception e) when (e is not OutOfMemoryException) { return false; }
    }

    private bool Run(LeasedJob job, CancellationToken stop)
    {
        var synced = false;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _engineFor(job.TenantId).ExecuteDueWork(job.Work);
                Interlocked.Increment(ref _executed);
                Progressed();
                _leases.Release(job);
                return true;
            }
            catch (ConcurrencyConflictException) when (attempt < Options.ConflictRetries && !stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref _conflicts);
                var pause = Options.ConflictBackoff * Math.Pow(2, attempt) * (0.5 + Random.Shared.NextDouble());
                Thread.Sleep(pause);
            }
            catch (ConcurrencyConflictException)
            {
                Interlocked.Increment(ref _conflicts);
                _leases.Release(job, _clock.GetCurrentInstant() + Duration.FromTimeSpan(Options.ConflictBackoff));
                return false;
            }
            catch (Exception e) when (e is not OutOfMemoryException && !synced && Options.SyncDeployments is { } sync && Sync(sync, job.TenantId))
            {
                synced = true; // a version this node did not know yet: now it does, try again
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (_log.IsEnabled(LogLevel.Error)) _log.LogError(e, "job {Job} of tenant {Tenant} failed: {Message}; next try in {Backoff}", job.Work.Id, job.TenantId, e.Message, Options.FailureBackoff);
                _leases.Release(job, _clock.GetCurrentInstant() + Options.FailureBackoff);
                return false;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // let the host finish starting
        Progressed();
        Volatile.Write(ref _running, true);
        try { await Loop(stoppingToken); }
        finally { Volatile.Write(ref _running, false); }
    }

    private async Task Loop(CancellationToken stoppingToken)
    {
        if (_log.IsEnabled(LogLevel.Information))
            _log.LogInformation("job executor {Owner} started (lease {Lease}, batch {Batch})", Options.Owner, Options.Lease, Options.BatchSize);
        ReclaimLeasesOfAPreviousLife();
        while (!stoppingToken.IsCancellationRequested)
        {
            var ran = 0;
            try
            {
                ran = RunOnce(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                _log.LogError(e, "job acquisition failed: {Message}", e.Message); // database away: wait and try again
            }
            Progressed();
            if (ran > 0) continue;
            try { await _wake.WaitAsync(Options.PollInterval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>
    /// Leases under this owner at start belong to a previous process of this node that died (killed, crashed) before it could
    /// release them: nothing runs them now, so they are freed at once instead of waiting out the lease.
    /// </summary>
    private void ReclaimLeasesOfAPreviousLife()
    {
        try
        {
            var released = _leases.ReleaseAll(Options.Owner);
            if (released > 0 && _log.IsEnabled(LogLevel.Warning)) _log.LogWarning("job executor {Owner} took back {Count} leases its previous process held", Options.Owner, released);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (_log.IsEnabled(LogLevel.Warning)) _log.LogWarning(e, "job executor {Owner}: taking back earlier leases failed; they expire after {Lease}", Options.Owner, Options.Lease);
        }
    }

    /// <summary>Stops taking work, lets the running job finish, then releases every lease this node still holds.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            var released = _leases.ReleaseAll(Options.Owner);
            if (released > 0 && _log.IsEnabled(LogLevel.Information)) _log.LogInformation("job executor {Owner} released {Count} leases", Options.Owner, released);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (_log.IsEnabled(LogLevel.Warning)) _log.LogWarning(e, "job executor {Owner}: releasing leases failed; they expire after {Lease}", Options.Owner, Options.Lease);
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
