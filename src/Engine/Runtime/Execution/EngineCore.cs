using EGov.Workflows.Expressions;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.Store;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Runtime.Execution;

/// <summary>What every command shares: deployed graphs, clock, zone, store, expression evaluator, activities.</summary>
internal sealed class EngineCore
{
    public required IClock Clock { get; init; }
    public required DateTimeZone Zone { get; init; }
    public Time.TimerLimits TimerLimits { get; init; } = Time.TimerLimits.Default;
    public VariableLimits VariableLimits { get; init; } = VariableLimits.Default;
    public CommandLimits CommandLimits { get; init; } = CommandLimits.Default;
    public required IRuntimeStore Store { get; init; }
    public required ExpressionEvaluator Evaluator { get; init; }
    public required ActivityRegistry Activities { get; init; }
    public required string TenantId { get; init; }
    public required Duration DefaultRetryInterval { get; init; }
    public required int DefaultRetries { get; init; }
    public bool ThrowOnUnhandledBpmnError { get; init; }
    public HistoryLevel HistoryLevel { get; init; } = HistoryLevel.Full;
    public required Decisions.DecisionRepository Decisions { get; init; }
    /// <summary>Counts Fristen with the public holidays of the tenant's Land.</summary>
    public Time.FristCalculator Fristen { get; init; } = Time.FristCalculator.Hessen;
    /// <summary>The case's Frist of a process without egov:frist (the service's Bearbeitungsfrist), or null.</summary>
    public Func<string, Period?>? Bearbeitungsfrist { get; init; }
    /// <summary>The service's facts for activities, by process id.</summary>
    public Func<string, Sdk.ServiceFacts?>? ServiceFacts { get; init; }
    /// <summary>A case file's documents for activities, by tenant and root instance id.</summary>
    public Func<string, string, IReadOnlyList<Sdk.CaseDocument>>? CaseDocuments { get; init; }
    /// <summary>Files an activity's documents in a case file (tenant, root instance id, element id, documents); see WorkflowEngineOptions.</summary>
    public Action<string, string, string, IReadOnlyList<Sdk.NewCaseDocument>>? AddCaseDocument { get; init; }
    /// <summary>Tasks (by element id) a test stands in for: external tasks whatever binds them (see WorkflowEngineOptions.StandIns).</summary>
    public IReadOnlySet<string> StandIns { get; init; } = new HashSet<string>();
    /// <summary>The tenant's quota of open instances, or null.</summary>
    public InstanceQuota? InstanceQuota { get; init; }
    /// <summary>Told after a commit that left work due now (<see cref="WorkflowEngineOptions.DueWorkCreated"/>).</summary>
    public Action<string>? DueWorkCreated { get; init; }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<ProcessGraph>> _graphs = new(StringComparer.Ordinal);

    public void Add(ProcessGraph graph)
    {
        lock (_lock)
        {
            if (!_graphs.TryGetValue(graph.ProcessId, out var list)) _graphs[graph.ProcessId] = list = [];
            list.Add(graph);
        }
    }

    /// <summary>Forgets a deployed version (deleted because no instance ever ran on it); false when it was not deployed.</summary>
    public bool Remove(string processId, int version)
    {
        lock (_lock)
        {
            if (!_graphs.TryGetValue(processId, out var list) || list.RemoveAll(g => g.Version == version) == 0) return false;
            if (list.Count == 0) _graphs.Remove(processId);
            return true;
        }
    }

    public int NextVersion(string processId)
    {
        lock (_lock) return _graphs.TryGetValue(processId, out var l) ? l.Max(g => g.Version) + 1 : 1;
    }

    /// <summary>The highest version (not the last added: a restart or a durable deployment table may add older ones later).</summary>
    public ProcessGraph? Latest(string processId)
    {
        lock (_lock) return _graphs.TryGetValue(processId, out var l) ? l.MaxBy(g => g.Version) : null;
    }

    public ProcessGraph? Version(string processId, int version)
    {
        lock (_lock) return _graphs.TryGetValue(processId, out var l) ? l.Find(g => g.Version == version) : null;
    }

    /// <summary>Every deployed version of a process.</summary>
    public IReadOnlyList<ProcessGraph> Versions(string processId)
    {
        lock (_lock) return _graphs.TryGetValue(processId, out var l) ? l.ToList() : [];
    }

    /// <summary>The version valid on an application date (<see cref="Graph.ValidityTimeline"/>), null when none is.</summary>
    public ProcessGraph? ValidOn(string processId, LocalDate date) => Graph.ValidityTimeline.On(Versions(processId), date);

    /// <summary>Today in the engine's zone: the application date of a case started now.</summary>
    public LocalDate Today => Clock.GetCurrentInstant().InZone(Zone).Date;

    /// <summary>Of every process the version valid on <paramref name="date"/> (processes without one are left out).</summary>
    public IReadOnlyList<ProcessGraph> ValidGraphs(LocalDate date)
    {
        List<string> ids;
        lock (_lock) ids = _graphs.Keys.ToList();
        return ids.Select(id => ValidOn(id, date)).OfType<ProcessGraph>().ToList();
    }

    public IReadOnlyList<ProcessGraph> LatestGraphs()
    {
        lock (_lock) return _graphs.Values.Select(l => l.MaxBy(g => g.Version)!).ToList();
    }
}
