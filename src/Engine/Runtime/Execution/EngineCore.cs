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

    /// <summary>The graphs of versions built on use, at most <see cref="WorkflowEngineOptions.GraphCacheCapacity"/>.</summary>
    public required GraphCache Graphs { get; init; }

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<DeployedVersion>> _versions = new(StringComparer.Ordinal);

    public void Add(DeployedVersion version)
    {
        lock (_lock)
        {
            if (!_versions.TryGetValue(version.ProcessId, out var list)) _versions[version.ProcessId] = list = [];
            list.Add(version);
        }
    }

    /// <summary>Forgets a deployed version (deleted because no instance ever ran on it); false when it was not deployed.</summary>
    public bool Remove(string processId, int version)
    {
        lock (_lock)
        {
            if (!_versions.TryGetValue(processId, out var list) || list.Find(v => v.Version == version) is not { } gone) return false;
            list.Remove(gone);
            gone.Forget();
            if (list.Count == 0) _versions.Remove(processId);
            return true;
        }
    }

    public int NextVersion(string processId)
    {
        lock (_lock) return _versions.TryGetValue(processId, out var l) ? l.Max(v => v.Version) + 1 : 1;
    }

    /// <summary>The highest version (not the last added: a restart or a durable deployment table may add older ones later).</summary>
    public DeployedVersion? LatestVersion(string processId)
    {
        lock (_lock) return _versions.TryGetValue(processId, out var l) ? l.MaxBy(v => v.Version) : null;
    }

    /// <summary>The graph of the highest version (built now when it is not in memory).</summary>
    public ProcessGraph? Latest(string processId) => LatestVersion(processId)?.Graph;

    public DeployedVersion? Head(string processId, int version)
    {
        lock (_lock) return _versions.TryGetValue(processId, out var l) ? l.Find(v => v.Version == version) : null;
    }

    /// <summary>The graph of a version (built now when it is not in memory), or null when it is not deployed.</summary>
    public ProcessGraph? Version(string processId, int version) => Head(processId, version)?.Graph;

    /// <summary>Every deployed version of a process (graphs not built).</summary>
    public IReadOnlyList<DeployedVersion> Versions(string processId)
    {
        lock (_lock) return _versions.TryGetValue(processId, out var l) ? l.ToList() : [];
    }

    /// <summary>The version valid on an application date (<see cref="Graph.ValidityTimeline"/>), null when none is.</summary>
    public ProcessGraph? ValidOn(string processId, LocalDate date) => Graph.ValidityTimeline.On(Versions(processId), date)?.Graph;

    /// <summary>Today in the engine's zone: the application date of a case started now.</summary>
    public LocalDate Today => Clock.GetCurrentInstant().InZone(Zone).Date;

    /// <summary>Of every process the version valid on <paramref name="date"/> (processes without one are left out; graphs not built).</summary>
    public IReadOnlyList<DeployedVersion> ValidVersions(LocalDate date)
    {
        List<string> ids;
        lock (_lock) ids = _versions.Keys.ToList();
        return ids.Select(id => Graph.ValidityTimeline.On(Versions(id), date)).OfType<DeployedVersion>().ToList();
    }

    /// <summary>The highest version of every process (graphs not built: read <see cref="DeployedVersion.Outline"/> to choose).</summary>
    public IReadOnlyList<DeployedVersion> LatestVersions()
    {
        lock (_lock) return _versions.Values.Select(l => l.MaxBy(v => v.Version)!).ToList();
    }
}
