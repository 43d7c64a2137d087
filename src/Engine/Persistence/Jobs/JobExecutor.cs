using EGov.Workflows.Persistence.Faults;
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
/// <para>
/// Leases heal: the lease is short (30 s by default) and a heartbeat extends the leases the node holds while it works, so a
/// killed node's jobs are free within the lease and a long job keeps its own. A job that could not run because the store
/// failed is handed back without back-off; a hand-back that fails is kept in memory and tried again every round until the
/// store takes it; the take-back of a previous life's leases at start is retried until it succeeds.
/// </para>
/// <para>
/// Bounded and fair (issue 20): a batch holds every tenant's earliest due job before any tenant's second (see
/// <see cref="IJobLeaseStore.AcquireDueJobs"/>), so one tenant's flood of due jobs does not keep another tenant's timer
/// waiting; a job gets <see cref="JobExecutorOptions.JobTimeout"/> of wall-clock time, after which the executor goes on
/// without it; and a job taken <see cref="JobExecutorOptions.PoisonAfter"/> times without an outcome (crashed nodes, runs
/// past the budget) is parked as an incident instead of being run again (poison job).
/// </para>
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
    private long _heartbeats;
    private int _held; // leases of the batch in hand: the heartbeat beats only while there are some
    private volatile bool _reclaimed;
    private bool _sliced; // the last batch was cut short by BatchSlice (its rest went back): the loop acquires again at once
    private readonly List<(LeasedJob Job, Instant? RetryAt, LeaseEnd End)> _pending = [];

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
    /// <remarks>
    /// First it heals what an outage left: the take-back of a previous life's leases, if it has not succeeded yet (nothing is
    /// acquired before it has: it would release this life's own leases), and every hand-back that failed. Throws when the
    /// store fails while acquiring (the caller waits and calls again).
    /// </remarks>
    public int RunOnce(CancellationToken stop = default)
    {
        if (!_reclaimed) ReclaimLeasesOfAPreviousLife(throwOnFailure: true);
        RetryPendingReleases();
        var batch = _leases.AcquireDueJobs(Options.TenantId, Options.Owner, Options.Lease, Options.BatchSize, _clock.GetCurrentInstant());
        Interlocked.Add(ref _held, batch.Count);
        var ran = 0;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        // The batch comes in turns (every tenant's earliest job first): the first turn always runs whole, so every tenant with
        // due work gets a job per batch however slow the others' are.
        var firstTurn = batch.Select(j => j.TenantId).Distinct(StringComparer.Ordinal).Count();
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                // Shutting down, or the batch has had its time: the rest goes back untouched and the next acquisition, fair
                // between tenants again, sees what has become due meanwhile (another tenant's timer behind slow jobs).
                if (stop.IsCancellationRequested || (i >= firstTurn && System.Diagnostics.Stopwatch.GetElapsedTime(started) > Options.BatchSlice))
                {
                    _sliced = !stop.IsCancellationRequested;
                    for (var j = i; j < batch.Count; j++) HandBack(batch[j], null, LeaseEnd.Untouched);
                    break;
                }
                if (Run(batch[i], stop)) ran++;
            }
        }
        finally
        {
            Interlocked.Add(ref _held, -batch.Count);
        }
        return ran;
    }

    /// <summary>Hand-backs that failed (the store was away) and are tried again each round until the store takes them.</summary>
    public int PendingReleases
    {
        get { lock (_pending) return _pending.Count; }
    }

    private bool Sync(Func<WorkflowEngine, int> sync, string tenantId)
    {
        try { return sync(_engineFor(tenantId)) > 0; }
        catch (Exception e) when (e is not OutOfMemoryException) { return false; }
    }

    /// <summary>Runs one leased job (or parks it, if it is poison) and hands it back. True when the job ran to a commit.</summary>
    private bool Run(LeasedJob job, CancellationToken stop)
    {
        if (job.Attempts > Options.PoisonAfter)
        {
            HandBack(job, null, Park(job));
            return false;
        }
        var run = Task.Run(() => Execute(job, stop), CancellationToken.None);
        if (!run.Wait(Options.JobTimeout, CancellationToken.None))
        {
            // Stuck where the engine cannot stop it. The engine refuses the late commit (its own budget is shorter), so the
            // run left behind changes nothing; the job rests, and counts as an attempt without an outcome.
            Interlocked.Increment(ref _abandoned);
            _ = run.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            if (_log.IsEnabled(LogLevel.Error))
                _log.LogError("job {Job} of tenant {Tenant} ran longer than {Timeout} and was left behind (attempt {Attempt} of {Limit}); next try in {Backoff}",
                    job.Work.Id, job.TenantId, Options.JobTimeout, job.Attempts, Options.PoisonAfter, Options.FailureBackoff);
            Progressed();
            HandBack(job, _clock.GetCurrentInstant() + Options.FailureBackoff, LeaseEnd.Failed);
            return false;
        }
        var (ran, retryAt, end) = run.Result;
        HandBack(job, retryAt, end);
        return ran;
    }

    /// <summary>Jobs this executor parked as poison (incident, or a skipped start-timer occurrence).</summary>
    public long Parked => Interlocked.Read(ref _parked);
    private long _parked;

    /// <summary>Runs this executor left behind because they passed <see cref="JobExecutorOptions.JobTimeout"/>.</summary>
    public long Abandoned => Interlocked.Read(ref _abandoned);
    private long _abandoned;

    /// <summary>The incident text of a parked job: for the clerk or operator who finds it, in plain German.</summary>
    public static string PoisonMessage(int attempts) =>
        $"Der Auftrag wurde angehalten, weil er {attempts - 1}-mal nicht zu Ende lief (der Server brach ab, die Zeit reichte nicht oder ein unerwarteter Fehler trat auf). " +
        "Bitte die Ursache prüfen lassen und den Auftrag danach erneut anstoßen.";

    private LeaseEnd Park(LeasedJob job)
    {
        try
        {
            _engineFor(job.TenantId).ParkDueWork(job.Work, PoisonMessage(job.Attempts),
                $"poison job: leased {job.Attempts} times, the last {job.Attempts - 1} without an outcome (node crashed or killed, run past {Options.JobTimeout.TotalSeconds:0} s, or an unexpected failure); not run again");
            Interlocked.Increment(ref _parked);
            Progressed();
            if (_log.IsEnabled(LogLevel.Error))
                _log.LogError("job {Job} ({Kind}) of tenant {Tenant} was taken {Attempts} times without an outcome and is parked (poison job)", job.Work.Id, job.Work.Kind, job.TenantId, job.Attempts);
            return LeaseEnd.Finished;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (_log.IsEnabled(LogLevel.Warning)) _log.LogWarning("job {Job} of tenant {Tenant} could not be parked ({Message}); tried again", job.Work.Id, job.TenantId, e.Message);
            return LeaseEnd.Untouched;
        }
    }

    /// <summary>Runs the job; answers whether it committed, when it may run again if not (null: at once), and how its lease ends.</summary>
    private (bool Ran, Instant? RetryAt, LeaseEnd End) Execute(LeasedJob job, CancellationToken stop)
    {
        // The job's span (its command's span is the child) and a log scope, so each line logged for it names instance and tenant;
        // with the executor's logging off (no logger) no scope is built: this runs for every job.
        using var span = JobTelemetry.Start(job, _clock.GetCurrentInstant());
        using var scope = _log.IsEnabled(LogLevel.Critical)
            ? _log.BeginScope(new Dictionary<string, object?> { ["TenantId"] = job.TenantId, ["InstanceId"] = job.Work.InstanceId, ["JobId"] = job.Work.Id })
            : null;
        var result = ExecuteInScope(job, stop);
        var outcome = result.Ran ? "ok" : result.End == LeaseEnd.Failed ? "failed" : "retry";
        JobTelemetry.Record(job, outcome);
        if (_log.IsEnabled(LogLevel.Debug)) _log.LogDebug("job {Job} ({Kind}) ran: {Outcome}", job.Work.Id, job.Work.Kind, outcome);
        return result;
    }

    private (bool Ran, Instant? RetryAt, LeaseEnd End) ExecuteInScope(LeasedJob job, CancellationToken stop)
    {
        var synced = false;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                _engineFor(job.TenantId).ExecuteDueWork(job.Work);
                Interlocked.Increment(ref _executed);
                Progressed();
                return (true, null, LeaseEnd.Finished);
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
                return (false, _clock.GetCurrentInstant() + Duration.FromTimeSpan(Options.ConflictBackoff), LeaseEnd.Finished);
            }
            catch (Exception e) when (StorageFaults.IsStorageFault(e))
            {
                // The store failed, not the job: nothing was written. It runs again (here or on another node) as soon as the
                // store takes the hand-back — no back-off, no incident.
                if (_log.IsEnabled(LogLevel.Warning)) _log.LogWarning("job {Job} of tenant {Tenant} could not run, the store failed: {Message}; it runs again when the store answers", job.Work.Id, job.TenantId, e.Message);
                return (false, null, LeaseEnd.Untouched);
            }
            catch (Exception e) when (e is not OutOfMemoryException && !synced && Options.SyncDeployments is { } sync && Sync(sync, job.TenantId))
            {
                synced = true; // a version this node did not know yet: now it does, try again
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (_log.IsEnabled(LogLevel.Error)) _log.LogError(e, "job {Job} of tenant {Tenant} failed: {Message}; next try in {Backoff}", job.Work.Id, job.TenantId, e.Message, Options.FailureBackoff);
                return (false, _clock.GetCurrentInstant() + Options.FailureBackoff, LeaseEnd.Failed);
            }
        }
    }

    /// <summary>Gives a job back; when the store fails, keeps the hand-back to try again each round (the heartbeat stops with it).</summary>
    private void HandBack(LeasedJob job, Instant? retryAt, LeaseEnd end)
    {
        try { _leases.Release(job, retryAt, end); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            lock (_pending) _pending.Add((job, retryAt, end));
            if (_log.IsEnabled(LogLevel.Warning)) _log.LogWarning("job executor {Owner}: handing back job {Job} failed ({Message}); tried again when the store answers", Options.Owner, job.Work.Id, e.Message);
        }
    }

    private void RetryPendingReleases()
    {
        List<(LeasedJob Job, Instant? RetryAt, LeaseEnd End)> pending;
        lock (_pending)
        {
            if (_pending.Count == 0) return;
            pending = [.. _pending];
        }
        foreach (var p in pending)
        {
            _leases.Release(p.Job, p.RetryAt, p.End); // throws while the store is away: the round ends, the next one tries again
            lock (_pending) _pending.Remove(p);
        }
        if (_log.IsEnabled(LogLevel.Information)) _log.LogInformation("job executor {Owner}: {Count} jobs handed back after the store answered again", Options.Owner, pending.Count);
    }

    /// <summary>
    /// Extends the leases this node holds by <see cref="JobExecutorOptions.Lease"/> from now (the heartbeat; the loop calls
    /// it every <see cref="JobExecutorOptions.HeartbeatInterval"/> while it holds leases). Returns how many; never throws.
    /// </summary>
    public int Heartbeat()
    {
        try
        {
            var extended = _leases.ExtendLeases(Options.Owner, _clock.GetCurrentInstant() + Options.Lease);
            Interlocked.Increment(ref _heartbeats);
            return extended;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (_log.IsEnabled(LogLevel.Warning)) _log.LogWarning("job executor {Owner}: heartbeat failed ({Message}); the leases expire unless the next one succeeds", Options.Owner, e.Message);
            return 0;
        }
    }

    /// <summary>Whether the job loop ran on a thread-pool thread (tests: it must not).</summary>
    public bool LoopOnThreadPool { get; private set; }

    /// <summary>Heartbeats that reached the store (tests).</summary>
    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    /// <remarks>
    /// The loop blocks on the store (the take-back of earlier leases, acquisitions, hand-backs, waiting for a job), so it runs
    /// on a thread of its own, never on the thread pool: a node started under load must not lend its few pool threads (two
    /// on two cores) to the job loop while requests queue behind them (issue 21, item 6).
    /// </remarks>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Progressed();
        Volatile.Write(ref _running, true);
        using var beats = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var heart = Task.Run(() => HeartbeatLoop(beats.Token), CancellationToken.None);
        var loop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try { Loop(stoppingToken); loop.TrySetResult(); }
            catch (Exception e) { loop.TrySetException(e); }
        })
        { IsBackground = true, Name = $"egov-jobs {Options.Owner}" };
        thread.Start();
        try { await loop.Task; }
        finally
        {
            Volatile.Write(ref _running, false);
            await beats.CancelAsync();
            await heart;
        }
    }

    private async Task HeartbeatLoop(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
                if (Volatile.Read(ref _held) > 0) Heartbeat();
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>The job loop, on its own thread (see <see cref="ExecuteAsync"/>).</summary>
    private void Loop(CancellationToken stoppingToken)
    {
        LoopOnThreadPool = Thread.CurrentThread.IsThreadPoolThread;
        if (_log.IsEnabled(LogLevel.Information))
            _log.LogInformation("job executor {Owner} started (lease {Lease}, heartbeat {Heartbeat}, batch {Batch})", Options.Owner, Options.Lease, Options.HeartbeatInterval, Options.BatchSize);
        ReclaimLeasesOfAPreviousLife(throwOnFailure: false);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var ran = 0;
            var wait = Options.PollInterval;
            try
            {
                ran = RunOnce(stoppingToken);
                failures = 0;
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                // Database away: wait (a little longer each time, at most the poll interval times 5) and try again.
                failures++;
                if (failures == 1 || failures % 30 == 0) _log.LogError(e, "job executor {Owner}: the store failed ({Message}); trying again", Options.Owner, e.Message);
                wait = Options.PollInterval * Math.Min(failures, 5);
            }
            Progressed();
            if (ran > 0 || _sliced) { _sliced = false; continue; } // more may be due: acquire again at once
            try { _wake.Wait(wait, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>
    /// Leases under this owner at start belong to a previous process of this node that died (killed, crashed) before it could
    /// release them: nothing runs them now, so they are freed at once instead of waiting out the lease. When the store fails,
    /// it is tried again before every acquisition until it succeeds.
    /// </summary>
    private void ReclaimLeasesOfAPreviousLife(bool throwOnFailure)
    {
        try
        {
            var released = _leases.ReleaseAll(Options.Owner);
            _reclaimed = true;
            if (released > 0 && _log.IsEnabled(LogLevel.Warning)) _log.LogWarning("job executor {Owner} took back {Count} leases its previous process held", Options.Owner, released);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !throwOnFailure)
        {
            if (_log.IsEnabled(LogLevel.Warning)) _log.LogWarning("job executor {Owner}: taking back earlier leases failed ({Message}); tried again before the next acquisition", Options.Owner, e.Message);
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
