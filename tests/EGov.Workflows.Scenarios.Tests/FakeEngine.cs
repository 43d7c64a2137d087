using System.Text.Json.Nodes;
using EGov.Workflows.Scenarios.Engine;
using NodaTime;

namespace EGov.Workflows.Scenarios.Tests;

/// <summary>A scripted stand-in for the engine, so the runner's own rules can be tested without BPMN semantics.</summary>
internal sealed class FakeEngine(ScenarioEngineOptions options) : IScenarioEngine
{
    private long _order;

    public IClock Clock { get; } = options.Clock;
    public List<string> Deployed { get; } = [];
    public string? DeployError { get; set; }
    public List<string> Waiting { get; } = [];
    public List<string> Completed { get; } = [];
    public JsonObject Variables { get; } = [];
    public List<IncidentView> Incidents { get; } = [];
    public EngineInstanceState State { get; set; } = EngineInstanceState.Running;
    public List<OpenTask> Tasks { get; } = [];
    public List<ExternalTaskView> External { get; } = [];
    public List<(Instant Due, string Id, Action Fire)> Timers { get; } = [];
    public List<string> Log { get; } = [];
    public Dictionary<string, Func<int>> Messages { get; } = new();
    public Action<FakeEngine>? OnStart { get; set; }
    public Action<FakeEngine, string>? OnComplete { get; set; }
    public Duration RetryBackoff { get; set; } = Duration.FromMinutes(10);

    public void Deploy(IReadOnlyList<ModelFile> models)
    {
        if (DeployError is not null) throw new ScenarioEngineException(DeployError);
        Deployed.AddRange(models.Select(m => m.File));
    }

    public string StartProcess(string processId, JsonObject variables, string? businessKey, string? user = null)
    {
        Log.Add($"start {processId}");
        Merge(variables);
        OnStart?.Invoke(this);
        return "root";
    }

    public string StartProcessByMessage(string messageName, JsonObject variables, string? businessKey, string? user = null)
    {
        Log.Add($"start by {messageName}");
        Merge(variables);
        OnStart?.Invoke(this);
        return "root";
    }

    public void AddTask(string elementId, OpenTaskKind kind = OpenTaskKind.User)
    {
        var id = $"t{++_order}";
        Tasks.Add(new OpenTask(id, elementId, "root", kind, _order));
        Waiting.Add(elementId);
    }

    public void AddExternal(string elementId, string? topic, bool unbound = false, int retries = 3)
    {
        var id = $"x{++_order}";
        External.Add(new ExternalTaskView(id, elementId, topic, unbound, null, retries, _order));
        Waiting.Add(elementId);
    }

    public IReadOnlyList<OpenTask> OpenTasks(string rootInstanceId) => Tasks.ToList();

    public void CompleteTask(OpenTask task, JsonObject variables, string? userId = null)
    {
        Tasks.Remove(task);
        Waiting.Remove(task.ElementId);
        Completed.Add(task.ElementId);
        Merge(variables);
        Log.Add($"complete {task.Id}");
        OnComplete?.Invoke(this, task.ElementId);
    }

    public int CorrelateMessage(string messageName, string? correlationKey, JsonObject variables)
    {
        Merge(variables);
        return Messages.TryGetValue(messageName, out var handler) ? handler() : 0;
    }

    public void BroadcastSignal(string signalName, JsonObject variables) => Log.Add($"signal {signalName}");

    public Instant? NextDueTime() => Timers.Count == 0 ? null : Timers.Min(t => t.Due);

    public int RunDueJobs()
    {
        var due = Timers.Where(t => t.Due <= Clock.GetCurrentInstant()).OrderBy(t => t.Due).ToList();
        foreach (var timer in due)
        {
            Timers.Remove(timer);
            Log.Add($"fire {timer.Id} at {Clock.GetCurrentInstant()}");
            timer.Fire();
        }
        return due.Count;
    }

    public IReadOnlyList<ExternalTaskView> ExternalTasks() => External.ToList();

    public void CompleteExternalTask(string taskId, JsonObject variables)
    {
        var task = External.Single(t => t.Id == taskId);
        External.Remove(task);
        Waiting.Remove(task.ElementId);
        Completed.Add(task.ElementId);
        Merge(variables);
        Log.Add($"service complete {task.ElementId}");
        OnComplete?.Invoke(this, task.ElementId);
    }

    public void FailExternalTask(string taskId, string message)
    {
        var index = External.FindIndex(t => t.Id == taskId);
        var task = External[index];
        var retries = (task.Retries ?? 3) - 1;
        Log.Add($"service fail {task.ElementId} at {Clock.GetCurrentInstant()}");
        External[index] = task with { Retries = retries, AvailableAt = Clock.GetCurrentInstant() + RetryBackoff };
        if (retries == 0) Incidents.Add(new IncidentView(task.ElementId, message));
    }

    public void ThrowBpmnError(string taskId, string errorCode, JsonObject variables)
    {
        var task = External.Single(t => t.Id == taskId);
        External.Remove(task);
        Waiting.Remove(task.ElementId);
        Log.Add($"service error {task.ElementId} {errorCode}");
    }

    public InstanceView Inspect(string rootInstanceId) =>
        new(State, Waiting.ToList(), Completed.ToList(), (JsonObject)Variables.DeepClone(), Incidents.ToList());

    public void Dispose() { }

    private void Merge(JsonObject variables)
    {
        foreach (var (k, v) in variables) Variables[k] = v?.DeepClone();
    }
}

/// <summary>Hands out one <see cref="FakeEngine"/> per scenario and lets a test script it before the scenario starts.</summary>
internal sealed class FakeEngineFactory(Action<FakeEngine>? setup = null) : IScenarioEngineFactory
{
    public List<FakeEngine> Created { get; } = [];

    public IScenarioEngine Create(ScenarioEngineOptions options)
    {
        var engine = new FakeEngine(options);
        setup?.Invoke(engine);
        Created.Add(engine);
        return engine;
    }
}
