using EGov.Workflows.Model;
using EGov.Workflows.Runtime.Graph;

namespace EGov.Workflows.Runtime;

// Versions deployed by reference (issue 16 item 4, shared models with a tenant's overlay): the engine keeps the outline and
// a way to make the model; the graph is built on first use, into the bounded graph cache.
public sealed partial class WorkflowEngine
{
    /// <summary>
    /// The outline of a process of a model (name, validity, properties, start triggers), from its graph built once and
    /// dropped: what <see cref="DeployReference"/> is given for every tenant's version of a shared model. Null when the model
    /// has no such process; <see cref="DeploymentException"/> when it cannot be built.
    /// </summary>
    public static VersionOutline? OutlineOf(string file, Definitions definitions, string processId)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var p = definitions.Processes.FirstOrDefault(x => x.Id == processId);
        if (p is null) return null;
        var problems = new List<string>();
        var graph = new GraphBuilder(file, definitions, problems, timerLimits: null, activities: null).Build(p, 1);
        if (problems.Count > 0) throw new DeploymentException(problems);
        return VersionOutline.Of(graph);
    }

    /// <summary>
    /// Deploys a version by reference: its <paramref name="outline"/> now, its model made by <paramref name="load"/> when an
    /// instance first starts or continues on it (and again after its graph left the engine's bounded cache,
    /// <see cref="WorkflowEngineOptions.GraphCacheCapacity"/>). The caller vouches that the model <paramref name="load"/> makes
    /// deploys (a shared model's check and an overlay's fit check). <paramref name="source"/> names what it is made of (the
    /// shared model's and the overlay's hashes): when the process's latest version has the same source, nothing is deployed
    /// and that version is returned (an unchanged merge keeps its version). Validity is checked against the deployed
    /// versions as for <see cref="Deploy(IEnumerable{ValueTuple{string, Definitions}})"/>; a version that a timer starts
    /// builds its graph now (its start timers are scheduled).
    /// </summary>
    /// <returns>The version, and whether it is new.</returns>
    public (DeployedProcess Process, bool New) DeployReference(string processId, string file, VersionOutline outline, Func<Definitions> load, string source)
    {
        ArgumentNullException.ThrowIfNull(processId);
        ArgumentNullException.ThrowIfNull(outline);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(source);
        lock (_deployLock)
        {
            if (_core.LatestVersion(processId) is { } latest && latest.Source == source) return (ProcessGraphViews.Deployed(latest), false);
            var version = _core.NextVersion(processId);
            var head = DeployedVersion.Lazy(processId, version, file, outline, Rebuild(processId, version, file, load), _core.Graphs, source);
            var problems = CheckValidity([head]);
            if (problems.Count > 0)
            {
                head.Forget();
                throw new DeploymentException(problems);
            }
            List<ProcessGraph> timed;
            List<State.StartTimerState> startTimers;
            try
            {
                timed = outline.StartsBy(StartTriggerKind.Timer) ? [head.Graph] : [];
                startTimers = timed.Count > 0 ? PlanStartTimers(timed) : [];
            }
            catch
            {
                head.Forget();
                throw;
            }
            _core.Add(head);
            if (timed.Count > 0) CommitStartTimers(timed, startTimers);
            return (ProcessGraphViews.Deployed(head), true);
        }
    }
}
