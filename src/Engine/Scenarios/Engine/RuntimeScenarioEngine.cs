using System.Text.Json.Nodes;
using EGov.Workflows.Model;
using EGov.Workflows.Packs;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Scenarios.Engine;

/// <summary>Creates <see cref="RuntimeScenarioEngine"/>s; <paramref name="store"/> makes the store for each scenario (default: in memory).
/// The Camunda test-model helpers (<see cref="CamundaTestHelpers"/>) are registered, so Camunda's own test models run, and
/// the activities of the loaded <paramref name="packs"/> (<see cref="PackLoader"/>).</summary>
public sealed class RuntimeScenarioEngineFactory(Func<IRuntimeStore>? store = null, PackCatalog? packs = null) : IScenarioEngineFactory
{
    public IScenarioEngine Create(ScenarioEngineOptions options)
    {
        var log = new ActivityLog();
        return new RuntimeScenarioEngine(new WorkflowEngine(new WorkflowEngineOptions
        {
            Clock = options.Clock, Zone = options.Zone, Store = store?.Invoke(), Fristen = Time.FristCalculator.For(options.Land),
            Bearbeitungsfrist = options.Bearbeitungsfristen.Count == 0 ? null : pid => options.Bearbeitungsfristen.TryGetValue(pid, out var p) ? p : null,
            ServiceFacts = options.ServiceFacts.Count == 0 ? null : pid => options.ServiceFacts.TryGetValue(pid, out var f) ? f : null,
            Activities = log.Recording(Registry(packs ?? PackCatalog.Empty)),
            StandIns = options.StandIns,
        }), log, options.Zone);
    }

    /// <summary>A fresh registry per engine: the helpers and the packs' activities (a name clash throws InvalidOperationException).</summary>
    public static ActivityRegistry Registry(PackCatalog packs) =>
        packs.AddTo(CamundaTestHelpers.Register(new ActivityRegistry()));
}

/// <summary>The scenario runner's view of the real runtime (<see cref="WorkflowEngine"/>): the only class that knows its API.</summary>
public sealed class RuntimeScenarioEngine(WorkflowEngine engine, ActivityLog? activityLog = null, DateTimeZone? zone = null) : IScenarioEngine
{
    private readonly DateTimeZone _zone = zone ?? DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    public IReadOnlyList<string> TakeActivityLog() => activityLog?.Take() ?? [];

    private const string ReceivePrefix = "receive:";
    private readonly List<Definitions> _models = [];

    public WorkflowEngine Engine { get; } = engine;

    public void Deploy(IReadOnlyList<ModelFile> models)
    {
        try
        {
            Engine.Deploy(models.Select(m => (m.File, m.Definitions)));
            _models.AddRange(models.Select(m => m.Definitions));
        }
        catch (DeploymentException e)
        {
            var messages = e.Messages.Count > 0 ? e.Messages : [e.Message];
            throw new ScenarioEngineException(messages[0] + (messages.Count > 1 ? $" (and {messages.Count - 1} more)" : ""), e);
        }
    }

    public void DeployDecisions(IReadOnlyList<DecisionFile> decisions)
    {
        try { Engine.DeployDecisions(decisions.Select(d => (d.File, d.Definitions))); }
        catch (DeploymentException e)
        {
            var messages = e.Messages.Count > 0 ? e.Messages : [e.Message];
            throw new ScenarioEngineException(messages[0] + (messages.Count > 1 ? $" (and {messages.Count - 1} more)" : ""), e);
        }
    }

    public string StartProcess(string processId, JsonObject variables, string? businessKey, string? user = null) =>
        Refused(() => Engine.StartProcess(processId, variables, businessKey, user));

    public string StartProcessByMessage(string messageName, JsonObject variables, string? businessKey, string? user = null) =>
        Refused(() => Engine.StartProcessByMessage(messageName, variables, businessKey, user));

    public IReadOnlyList<OpenTask> OpenTasks(string rootInstanceId)
    {
        var found = new List<(Instant Created, int Kind, OpenTask Task)>();
        foreach (var t in Engine.OpenUserTasks(rootInstanceId))
            found.Add((t.CreatedAt, 0, new OpenTask(t.Id, t.ElementId, t.InstanceId, OpenTaskKind.User, 0)));
        foreach (var t in Engine.OpenExternalTasks(rootInstanceId))
            found.Add((t.CreatedAt, 1, new OpenTask(t.Id, t.ElementId, t.InstanceId, OpenTaskKind.External, 0)));
        // Receive tasks without a message, and custom activities that wait (a payment), have no task row: the waiting list
        // names them, the engine triggers (resumes) the oldest token with the step's variables as the payload.
        foreach (var elementId in Engine.GetInstance(rootInstanceId).Waiting.Distinct().Where(e => IsPlainReceiveTask(e) || IsCustomActivity(e)))
            found.Add((Instant.MaxValue, 2, new OpenTask(ReceivePrefix + elementId, elementId, rootInstanceId, OpenTaskKind.Receive, 0)));
        return found.Select((f, index) => (f, index)).OrderBy(x => x.f.Created).ThenBy(x => x.f.Kind).ThenBy(x => x.index)
            .Select((x, order) => x.f.Task with { Order = order }).ToList();
    }

    private bool IsPlainReceiveTask(string elementId) =>
        _models.Select(m => m.FindById(elementId)).OfType<ReceiveTask>().Any(r => r.MessageRef is null);

    private bool IsCustomActivity(string elementId) =>
        _models.Select(m => m.FindById(elementId)).OfType<ImplementedTask>().Any(t => t.Attribute(EgovAttributes.Activity) is not null);

    public void CompleteTask(OpenTask task, JsonObject variables, string? userId = null) => Refused(() =>
    {
        switch (task.Kind)
        {
            case OpenTaskKind.User: Engine.CompleteUserTask(task.Id, variables, userId); break;
            case OpenTaskKind.External: Engine.CompleteExternalTask(task.Id, variables); break;
            default:
                if (!Engine.TriggerWaiting(task.InstanceId, task.ElementId, variables))
                    throw new ScenarioEngineException($"no token waits at {task.ElementId}");
                break;
        }
        return 0;
    });

    public int CorrelateMessage(string messageName, string? correlationKey, JsonObject variables) =>
        Refused(() => Engine.CorrelateMessage(messageName, correlationKey, variables));

    public void BroadcastSignal(string signalName, JsonObject variables) => Refused(() => Engine.BroadcastSignal(signalName, variables));

    public void ExtendFiktionsfrist(string rootInstanceId, string elementId, Period um, string begruendung) =>
        Refused(() => Engine.ExtendFiktionsfrist(rootInstanceId, elementId, um, begruendung));

    public Instant? NextDueTime() => Engine.NextDueTime();

    public int RunDueJobs() => Engine.RunDueJobs();

    public IReadOnlyList<ExternalTaskView> ExternalTasks() =>
        Engine.OpenExternalTasks().Select((t, index) => new ExternalTaskView(
            t.Id, t.ElementId, t.Topic, t.Unbound, t.AvailableAt, t.Suspended ? 0 : t.Retries, index)).ToList();

    public void CompleteExternalTask(string taskId, JsonObject variables) => Refused(() => { Engine.CompleteExternalTask(taskId, variables); return 0; });

    public void FailExternalTask(string taskId, string message) => Refused(() => { Engine.FailExternalTask(taskId, message); return 0; });

    public void ThrowBpmnError(string taskId, string errorCode, JsonObject variables) =>
        Refused(() => { Engine.ThrowExternalTaskBpmnError(taskId, errorCode, null, variables); return 0; });

    public InstanceView Inspect(string rootInstanceId)
    {
        var view = Refused(() => Engine.GetInstance(rootInstanceId));
        var state = view.State switch
        {
            InstanceState.Completed => EngineInstanceState.Completed,
            InstanceState.Terminated => EngineInstanceState.Terminated,
            _ => EngineInstanceState.Running,
        };
        return new InstanceView(
            state,
            view.Waiting,
            view.History.Where(h => h.Completed).Select(h => h.ElementId).ToList(),
            view.Variables,
            view.Incidents.Select(i => new IncidentView(i.ElementId, i.Message)).ToList())
        {
            Version = view.Version,
            LegalBasis = view.LegalBasis,
            Fristen = view.Fristen.Where(f => f.Ende is not null).GroupBy(f => f.ElementId).ToDictionary(g => g.Key, g => g.First().Ende!),
            Due = Engine.OpenUserTasks(rootInstanceId).Where(t => t.Due is not null).GroupBy(t => t.ElementId)
                .ToDictionary(g => g.Key, g => NodaTime.Text.LocalDatePattern.Iso.Format(g.First().Due!.Value.InZone(_zone).Date)),
        };
    }

    public void Dispose() { }

    /// <summary>A command the engine refuses (unknown task, instance ended) is the scenario's failure, told in the engine's words.</summary>
    private static T Refused<T>(Func<T> call)
    {
        try { return call(); }
        catch (WorkflowCommandException e) { throw new ScenarioEngineException(e.Message, e); }
    }
}
