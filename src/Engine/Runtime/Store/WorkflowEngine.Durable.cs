using EGov.Workflows.Model;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Runtime;

// Hooks for durable stores and many nodes (added by the persistence layer; src/Engine/Persistence uses them):
// run one leased job as one command, and deploy processes at versions a deployment table decided.
public sealed partial class WorkflowEngine
{
    /// <summary>
    /// Runs one due job or start timer as one command — what a job executor calls for work it leased
    /// (see <see cref="IRuntimeStore.FindDueWork"/>). A job that is gone by now does nothing. A failing job opens an
    /// incident as in <see cref="RunDueJobs"/>; a conflicting commit throws <see cref="ConcurrencyConflictException"/>
    /// (safe to retry).
    /// </summary>
    public void ExecuteDueWork(DueWork work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (work.Kind == DueWorkKind.ExternalTaskRetry) return; // nothing to run: the task becomes fetchable again
        ExecuteDue(work);
    }

    /// <summary>
    /// Parks a job that must not run again by itself (a poison job: it crashed or overran its node's budget repeatedly): the
    /// job stops with an incident carrying <paramref name="message"/>, as a failing job's last retry would. A start timer
    /// has no instance to hold an incident: this occurrence is skipped and the timer moves on to its next one. Work that is
    /// gone by now does nothing. <paramref name="details"/>: the technical detail kept beside the message.
    /// </summary>
    public void ParkDueWork(DueWork work, string message, string? details = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentException.ThrowIfNullOrEmpty(message);
        switch (work.Kind)
        {
            case DueWorkKind.StartTimer:
                FireStartTimer(work, start: false);
                break;
            case DueWorkKind.Job:
                OpenJobIncident(work, message, details);
                break;
        }
    }

    /// <summary>
    /// Deploys processes at the versions given (a durable deployment table numbers them, not this engine). A version
    /// the engine already has is skipped. <paramref name="scheduleStartTimers"/> = false when restoring after a restart
    /// (the start timers are already in the store). All or nothing: refused models throw <see cref="DeploymentException"/>.
    /// <paramref name="sources"/> names the model text of each version (a durable store's content hash; see
    /// <see cref="VersionSource"/>); versions it leaves out have none.
    /// </summary>
    /// <param name="reload">
    /// Reads a version's model again (from the store that keeps it): given, the graphs built here join the engine's bounded
    /// cache and are built again from it after they were dropped; null: they stay in memory as long as they are deployed.
    /// </param>
    public IReadOnlyList<DeployedProcess> DeployVersions(
        IEnumerable<(string File, Definitions Definitions, string ProcessId, int Version)> processes, bool scheduleStartTimers,
        IReadOnlyDictionary<(string ProcessId, int Version), string>? sources = null, Func<string, int, Definitions>? reload = null)
    {
        ArgumentNullException.ThrowIfNull(processes);
        lock (_deployLock)
        {
            var todo = new List<(string File, Definitions Definitions, Process Process, string ProcessId, int Version)>();
            foreach (var (file, defs, processId, version) in processes.OrderBy(p => p.Version))
            {
                if (_core.Head(processId, version) is not null) continue;
                var p = defs.Processes.FirstOrDefault(x => x.Id == processId)
                    ?? throw new DeploymentException($"{file}: no process '{processId}'");
                todo.Add((file, defs, p, processId, version));
            }
            // Each graph is built from its own model alone: a processes folder of hundreds of models builds them on every
            // core, each with its own problem list, kept in the processes' order.
            var built = EveryCore.Map(todo.Count, i =>
            {
                var (file, defs, p, processId, version) = todo[i];
                var own = new List<string>();
                // Stored versions load as they were accepted; new ones (scheduleStartTimers) must name registered activities
                // and keep their literal timers within the limits, as a deploy on the in-memory store does.
                var graph = new GraphBuilder(file, defs, own, scheduleStartTimers ? _core.TimerLimits : null, scheduleStartTimers ? _core.Activities : null).Build(p, version);
                graph.Source = sources?.GetValueOrDefault((processId, version));
                return (Graph: graph, Problems: own);
            });
            var problems = built.SelectMany(b => b.Problems).ToList();
            var graphs = built.Select(b => b.Graph).ToList();
            var heads = graphs.Select(g => reload is null
                ? DeployedVersion.Pinned(g)
                : DeployedVersion.Lazy(g.ProcessId, g.Version, g.File, VersionOutline.Of(g), Rebuild(g.ProcessId, g.Version, g.File, () => reload(g.ProcessId, g.Version)), _core.Graphs, g.Source, g)).ToList();
            if (scheduleStartTimers) problems.AddRange(CheckValidity(heads)); // stored versions were checked when they were deployed
            if (problems.Count > 0)
            {
                foreach (var h in heads) h.Forget();
                throw new DeploymentException(problems);
            }
            foreach (var h in heads) _core.Add(h);
            if (scheduleStartTimers) ScheduleStartTimers(graphs);
            return graphs.Select(g => ProcessGraphViews.Deployed(g)).ToList();
        }
    }

    /// <summary>
    /// Deploys versions a durable store keeps by their outlines alone (a restart): no model is read and no graph built until
    /// an instance starts or continues on the version (then <see cref="StoredVersion.Load"/> reads its model; the graph stays
    /// in the engine's bounded cache, <see cref="WorkflowEngineOptions.GraphCacheCapacity"/>). Messages, signals and
    /// conditions find the versions they start by the outlines' start triggers. A version the engine has is skipped; start
    /// timers stay as stored. Returns how many it added.
    /// </summary>
    public int DeployStored(IEnumerable<StoredVersion> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        lock (_deployLock)
        {
            var added = 0;
            foreach (var v in versions.OrderBy(v => v.Version))
            {
                if (_core.Head(v.ProcessId, v.Version) is not null) continue;
                _core.Add(DeployedVersion.Lazy(v.ProcessId, v.Version, v.File, v.Outline, Rebuild(v.ProcessId, v.Version, v.File, v.Load), _core.Graphs, v.Source));
                added++;
            }
            return added;
        }
    }

    /// <summary>Builds a stored version's graph from its model as a restore would (it was checked when it was deployed).</summary>
    private static Func<ProcessGraph> Rebuild(string processId, int version, string file, Func<Definitions> load) => () =>
    {
        var defs = load();
        var p = defs.Processes.FirstOrDefault(x => x.Id == processId)
            ?? throw new DeploymentException($"{file}: the stored model of '{processId}' version {version} holds no such process");
        var problems = new List<string>();
        var graph = new GraphBuilder(file, defs, problems, timerLimits: null, activities: null).Build(p, version);
        if (problems.Count > 0) throw new DeploymentException(problems);
        return graph;
    };

    /// <summary>
    /// Removes a deployed version that no instance was ever started on (deleting an unused version): its graph goes and its
    /// start timers are removed from the store. Refused (false) when the store holds an instance of it; the caller checks the
    /// durable store's own rows for instances that ended and were archived. With <paramref name="rescheduleLatest"/>, the
    /// version that is the latest afterwards gets its timer start events scheduled again (they were replaced when the removed
    /// version was deployed) — the node that deletes does this once; a node that only learns of the deletion does not.
    /// </summary>
    public bool RemoveVersion(string processId, int version, bool rescheduleLatest = true)
    {
        lock (_deployLock)
        {
            if (_core.Head(processId, version) is null || _core.Store.HasInstancesOf(_core.TenantId, processId, version)) return false;
            var timers = _core.Store.StartTimers(_core.TenantId).Where(t => t.Id.StartsWith($"{processId}:{version}:", StringComparison.Ordinal)).ToList();
            if (timers.Count > 0)
            {
                var changes = new RuntimeChangeSet { TenantId = _core.TenantId };
                changes.RemovedStartTimerIds.AddRange(timers.Select(t => t.Id));
                _core.Store.Commit(changes);
            }
            if (!_core.Remove(processId, version)) return false;
            if (rescheduleLatest) RescheduleStartTimers(processId);
            return true;
        }
    }

    /// <summary>
    /// Schedules the timer start events of the process's latest version when none of them is in the store (after the version
    /// above it was deleted). A timer that can no longer be scheduled (limits tightened since) stays off, as on a restart.
    /// </summary>
    private void RescheduleStartTimers(string processId)
    {
        if (_core.LatestVersion(processId) is not { } latest) return;
        if (!latest.Outline.StartsBy(StartTriggerKind.Timer)) return;
        var prefix = $"{processId}:{latest.Version}:";
        if (_core.Store.StartTimers(_core.TenantId).Any(t => t.Id.StartsWith(prefix, StringComparison.Ordinal))) return;
        try { ScheduleStartTimers([latest.Graph]); }
        catch (DeploymentException) { }
    }

    /// <summary>
    /// Forgets the graph of a version without touching the store — for a node that learns from a store shared with other
    /// nodes that the version was deleted there (the deleting node removed its rows and start timers) or replaced by another
    /// model under the same number (deleted and deployed again). False when the engine does not have it.
    /// </summary>
    public bool ForgetVersion(string processId, int version)
    {
        lock (_deployLock) return _core.Remove(processId, version);
    }

    /// <summary>
    /// Which model text the engine's graph of this version was built from (a durable store's content hash, given to
    /// <see cref="DeployVersions"/>), or null: not deployed, or deployed without a name for its model.
    /// </summary>
    public string? VersionSource(string processId, int version) => _core.Head(processId, version)?.Source;

    /// <summary>True when this engine has the process at this version (deployed here or restored).</summary>
    public bool HasVersion(string processId, int version) => _core.Head(processId, version) is not null;

    /// <summary>Whether the graph of a deployed version is in memory now (built; a version deployed by its outline builds it on first use).</summary>
    public bool IsGraphBuilt(string processId, int version) => _core.Head(processId, version)?.IsBuilt ?? false;
}
