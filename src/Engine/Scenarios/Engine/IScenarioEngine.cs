using System.Text.Json.Nodes;
using EGov.Workflows.Model;
using NodaTime;

namespace EGov.Workflows.Scenarios.Engine;

/// <summary>What the scenario runner needs from an engine, and nothing more. One instance per scenario (fresh state);
/// every command runs at the clock's current time and returns when the engine is quiet.</summary>
public interface IScenarioEngine : IDisposable
{
    /// <summary>Deploys the models together; throws <see cref="ScenarioEngineException"/> with a positioned message when refused.</summary>
    void Deploy(IReadOnlyList<ModelFile> models);

    /// <summary>Deploys DMN models (before the processes whose business rule tasks use them); an engine without decisions refuses.</summary>
    void DeployDecisions(IReadOnlyList<DecisionFile> decisions) =>
        throw new ScenarioEngineException($"this engine cannot deploy DMN decisions ({string.Join(", ", decisions.Select(d => d.File))})");

    /// <summary>What custom activities did since the last call, one line each (completed with outputs, BPMN error, failure, wait); for <c>-v</c>.</summary>
    IReadOnlyList<string> TakeActivityLog() => [];

    /// <summary>Starts the process with this id as <paramref name="user"/> (null: no one signed in); returns the instance id.</summary>
    string StartProcess(string processId, JsonObject variables, string? businessKey, string? user = null);

    /// <summary>Starts an instance through a message start event as <paramref name="user"/>; returns the instance id.</summary>
    string StartProcessByMessage(string messageName, JsonObject variables, string? businessKey, string? user = null);

    /// <summary>The open user tasks, receive tasks without a message and external tasks of this root instance and every instance it called.</summary>
    IReadOnlyList<OpenTask> OpenTasks(string rootInstanceId);

    /// <summary>Completes an open task after setting the variables.</summary>
    void CompleteTask(OpenTask task, JsonObject variables, string? userId = null);

    /// <summary>Correlates a message; returns how many waiting receivers (and message starts) took it.</summary>
    int CorrelateMessage(string messageName, string? correlationKey, JsonObject variables);

    /// <summary>Broadcasts a signal to every subscription.</summary>
    void BroadcastSignal(string signalName, JsonObject variables);

    /// <summary>When the next timer or job falls due, or null when none waits.</summary>
    Instant? NextDueTime();

    /// <summary>Runs every timer and job due at the clock's current time; returns how many ran.</summary>
    int RunDueJobs();

    /// <summary>Every open external task of the engine (service, send and business-rule tasks waiting for a worker).</summary>
    IReadOnlyList<ExternalTaskView> ExternalTasks();

    void CompleteExternalTask(string taskId, JsonObject variables);

    /// <summary>Reports a technical failure; retries and back-off are the engine's.</summary>
    void FailExternalTask(string taskId, string message);

    void ThrowBpmnError(string taskId, string errorCode, JsonObject variables);

    /// <summary>§42a (2) VwVfG: extends the Genehmigungsfiktion's Frist at the element once, with a reason.</summary>
    void ExtendFiktionsfrist(string rootInstanceId, string elementId, Period um, string begruendung) =>
        throw new ScenarioEngineException("this engine cannot extend a Frist");

    /// <summary>The root instance with every instance it called, as the expectations see it.</summary>
    InstanceView Inspect(string rootInstanceId);
}

/// <summary>Creates engines for scenarios: the one place where the engine (and later its store) is chosen.</summary>
public interface IScenarioEngineFactory
{
    IScenarioEngine Create(ScenarioEngineOptions options);
}

/// <summary>How the engine for one scenario is set up: its virtual clock and zone.</summary>
public sealed record ScenarioEngineOptions(IClock Clock, DateTimeZone Zone)
{
    /// <summary>The Land whose public holidays count for Fristen.</summary>
    public Time.Bundesland Land { get; init; } = Time.Bundesland.HE;
    /// <summary>The Bearbeitungsfrist of the service.yaml beside a deployed model, by process id: the case's Frist when the model has none.</summary>
    public IReadOnlyDictionary<string, Period> Bearbeitungsfristen { get; init; } = new Dictionary<string, Period>();
    /// <summary>What the service.yaml beside a deployed model says for activities (Aktenplan, Aufbewahrungsfrist), by process id.</summary>
    public IReadOnlyDictionary<string, Sdk.ServiceFacts> ServiceFacts { get; init; } = new Dictionary<string, Sdk.ServiceFacts>();
    /// <summary>The element ids the scenario's <c>services:</c> names: the scenario stands in for them, even for a registered activity.</summary>
    public IReadOnlySet<string> StandIns { get; init; } = new HashSet<string>();
}

/// <summary>A model read from its file, ready to deploy.</summary>
public sealed record ModelFile(string File, Definitions Definitions);

/// <summary>A DMN model read from its file (a scenario's deploy list may name .dmn files).</summary>
public sealed record DecisionFile(string File, Dmn.Model.DmnDefinitions Definitions);

public enum OpenTaskKind { User, Receive, External }

/// <summary>Something <c>complete: ID</c> can complete. <see cref="Order"/> sorts by creation (oldest first).</summary>
public sealed record OpenTask(string Id, string ElementId, string InstanceId, OpenTaskKind Kind, long Order);

/// <summary>An open external task. <see cref="Unbound"/>: a service task with no implementation the engine knows.</summary>
public sealed record ExternalTaskView(string Id, string ElementId, string? Topic, bool Unbound, Instant? AvailableAt, int? Retries, long Order);

/// <summary>An open incident: where, and the message.</summary>
public sealed record IncidentView(string ElementId, string Message);

public enum EngineInstanceState { Running, Completed, Terminated }

/// <summary>What expectations look at, over the root instance and every instance it called.</summary>
/// <param name="Completed">One entry per completed element instance (so counts can be taken).</param>
/// <param name="Variables">The root instance's variables.</param>
public sealed record InstanceView(
    EngineInstanceState State,
    IReadOnlyList<string> Waiting,
    IReadOnlyList<string> Completed,
    JsonObject Variables,
    IReadOnlyList<IncidentView> Incidents)
{
    /// <summary>The version of the process definition the instance runs on (null: the engine does not say).</summary>
    public int? Version { get; init; }
    /// <summary>The legal basis of that version (<c>egov:legalBasis</c>), where the engine knows it.</summary>
    public string? LegalBasis { get; init; }
    /// <summary>The last day (YYYY-MM-DD) of each running Frist by the element it is written on (null: none known).</summary>
    public IReadOnlyDictionary<string, string>? Fristen { get; init; }
    /// <summary>The due day (YYYY-MM-DD, the engine's zone) of each open user task by element id; tasks without one are missing.</summary>
    public IReadOnlyDictionary<string, string>? Due { get; init; }
}

/// <summary>The engine refused a command or a deployment; the message is shown to the scenario's author as it is.</summary>
public sealed class ScenarioEngineException(string message, Exception? inner = null) : Exception(message, inner);
