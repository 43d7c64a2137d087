using EGov.Workflows.Expressions;
using EGov.Workflows.Runtime.Store;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Runtime;

/// <summary>How an engine is set up. Every member has a sensible default; tests pass a FakeClock.</summary>
public sealed record WorkflowEngineOptions
{
    /// <summary>The clock for every timer, due date and history row (the engine reads no other time source).</summary>
    public IClock Clock { get; init; } = SystemClock.Instance;

    /// <summary>The zone for dates, durations across daylight-saving changes and calendars.</summary>
    public DateTimeZone Zone { get; init; } = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    /// <summary>Where runtime state lives (default: a new in-memory store).</summary>
    public IRuntimeStore? Store { get; init; }

    /// <summary>Custom activities (bound by egov:activity, camunda:topic or camunda:class).</summary>
    public ActivityRegistry Activities { get; init; } = new();

    /// <summary>
    /// Service, send and business-rule tasks (by element id) whose implementation a test stands in for: whatever binds them
    /// (a registered activity, a topic, an expression), they become external tasks the test completes — a scenario's
    /// <c>services:</c> entry keyed by element id. Empty in production.
    /// </summary>
    public IReadOnlySet<string> StandIns { get; init; } = new HashSet<string>();

    /// <summary>Limits for every expression and script.</summary>
    public SandboxLimits Limits { get; init; } = SandboxLimits.Default;

    /// <summary>What timer definitions may ask (the shortest cycle interval); stricter ones are refused at deployment.</summary>
    public Time.TimerLimits TimerLimits { get; init; } = Time.TimerLimits.Default;

    /// <summary>What one command may cost: steps, time, multi-instance size, tokens, new instances.</summary>
    public CommandLimits CommandLimits { get; init; } = CommandLimits.Default;

    /// <summary>How large variables may be (names, values, how many per command).</summary>
    public VariableLimits VariableLimits { get; init; } = VariableLimits.Default;

    /// <summary>The tenant (municipality) this engine works for.</summary>
    public string TenantId { get; init; } = State.RuntimeDefaults.Tenant;

    /// <summary>Tries of a failing service or job when the model sets no camunda:failedJobRetryTimeCycle (Camunda: 3).</summary>
    public int DefaultRetries { get; init; } = 3;

    /// <summary>Back-off between tries when the model sets none (Camunda's default cycle is R3/PT5M).</summary>
    public Duration DefaultRetryInterval { get; init; } = Duration.FromMinutes(5);

    /// <summary>Camunda's enableExceptionsAfterUnhandledBpmnError: an unhandled BPMN error opens an incident instead of ending the path.</summary>
    public bool IncidentOnUnhandledBpmnError { get; init; }

    /// <summary>
    /// How many executable graphs of versions a durable store keeps (<see cref="WorkflowEngine.DeployStored"/>) stay in memory:
    /// more versions in use than this are built again from their stored model when next used (default 256).
    /// </summary>
    public int GraphCacheCapacity { get; init; } = 256;

    /// <summary>What history the engine writes (default <see cref="HistoryLevel.Full"/>).</summary>
    public HistoryLevel HistoryLevel { get; init; } = HistoryLevel.Full;

    /// <summary>
    /// Called before the engine picks the version for new instances (a start by process id or by message, a message
    /// correlation, a signal): a host whose nodes share one store deploys here the versions another node stored meanwhile,
    /// so no node starts on a stale "latest". Null: the engine knows every version it has (one node, or in memory).
    /// </summary>
    public Action<WorkflowEngine>? CatchUpDeployments { get; init; }

    /// <summary>
    /// Called after a commit that left work due now (an asynchronous continuation, a timer or retry already due), with the
    /// tenant: the host wakes its job executor, so the work runs within milliseconds instead of at its next poll.
    /// </summary>
    public Action<string>? DueWorkCreated { get; init; }

    /// <summary>
    /// Counts the Fristen of egov:frist (BGB §§187–193) with the public holidays of the tenant's Land and the municipality's
    /// own (default: Hessen).
    /// </summary>
    public Time.FristCalculator Fristen { get; init; } = Time.FristCalculator.Hessen;

    /// <summary>
    /// The case's Frist of a process whose model has no egov:frist, by process id: the Bearbeitungsfrist of its service
    /// (service.yaml). Null: none. Asked when an instance starts.
    /// </summary>
    public Func<string, Period?>? Bearbeitungsfrist { get; init; }

    /// <summary>What the service catalogue says about a process's service (Aktenplan, Aufbewahrungsfrist), by process id; handed to activities.</summary>
    public Func<string, Sdk.ServiceFacts?>? ServiceFacts { get; init; }

    /// <summary>The documents of a case file, by tenant and root instance id; handed to activities (the server's case files). Null: none.</summary>
    public Func<string, string, IReadOnlyList<Sdk.CaseDocument>>? CaseDocuments { get; init; }

    /// <summary>
    /// Files the documents an activity made (<see cref="Sdk.ActivityResult.Completed.Documents"/>) in the case file of the
    /// tenant and root instance, authored by the element id: all of them, or none when one is refused — then it throws
    /// <see cref="ArgumentException"/> and the task fails with that message. Called while the command runs, before its commit: a command that
    /// rolls back and runs again files the same document once more unless its bytes are the same. Null: no case files.
    /// </summary>
    public Action<string, string, string, IReadOnlyList<Sdk.NewCaseDocument>>? AddCaseDocument { get; init; }

    /// <summary>The tenant's quota of open instances, checked at every instance a command creates; null: none.</summary>
    public InstanceQuota? InstanceQuota { get; init; }
}

/// <summary>How much history the engine writes (Camunda's history levels, reduced to the two that differ here).</summary>
public enum HistoryLevel
{
    /// <summary>Ended element instances only: the cheapest, for load tests and throw-away runs.</summary>
    Activity,
    /// <summary>Element instances, variable changes, user and external task events, incident events.</summary>
    Full,
}

/// <summary>Builds an engine with one call per concern: <c>new WorkflowEngineBuilder().UseClock(c).AddActivity&lt;Fee&gt;().Build()</c>.</summary>
public sealed class WorkflowEngineBuilder
{
    private WorkflowEngineOptions _options = new();

    public WorkflowEngineBuilder UseClock(IClock clock) { _options = _options with { Clock = clock }; return this; }
    public WorkflowEngineBuilder UseZone(DateTimeZone zone) { _options = _options with { Zone = zone }; return this; }
    public WorkflowEngineBuilder UseStore(IRuntimeStore store) { _options = _options with { Store = store }; return this; }
    public WorkflowEngineBuilder UseTenant(string tenantId) { _options = _options with { TenantId = tenantId }; return this; }
    public WorkflowEngineBuilder UseLimits(SandboxLimits limits) { _options = _options with { Limits = limits }; return this; }
    public WorkflowEngineBuilder UseTimerLimits(Time.TimerLimits limits) { _options = _options with { TimerLimits = limits }; return this; }
    public WorkflowEngineBuilder UseCommandLimits(CommandLimits limits) { _options = _options with { CommandLimits = limits }; return this; }
    public WorkflowEngineBuilder UseVariableLimits(VariableLimits limits) { _options = _options with { VariableLimits = limits }; return this; }
    public WorkflowEngineBuilder UseHistoryLevel(HistoryLevel level) { _options = _options with { HistoryLevel = level }; return this; }
    /// <summary>Fristen counted with the holidays of <paramref name="land"/> (and the municipality's own).</summary>
    /// <summary>The case's Frist of processes without egov:frist (their service's Bearbeitungsfrist), by process id.</summary>
    public WorkflowEngineBuilder UseBearbeitungsfrist(Func<string, Period?> bearbeitungsfrist) { _options = _options with { Bearbeitungsfrist = bearbeitungsfrist }; return this; }
    /// <summary>What the service catalogue says of each process's service (Aktenplan, Aufbewahrungsfrist), by process id: for activities and timer expressions (<c>${service.aufbewahrungsfrist}</c>).</summary>
    public WorkflowEngineBuilder UseServiceFacts(Func<string, Sdk.ServiceFacts?> facts) { _options = _options with { ServiceFacts = facts }; return this; }
    public WorkflowEngineBuilder UseLand(Time.Bundesland land, Time.LocalHolidays? local = null) { _options = _options with { Fristen = Time.FristCalculator.For(land, local) }; return this; }

    /// <summary>Registers a custom activity (see <see cref="ActivityRegistry.Add{T}"/>).</summary>
    public WorkflowEngineBuilder AddActivity<T>() where T : WorkflowActivity, new()
    {
        _options.Activities.Add<T>();
        return this;
    }

    public WorkflowEngine Build() => new(_options);
}
