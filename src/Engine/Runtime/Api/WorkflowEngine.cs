using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using EGov.Workflows.Expressions;
using EGov.Workflows.Model;
using EGov.Workflows.Runtime.Behaviours;
using EGov.Workflows.Runtime.Execution;
using EGov.Workflows.Runtime.Graph;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using EGov.Workflows.Time;
using NodaTime;

namespace EGov.Workflows.Runtime;

/// <summary>
/// The engine's public face. Every method is one command: one unit of work against the store that runs until every
/// token waits. Thread-safe as far as the store is (a conflicting commit throws <see cref="ConcurrencyConflictException"/>).
/// </summary>
public sealed partial class WorkflowEngine
{
    private readonly EngineCore _core;
    private readonly Lock _deployLock = new();

    public WorkflowEngine(WorkflowEngineOptions? options = null)
    {
        options ??= new WorkflowEngineOptions();
        Options = options;
        var store = options.Store ?? new InMemoryRuntimeStore();
        var fristen = new FristFunctions(options.Fristen, options.Zone); // FEEL, JavaScript and decision tables count with the tenant's Land
        _core = new EngineCore
        {
            TimerLimits = options.TimerLimits,
            VariableLimits = options.VariableLimits,
            CommandLimits = options.CommandLimits,
            Clock = options.Clock, Zone = options.Zone, Store = store,
            Evaluator = new ExpressionEvaluator(options.Limits, ExpressionEvaluator.DefaultCacheCapacity, null, () => options.Clock.GetCurrentInstant().ToDateTimeOffset())
            {
                Feel = Runtime.Decisions.FeelExpressions.Evaluator(options.Clock, options.Zone, fristen),
                Functions = Runtime.Decisions.FristExpressionFunctions.ForJavaScript(fristen),
            },
            Decisions = new Runtime.Decisions.DecisionRepository(options.Clock, options.Zone, store, options.TenantId) { Fristen = fristen },
            Activities = options.Activities, TenantId = options.TenantId,
            Fristen = options.Fristen, Bearbeitungsfrist = options.Bearbeitungsfrist, ServiceFacts = options.ServiceFacts, CaseDocuments = options.CaseDocuments, AddCaseDocument = options.AddCaseDocument,
            InstanceQuota = options.InstanceQuota, DueWorkCreated = options.DueWorkCreated, StandIns = options.StandIns,
            DefaultRetries = options.DefaultRetries, DefaultRetryInterval = options.DefaultRetryInterval,
            ThrowOnUnhandledBpmnError = options.IncidentOnUnhandledBpmnError, HistoryLevel = options.HistoryLevel,
            Graphs = new GraphCache(options.GraphCacheCapacity),
        };
    }

    public WorkflowEngineOptions Options { get; }
    public IRuntimeStore Store => _core.Store;
    public IClock Clock => _core.Clock;
    public Instant Now => _core.Clock.GetCurrentInstant();

    // ---------- deployment ----------

    /// <summary>
    /// Deploys every executable process of the files (all or nothing). A process whose model cannot run is refused
    /// with positioned messages (<c>file:line:column: message</c>) in a <see cref="DeploymentException"/>.
    /// </summary>
    public IReadOnlyList<DeployedProcess> Deploy(IEnumerable<(string File, Definitions Definitions)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        lock (_deployLock)
        {
            var problems = new List<string>();
            var graphs = new List<ProcessGraph>();
            var versions = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (file, defs) in files)
            {
                var processes = defs.Processes.Where(p => p.IsExecutable || !p.IsExecutableDeclared).ToList();
                foreach (var p in processes)
                {
                    var id = p.Id ?? "";
                    var version = versions.TryGetValue(id, out var v) ? v + 1 : _core.NextVersion(id);
                    versions[id] = version;
                    var graph = new GraphBuilder(file, defs, problems, _core.TimerLimits, _core.Activities).Build(p, version);
                    graphs.Add(graph);
                }
            }
            var heads = graphs.Select(DeployedVersion.Pinned).ToList();
            problems.AddRange(CheckValidity(heads));
            if (problems.Count > 0) throw new DeploymentException(problems);
            var startTimers = PlanStartTimers(graphs); // before anything is added: a refused timer leaves the catalogue unchanged
            foreach (var h in heads) _core.Add(h);
            CommitStartTimers(graphs, startTimers);
            return graphs.Select(g => ProcessGraphViews.Deployed(g)).ToList();
        }
    }

    /// <summary>
    /// What <see cref="Deploy(IEnumerable{ValueTuple{string, Definitions}})"/> would refuse the file with — every process
    /// built as a graph (timers, Fristen, bindings, scripts …) and the validity checked against the deployed versions — as
    /// positioned messages (<c>file:line:column: error: …</c>), without deploying anything. The designer's check runs it.
    /// </summary>
    public IReadOnlyList<string> DeploymentProblems(string file, Definitions definitions)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(definitions);
        var problems = new List<string>();
        var graphs = new List<ProcessGraph>();
        foreach (var p in definitions.Processes.Where(p => p.IsExecutable || !p.IsExecutableDeclared))
            graphs.Add(new GraphBuilder(file, definitions, problems, _core.TimerLimits, _core.Activities).Build(p, _core.NextVersion(p.Id ?? "")));
        problems.AddRange(CheckValidity(graphs.Select(DeployedVersion.Pinned).ToList()));
        return problems;
    }

    /// <summary>Overlapping or gapped validity (egov:validFrom/validTo) of new versions with the deployed ones, as messages.</summary>
    private List<string> CheckValidity(List<DeployedVersion> added) =>
        added.GroupBy(g => g.ProcessId, StringComparer.Ordinal)
            .SelectMany(group => ValidityTimeline.Check(_core.Versions(group.Key).Concat(group), group.ToList()))
            .ToList();

    /// <summary>Deploys one file read by the BPMN reader (convenience for tests and tools).</summary>
    public IReadOnlyList<DeployedProcess> Deploy(string file, Definitions definitions) => Deploy([(file, definitions)]);

    private void ScheduleStartTimers(List<ProcessGraph> graphs) => CommitStartTimers(graphs, PlanStartTimers(graphs));

    /// <summary>
    /// The start timers of newly deployed versions with their first due instant. A timer that cannot be scheduled
    /// (an expression giving an invalid or too frequent cycle) refuses the deployment, naming the element.
    /// </summary>
    private List<StartTimerState> PlanStartTimers(List<ProcessGraph> graphs)
    {
        using var runner = new Runner(_core);
        var planned = new List<StartTimerState>();
        var problems = new List<string>();
        foreach (var g in graphs)
        {
            foreach (var n in g.Root.Nodes.Where(n => n.Kind == NodeKind.StartEvent && n.Trigger == Trigger.Timer))
            {
                try
                {
                    var (kind, text) = runner.TimerText(n, new VariableScope(new Inst(new ProcessInstanceState(), g), null, "-"));
                    var schedule = TimerSchedule.Parse(kind, text, _core.Zone, _core.TimerLimits);
                    if (schedule.FirstDue(Now) is { } due)
                        planned.Add(new StartTimerState
                        {
                            Id = $"{g.ProcessId}:{g.Version}:{n.Id}", TenantId = _core.TenantId, ProcessId = g.ProcessId, ElementId = n.Id,
                            DueAt = due, TimerKind = kind.ToString(), TimerText = text,
                        });
                }
                catch (Exception e) when (e is TimerFormatException or ScriptException)
                {
                    problems.Add($"{g.File}: timer start event '{n.Id}' of process '{g.ProcessId}': {e.Message}");
                }
            }
        }
        if (problems.Count > 0) throw new DeploymentException(problems);
        return planned;
    }

    /// <summary>Replaces the start timers of the deployed processes' earlier versions by the planned ones.</summary>
    private void CommitStartTimers(List<ProcessGraph> graphs, List<StartTimerState> planned)
    {
        using var runner = new Runner(_core);
        var existing = _core.Store.StartTimers(_core.TenantId);
        foreach (var g in graphs)
            foreach (var old in existing.Where(t => t.ProcessId == g.ProcessId)) runner.Changes.RemovedStartTimerIds.Add(old.Id);
        runner.Changes.StartTimers.AddRange(planned);
        if (!runner.Changes.IsEmpty) _core.Store.Commit(runner.Changes);
    }

    /// <summary>The latest version of every deployed process (from the versions' outlines: no graph is built).</summary>
    public IReadOnlyList<DeployedProcess> Deployed() =>
        _core.LatestVersions().Select(ProcessGraphViews.Deployed).ToList();

    /// <summary>One deployed version (from its outline: no graph is built), or null when it is not deployed.</summary>
    public DeployedProcess? Deployed(string processId, int version) =>
        _core.Head(processId, version) is { } v ? ProcessGraphViews.Deployed(v) : null;

    /// <summary>The outline of a deployed version (name, validity, start triggers; <see cref="VersionOutline"/>), or null when it is not deployed.</summary>
    public VersionOutline? Outline(string processId, int version) => _core.Head(processId, version)?.Outline;

    // ---------- commands ----------

    private T Run<T>(Func<Runner, T> command, [CallerMemberName] string name = "", string? userId = null, string? onBehalfOf = null)
    {
        // One span and one count per command (EngineTelemetry): ids as attributes, never values; no listener, no cost but a check.
        using var span = EngineTelemetry.Source.StartActivity(name);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Exception? failed = null;
        using var runner = new Runner(_core);
        try
        {
            runner.History.Command = name;
            runner.History.UserId = userId;
            runner.History.OnBehalfOf = onBehalfOf;
            var result = command(runner);
            runner.RunAndCommit();
            if (runner.InstancesCreated > 0) _core.InstanceQuota?.Started(runner.InstancesCreated);
            return result;
        }
        catch (Exception e)
        {
            failed = e;
            throw;
        }
        finally
        {
            var outcome = EngineTelemetry.Outcome(failed);
            var commandTag = new KeyValuePair<string, object?>(EngineTelemetry.CommandTag, name);
            var outcomeTag = new KeyValuePair<string, object?>(EngineTelemetry.OutcomeTag, outcome);
            EngineTelemetry.Commands.Add(1, commandTag, outcomeTag);
            if (EngineTelemetry.CommandDuration.Enabled)
                EngineTelemetry.CommandDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, commandTag, outcomeTag);
            if (span is not null) runner.Describe(span, name, outcome, failed);
        }
    }

    private void Run(Action<Runner> command, [CallerMemberName] string name = "", string? userId = null, string? onBehalfOf = null) =>
        Run(r => { command(r); return 0; }, name, userId, onBehalfOf);

    /// <summary>
    /// Starts the version of a process valid today (the engine's zone; <c>egov:validFrom/validTo</c>, else the latest) at its
    /// none start event. Returns the instance id. <paramref name="userId"/>:
    /// who starts it (a user or client id, for the history; the host passes the caller, never a request field).
    /// </summary>
    /// <exception cref="InstanceExistsException">The process has <c>egov:uniqueBusinessKey</c> and an instance holds the business key.</exception>
    public string StartProcess(string processId, JsonObject? variables = null, string? businessKey = null, string? userId = null) =>
        StartProcessAs(null, processId, variables, businessKey, userId);

    /// <summary>
    /// Starts a process as <see cref="StartProcess"/> does — the version valid on <paramref name="applicationDate"/> (default:
    /// today in the engine's zone) — as the instance <paramref name="instanceId"/>
    /// (32 lower-case hex digits; null: a new random one). An idempotent start derives the id from its key, so a repeated
    /// start finds the first one: <see cref="InstanceExistsException"/>, and nothing runs. A process with
    /// <c>egov:uniqueBusinessKey</c> and a business key derives the id from the key instead (the store's primary key then
    /// refuses a second instance, even from two nodes at once).
    /// </summary>
    public string StartProcessAs(string? instanceId, string processId, JsonObject? variables = null, string? businessKey = null, string? userId = null,
        LocalDate? applicationDate = null)
    {
        CheckInput(variables);
        Options.CatchUpDeployments?.Invoke(this);
        if (instanceId is not null && (instanceId.Length != 32 || !instanceId.All(char.IsAsciiHexDigitLower)))
            throw new ArgumentException("an instance id is 32 lower-case hex digits", nameof(instanceId));
        ArgumentException.ThrowIfNullOrEmpty(processId);
        if (_core.LatestVersion(processId) is null) throw new WorkflowNotFoundException($"process '{processId}' is not deployed");
        var date = applicationDate ?? _core.Today;
        var g = _core.ValidOn(processId, date) ?? throw new WorkflowCommandException(
            $"process '{processId}' has no version valid on {ValidityTimeline.Iso(date)} (" +
            string.Join(", ", ValidityTimeline.Build(_core.Versions(processId)).Select(p => $"version {p.Head.Version}: {ValidityTimeline.Range(p.From, p.To)}")) + ")");
        // Camunda's selectInitial: the none start event, else the only start event of the process.
        var start = g.Root.StartEvents.FirstOrDefault();
        if (start is null)
        {
            var starts = g.Root.Nodes.Where(n => n.Kind == NodeKind.StartEvent).ToList();
            if (starts.Count != 1) throw new WorkflowCommandException($"process '{processId}' has no none start event");
            start = starts[0];
        }
        var unique = g.UniqueBusinessKey && !string.IsNullOrEmpty(businessKey);
        var id = unique ? UniqueBusinessKeyId(processId, businessKey!) : instanceId;
        if (id is not null && _core.Store.Load(_core.TenantId, id) is { } existing)
            throw Exists(existing.Id, existing.BusinessKey, unique);
        try
        {
            return Run(r => r.StartInstance(g, variables, businessKey, start, instanceId: id).Id, nameof(StartProcess), userId: userId); // one command name in history, with or without an id
        }
        catch (ConcurrencyConflictException) when (id is not null && _core.Store.Load(_core.TenantId, id) is not null)
        {
            throw Exists(id, businessKey, unique); // another start with the same id committed first
        }
    }

    private static InstanceExistsException Exists(string id, string? businessKey, bool unique) => unique
        ? new InstanceExistsException($"business key '{businessKey}' is taken: instance {id} of this process holds it (egov:uniqueBusinessKey)", id, businessKey)
        : new InstanceExistsException($"instance {id} exists already", id, null);

    /// <summary>The instance id of a unique business key: the same for every start with it, on every node.</summary>
    private string UniqueBusinessKeyId(string processId, string businessKey)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"egov:uniqueBusinessKey\n{_core.TenantId}\n{processId}\n{businessKey}"));
        return Convert.ToHexStringLower(bytes.AsSpan(0, 16));
    }

    /// <summary>Starts the process whose message start event has this message name. Returns the instance id.</summary>
    public string StartProcessByMessage(string messageName, JsonObject? variables = null, string? businessKey = null, string? userId = null) =>
        StartProcessByMessageAs(null, messageName, variables, businessKey, userId);

    /// <summary>
    /// Starts the process whose message start event has this message name as the instance <paramref name="instanceId"/>
    /// (32 lower-case hex digits; null: a new random one). A start with an id that exists already is refused with
    /// <see cref="InstanceExistsException"/> and runs nothing — an inbox that derives the id from what it received (a
    /// FIT-Connect submission) starts each case once, also after a restart.
    /// </summary>
    public string StartProcessByMessageAs(string? instanceId, string messageName, JsonObject? variables = null, string? businessKey = null, string? userId = null)
    {
        CheckInput(variables);
        ArgumentException.ThrowIfNullOrEmpty(messageName);
        if (instanceId is not null && (instanceId.Length != 32 || !instanceId.All(char.IsAsciiHexDigitLower)))
            throw new ArgumentException("an instance id is 32 lower-case hex digits", nameof(instanceId));
        Options.CatchUpDeployments?.Invoke(this);
        if (instanceId is not null && _core.Store.Load(_core.TenantId, instanceId) is { } existing)
            throw Exists(existing.Id, existing.BusinessKey, unique: false);
        // The outlines say which versions start by this message: only their graphs are built.
        foreach (var g in _core.ValidVersions(_core.Today).Where(v => v.Outline.StartsBy(StartTriggerKind.Message, messageName)).Select(v => v.Graph))
            if (g.Root.Nodes.Find(n => n.Kind == NodeKind.StartEvent && n.Trigger == Trigger.Message && n.EventName == messageName) is { } start)
            {
                try { return Run(r => r.StartInstance(g, variables, businessKey, start, instanceId: instanceId).Id, nameof(StartProcessByMessage), userId: userId); }
                catch (ConcurrencyConflictException) when (instanceId is not null && _core.Store.Load(_core.TenantId, instanceId) is not null)
                {
                    throw Exists(instanceId, businessKey, unique: false);
                }
            }
        throw new WorkflowNotFoundException($"no deployed process starts with message '{messageName}'");
    }

    /// <summary>
    /// Delivers a message only to a receiver that waits for it with this correlation key (business key, its root's, or the
    /// variable <c>correlationKey</c>); unlike <see cref="CorrelateMessage(string, string?, JsonObject?)"/> it never starts a
    /// process. Returns the root instance id of the receiver, or null when none waits. Two receivers are refused with
    /// <see cref="AmbiguousCorrelationException"/>, nothing changed.
    /// </summary>
    public string? CorrelateWaitingMessage(string messageName, string correlationKey, JsonObject? variables = null, string? userId = null)
    {
        CheckInput(variables);
        ArgumentException.ThrowIfNullOrEmpty(messageName);
        ArgumentException.ThrowIfNullOrEmpty(correlationKey);
        return Run(r => r.DeliverToWaiting(messageName, correlationKey, variables), nameof(CorrelateMessage), userId: userId);
    }

    /// <summary>Open user tasks, oldest first (of one root instance tree, or all).</summary>
    public IReadOnlyList<UserTaskInfo> OpenUserTasks(string? rootInstanceId = null) =>
        _core.Store.OpenUserTasks(_core.TenantId, rootInstanceId).Select(r => new UserTaskInfo(
            r.Task.Id, r.Task.ElementId, r.InstanceId, r.RootInstanceId, r.ProcessId, r.Task.Name, r.Task.Assignee,
            r.Task.CandidateUsers, r.Task.CandidateGroups, r.Task.DueDate, r.Task.FollowUpDate, r.Task.Priority, r.Task.FormKey,
            r.Task.CreatedAt, r.BusinessKey)).ToList();

    /// <summary>
    /// Completes a user task, setting the variables first (Camunda's setVariable: where they exist, else on the process).
    /// <paramref name="userId"/> = who completed it, for the history (the assignee when not given).
    /// </summary>
    public void CompleteUserTask(string taskId, JsonObject? variables = null, string? userId = null) =>
        CompleteUserTask(taskId, variables, userId, onBehalfOf: null);

    /// <summary>
    /// Completes a user task as <paramref name="userId"/> (standing in for <paramref name="onBehalfOf"/> during an
    /// absence). Refused, with nothing changed: a delegated task not yet resolved (Camunda), and a task marked
    /// <c>egov:fourEyes="Task_X"</c> when <paramref name="userId"/> completed Task_X in the same case
    /// (<see cref="FourEyesException"/>).
    /// </summary>
    public void CompleteUserTask(string taskId, JsonObject? variables, string? userId, string? onBehalfOf) => Run(r =>
    {
        CheckInput(variables);
        var (i, task) = UserTask(r, taskId);
        if (task.DelegationState == DelegationState.Pending)
            throw new WorkflowCommandException($"task '{taskId}' is delegated to '{task.Assignee}' and not yet resolved: the delegate resolves it, then its owner '{task.Owner}' completes it",
                RefusalReason.TaskDelegated, ("taskId", taskId), ("owner", task.Owner ?? ""), ("delegate", task.Assignee ?? ""));
        if (userId is not null) CheckFourEyes(i, task, userId);
        r.History.TaskOutcome(taskId, TaskEvent.Completed, userId ?? task.Assignee);
        TriggerToken(r, i, task.TokenId, variables);
    }, userId: userId, onBehalfOf: onBehalfOf);

    /// <summary>Claims a user task for a user (sets the assignee).</summary>
    public void ClaimUserTask(string taskId, string? userId, string? actingUserId = null) => Run(r =>
    {
        var (_, task) = UserTask(r, taskId);
        task.Assignee = userId;
    }, userId: actingUserId ?? userId);

    private static void TriggerToken(Runner r, Inst i, string tokenId, JsonObject? variables)
    {
        var t = i.Token(tokenId) ?? throw new WorkflowCommandException($"token '{tokenId}' is gone");
        r.RemoveWaits(i, t);
        t.Status = TokenStatus.Active;
        var n = i.Node(t);
        if (!r.Guard(i, t, n, () => n.Behaviour.Trigger(new ActivityExecution(r, i, t, n), variables))) { }
    }

    /// <summary>The running instance a task or incident id belongs to (else not found, or ended when the id was handed out).</summary>
    private static Inst InstanceOf(Runner r, string id, char kind, string what)
    {
        var dot = id.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0) throw NotFound(id, kind, what);
        var i = r.Load(id[..dot]) ?? throw NotFound(id, kind, what);
        if (i.S.IsEnded) throw Gone(i, id, kind, what);
        return i;
    }

    /// <summary>
    /// Not open (any more): ids are <c>instanceId.</c> + kind letter + a counter of the instance, so an id the instance
    /// already handed out was completed, cancelled or resolved (ended); any other never existed (not found).
    /// </summary>
    private static WorkflowCommandException Gone(Inst i, string id, char kind, string what)
    {
        var suffix = id[(id.LastIndexOf('.') + 1)..];
        return suffix.Length > 1 && suffix[0] == kind && long.TryParse(suffix.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture, out var n) && n <= i.S.Sequence
            ? new WorkflowEndedException(i.S.IsEnded
                ? $"{what} '{id}' is no longer open: its process instance has ended"
                : $"{what} '{id}' is no longer open: it was completed, cancelled or resolved",
                kind == 'u' ? RefusalReason.TaskNoLongerOpen : RefusalReason.Unspecified, ("taskId", id), ("instanceEnded", i.S.IsEnded ? "true" : "false"))
            : NotFound(id, kind, what);
    }

    private static WorkflowNotFoundException NotFound(string id, char kind, string what) =>
        new($"no {what} '{id}'", kind == 'u' ? RefusalReason.TaskNotFound : RefusalReason.Unspecified, ("taskId", id));

    /// <summary>
    /// Triggers the oldest token waiting at the element (a receive task without a message, or any waiting catch event)
    /// in the root instance or the instances it called. Returns false when none waits there.
    /// </summary>
    public bool TriggerWaiting(string rootInstanceId, string elementId, JsonObject? variables = null) => Run(r =>
    {
        CheckInput(variables);
        foreach (var id in _core.Store.InstanceTree(_core.TenantId, rootInstanceId))
        {
            var i = r.Load(id);
            if (i is null || i.S.IsEnded) continue;
            var t = i.S.Tokens.Where(x => x.ElementId == elementId && x.Status == TokenStatus.Waiting && x.ChildScopeId is null && x.CalledInstanceId is null)
                .OrderBy(x => x.StartedAt).FirstOrDefault();
            if (t is null) continue;
            if (t.WaitingActivity is not null) r.ResumeWaitingActivity(i, t, variables);
            else TriggerToken(r, i, t.Id, variables);
            return true;
        }
        return false;
    });

    /// <summary>Resumes a custom activity that returned Wait, with a payload for its ResumeAsync.</summary>
    public bool ResumeActivity(string rootInstanceId, string elementId, JsonObject? payload = null) => Run(r =>
    {
        foreach (var id in _core.Store.InstanceTree(_core.TenantId, rootInstanceId))
        {
            var i = r.Load(id);
            var t = i?.S.Tokens.Find(x => x.ElementId == elementId && x.WaitingActivity is not null && x.Status == TokenStatus.Waiting);
            if (i is null || t is null) continue;
            r.ResumeWaitingActivity(i, t, payload);
            return true;
        }
        return false;
    });

    /// <summary>
    /// Resumes the custom activity of this tenant that waits with <paramref name="callbackKey"/> (it returned
    /// <c>ActivityResult.Wait(…, callbackKey: …)</c>), with a payload for its ResumeAsync. False when none waits with it:
    /// an unknown key, or one whose activity was already resumed and went on (a duplicate or late callback changes nothing).
    /// </summary>
    public bool ResumeActivityByKey(string callbackKey, JsonObject? payload = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(callbackKey);
        CheckInput(payload);
        return Run(r =>
        {
            foreach (var row in _core.Store.FindSubscriptions(_core.TenantId, SubscriptionKind.Activity, callbackKey))
            {
                var i = r.Load(row.InstanceId);
                if (i is null || i.S.IsEnded) continue;
                var sub = i.S.Subscriptions.Find(x => x.Kind == SubscriptionKind.Activity && x.EventName == callbackKey);
                var t = sub is null ? null : i.Token(sub.TokenId);
                if (t is null || t.WaitingActivity is null || t.Status != TokenStatus.Waiting) continue;
                r.ResumeWaitingActivity(i, t, payload);
                return true;
            }
            return false;
        });
    }

    /// <summary>
    /// Correlates a message to every receiver that waits for it (catch events, receive tasks, boundary events, event
    /// subprocess starts) — filtered by <paramref name="correlationKey"/> against the instance's business key (or a
    /// process variable named <c>correlationKey</c>) when given; if none waits, starts processes with a matching
    /// message start event (business key = correlation key). Returns the number of receivers.
    /// </summary>
    public int CorrelateMessage(string messageName, string? correlationKey = null, JsonObject? variables = null) =>
        CorrelateMessage(messageName, correlationKey, variables, all: true);

    /// <summary>
    /// Correlates a message. With <paramref name="all"/> false, exactly one waiting receiver may match (or, when none
    /// waits, one message start event): more than one is refused with <see cref="AmbiguousCorrelationException"/> and
    /// nothing changes, as Camunda's <c>correlate()</c>; with true every match receives it (<c>correlateAll()</c>).
    /// </summary>
    public int CorrelateMessage(string messageName, string? correlationKey, JsonObject? variables, bool all, string? userId = null)
    {
        CheckInput(variables);
        ArgumentException.ThrowIfNullOrEmpty(messageName);
        Options.CatchUpDeployments?.Invoke(this);
        return Run(r => r.Correlate(messageName, correlationKey, variables, all), userId: userId);
    }

    /// <summary>Broadcasts a signal to every subscription and signal start event. Returns the number of receivers.</summary>
    public int BroadcastSignal(string signalName, JsonObject? variables = null, string? userId = null)
    {
        CheckInput(variables);
        ArgumentException.ThrowIfNullOrEmpty(signalName);
        Options.CatchUpDeployments?.Invoke(this);
        return Run(r => r.Broadcast(signalName, variables), userId: userId);
    }

    /// <summary>The earliest due timer or job, or external task becoming fetchable again after a failure.</summary>
    public Instant? NextDueTime() => _core.Store.NextDue(_core.TenantId, Now);

    /// <summary>Runs every job due at the clock's current time, one command each, earliest first, until none is due. Returns how many ran.</summary>
    public int RunDueJobs(int max = 100_000)
    {
        var count = 0;
        while (count < max)
        {
            var due = _core.Store.FindDueWork(_core.TenantId, Now, 1);
            if (due.Count == 0) break;
            ExecuteDue(due[0]);
            count++;
        }
        return count;
    }

    private void ExecuteDue(DueWork work)
    {
        if (work.Kind == DueWorkKind.StartTimer)
        {
            // The timer belongs to the latest version as the shared store has it: another node may have deployed or deleted one.
            Options.CatchUpDeployments?.Invoke(this);
            try { FireStartTimer(work, start: true); }
            catch (Exception e) when (e is CommandBudgetException or InstanceQuotaException)
            {
                // The new instance's first command ran past its budget and was rolled back: this firing is skipped, the
                // timer moves on to its next occurrence instead of failing again on every pass of the job executor.
                FireStartTimer(work, start: false);
            }
            return;
        }
        RunJobOrIncident(work);
    }

    private void FireStartTimer(DueWork work, bool start)
    {
        Run(r =>
        {
            var timer = _core.Store.StartTimers(_core.TenantId).FirstOrDefault(t => t.Id == work.Id);
            if (timer is null) return;
            var g = _core.Latest(timer.ProcessId);
            if (g is null || !g.Nodes.TryGetValue(timer.ElementId, out var startEvent)) { r.Changes.RemovedStartTimerIds.Add(timer.Id); return; }
            timer.FiredCount++;
            Instant? next;
            try
            {
                next = timer.TimerKind == nameof(TimerKind.Cycle)
                    ? TimerSchedule.Parse(TimerKind.Cycle, timer.TimerText, _core.Zone, _core.TimerLimits).NextDue(timer.DueAt, timer.FiredCount, Now) : null;
            }
            catch (TimerFormatException)
            {
                // A start cycle stored before the limits tightened (or beyond the calendar): it stops here rather
                // than firing on every pass of the job executor; redeploying the model shows the reason.
                r.Changes.RemovedStartTimerIds.Add(timer.Id);
                return;
            }
            if (start) r.StartInstance(g, null, null, startEvent);
            if (next is { } n) { timer.DueAt = n; r.Changes.StartTimers.Add(timer); }
            else r.Changes.RemovedStartTimerIds.Add(timer.Id);
        });
    }

    private void RunJobOrIncident(DueWork work)
    {
        try
        {
            Run(r =>
            {
                var i = r.Load(work.InstanceId!);
                var job = i?.S.Jobs.Find(j => j.Id == work.Id);
                if (i is null || job is null || job.Suspended) return; // a stopped job runs only when its incident is resolved
                r.RunJob(i, job);
            });
        }
        catch (Exception e) when (e is ScriptException or TimerFormatException or IncidentException or CommandBudgetException or InstanceQuotaException)
        {
            OpenJobIncident(work, e.Message, null);
        }
    }

    /// <summary>Stops a job with an incident (one command); nothing when the job is gone or already stopped.</summary>
    private void OpenJobIncident(DueWork work, string message, string? details) => Run(r =>
    {
        var i = r.Load(work.InstanceId!);
        var job = i?.S.Jobs.Find(j => j.Id == work.Id);
        if (i is null || job is null || job.Suspended) return; // parked meanwhile (a run its executor gave up on)
        job.Suspended = true;
        job.LastError = message;
        i.S.Incidents.Add(new IncidentState { Id = i.NextId("i"), Kind = IncidentKind.FailedJob, ElementId = job.ElementId, TokenId = job.TokenId, JobId = job.Id, Message = message, Details = details, CreatedAt = r.Now });
    }, "RunJobOrIncident");

    /// <summary>Open external tasks, oldest first (of one root instance tree, or all); see <see cref="ExternalTaskInfo.IsAvailableAt"/>.</summary>
    public IReadOnlyList<ExternalTaskInfo> OpenExternalTasks(string? rootInstanceId = null) =>
        _core.Store.OpenExternalTasks(_core.TenantId, rootInstanceId).Select(r => new ExternalTaskInfo(
            r.Task.Id, r.Task.ElementId, r.InstanceId, r.RootInstanceId, r.ProcessId, r.Task.Topic, r.Task.Unbound,
            r.Task.AvailableAt, r.Task.Retries, r.Task.ErrorMessage, r.Task.Suspended, r.Task.Priority, r.Task.CreatedAt, r.BusinessKey)).ToList();

    /// <summary>
    /// A worker completed an external task with these variables. With <paramref name="workerId"/>, only the worker
    /// holding the lock may (else <see cref="ExternalTaskLockedException"/>, and nothing changes).
    /// </summary>
    public void CompleteExternalTask(string externalTaskId, JsonObject? variables = null, string? workerId = null) => Run(r =>
    {
        CheckInput(variables);
        var (i, task) = External(r, externalTaskId);
        if (workerId is not null) RequireLockedBy(task, workerId, "completed");
        r.History.TaskOutcome(task.Id, TaskEvent.Completed, task.LockOwner);
        TriggerToken(r, i, task.TokenId, variables);
    });

    /// <summary>
    /// A worker failed an external task. <paramref name="retries"/> = tries left as the worker counts them (0 opens an
    /// incident); null lets the engine count down from camunda:failedJobRetryTimeCycle (default 3 tries).
    /// <paramref name="retryTimeout"/> = when it may be fetched again (default: the cycle's interval, 5 minutes).
    /// The lock is released (Camunda). With <paramref name="workerId"/>, only the worker holding the lock may fail it.
    /// </summary>
    public void FailExternalTask(string externalTaskId, string errorMessage, int? retries = null, Duration? retryTimeout = null, string? workerId = null) => Run(r =>
    {
        var (i, task) = External(r, externalTaskId);
        if (workerId is not null) RequireLockedBy(task, workerId, "failed");
        r.History.TaskOutcome(task.Id, TaskEvent.Failed, task.LockOwner, errorMessage);
        r.FailExternalTask(i, task, errorMessage, retries, retryTimeout);
    });

    /// <summary>
    /// A worker reports a business error: caught by a matching error boundary or event subprocess. With
    /// <paramref name="workerId"/>, only the worker holding the lock may.
    /// </summary>
    public void ThrowExternalTaskBpmnError(string externalTaskId, string errorCode, string? errorMessage = null, JsonObject? variables = null, string? workerId = null) => Run(r =>
    {
        CheckInput(variables);
        var (i, task) = External(r, externalTaskId);
        if (workerId is not null) RequireLockedBy(task, workerId, "reported with a BPMN error");
        r.History.TaskOutcome(task.Id, TaskEvent.BpmnError, task.LockOwner, errorMessage is null ? errorCode : $"{errorCode}: {errorMessage}");
        var t = i.Token(task.TokenId)!;
        r.RemoveWaits(i, t);
        t.Status = TokenStatus.Active;
        new VariableScope(i, t).SetAll(variables);
        r.ThrowError(i, t, errorCode, errorMessage, fromEndEvent: false);
    });

    private static (Inst, ExternalTaskState) External(Runner r, string id)
    {
        var i = InstanceOf(r, id, 'x', "external task");
        var task = i.S.ExternalTasks.Find(x => x.Id == id) ?? throw Gone(i, id, 'x', "external task");
        r.TargetElementId = task.ElementId;
        return (i, task);
    }

    /// <summary>Cancels a running instance from outside (with the instances it called): state "terminated".</summary>
    public void CancelInstance(string instanceId, string? userId = null) => Run(r =>
    {
        var i = r.Load(instanceId) ?? throw new WorkflowNotFoundException($"no process instance '{instanceId}'");
        if (i.S.IsEnded) throw new WorkflowEndedException($"process instance '{instanceId}' has already ended ({i.S.Status.ToString().ToLowerInvariant()})");
        r.Terminate(i);
    }, userId: userId);

    /// <summary>Resolves an incident: the element runs again (script, expression, job), or the external task gets one more try.</summary>
    public void RetryIncident(string incidentId, string? userId = null) => Run(r =>
    {
        var i = InstanceOf(r, incidentId, 'i', "incident");
        var inc = i.S.Incidents.Find(x => x.Id == incidentId) ?? throw Gone(i, incidentId, 'i', "incident");
        i.S.Incidents.Remove(inc);
        r.History.IncidentResolved(inc.Id);
        if (inc.ExternalTaskId is { } xid && i.S.ExternalTasks.Find(x => x.Id == xid) is { } task)
        {
            task.Suspended = false;
            task.LockOwner = null; // any worker may fetch the retried task
            task.LockExpiresAt = null;
            task.Retries = 1;
            task.AvailableAt = r.Now;
            task.CreatedAt = r.Now;
            return;
        }
        if (inc.JobId is { } jid && i.S.Jobs.Find(j => j.Id == jid) is { } job)
        {
            job.Suspended = false;
            job.DueAt = r.Now;
            return;
        }
        if (i.Token(inc.TokenId) is { Status: TokenStatus.Incident } t)
        {
            t.Status = TokenStatus.Active;
            r.ScheduleExecute(i, t);
        }
    }, userId: userId);

    /// <summary>A command's variables over the limits: refused before the command changes anything.</summary>
    private void CheckInput(JsonObject? variables)
    {
        if (_core.VariableLimits.CheckAll(variables) is { } problem) throw new VariableLimitException(problem);
    }

    /// <summary>Sets variables on an instance's process scope (as an API would) and lets conditional events react.</summary>
    public void SetVariables(string instanceId, JsonObject variables, string? userId = null) => SetVariables(instanceId, variables, userId, null);

    /// <summary>
    /// Sets variables as <see cref="SetVariables(string, JsonObject, string?)"/> does, with the reason an operator gave: the
    /// variable history of the change names it in its command (<c>SetVariables: reason</c>), in the same transaction.
    /// </summary>
    public void SetVariables(string instanceId, JsonObject variables, string? userId, string? reason) => Run(r =>
    {
        CheckInput(variables);
        var i = r.Load(instanceId) ?? throw new WorkflowNotFoundException($"no process instance '{instanceId}'");
        foreach (var kv in variables) i.RootScope.Variables[kv.Key] = kv.Value?.DeepClone();
    }, name: string.IsNullOrWhiteSpace(reason) ? nameof(SetVariables) : $"{nameof(SetVariables)}: {reason.Trim()}", userId: userId);

    /// <summary>Starts the processes whose conditional start event holds for these variables. Returns the new instance ids.</summary>
    public IReadOnlyList<string> EvaluateStartConditions(JsonObject? variables = null) => Run(r =>
    {
        CheckInput(variables);
        var started = new List<string>();
        foreach (var g in _core.LatestVersions().Where(v => v.Outline.StartsBy(StartTriggerKind.Conditional)).Select(v => v.Graph))
            foreach (var start in g.Root.Nodes.Where(n => n.Kind == NodeKind.StartEvent && n.Trigger == Trigger.Conditional))
            {
                var probe = new Inst(new ProcessInstanceState { Scopes = [new ScopeState { Id = "probe", Kind = ScopeKind.Process, Variables = variables?.DeepClone() as JsonObject ?? [] }] }, g);
                if (_core.Evaluator.EvaluateCondition(start.Condition!, new VariableScope(probe, null, "probe")))
                    started.Add(r.StartInstance(g, variables, null, start).Id);
            }
        return (IReadOnlyList<string>)started;
    });

    // ---------- queries ----------

    /// <summary>
    /// A root instance with every instance it called: state, waiting element ids, history, variables, incidents. The
    /// history is read from the store when the view's <see cref="ProcessInstanceView.History"/> is first looked at (a long
    /// case's history is large, and most readers want its state only).
    /// </summary>
    public ProcessInstanceView GetInstance(string rootInstanceId)
    {
        var ids = _core.Store.InstanceTree(_core.TenantId, rootInstanceId);
        if (ids.Count == 0) throw new WorkflowNotFoundException($"no process instance '{rootInstanceId}'");
        var states = ids.Select(id => _core.Store.Load(_core.TenantId, id)!).ToList();
        var root = states.Find(s => s.Id == rootInstanceId) ?? states[0];
        var waiting = new List<string>();
        foreach (var s in states)
        {
            if (s.IsEnded) continue;
            var g = _core.Version(s.ProcessId, s.DefinitionVersion);
            foreach (var t in s.Tokens.Where(t => t.Status == TokenStatus.Waiting && t.ChildScopeId is null && t.CalledInstanceId is null))
            {
                // A version this node does not know (deleted, or deployed by another node not yet caught up): the case is
                // still shown, with every waiting token's element, instead of failing the whole view.
                if (g is null) { waiting.Add(t.ElementId); continue; }
                var n = g.Node(t.ElementId);
                if (n.Kind == NodeKind.EventBasedGateway)
                    waiting.AddRange(s.Subscriptions.Where(x => x.TokenId == t.Id).Select(x => x.ElementId)
                        .Concat(s.Jobs.Where(j => j.TokenId == t.Id).Select(j => j.ElementId)).Distinct());
                else if (n.Kind is NodeKind.UserTask or NodeKind.ReceiveTask or NodeKind.ServiceTask or NodeKind.ScriptTask or NodeKind.SendTask or NodeKind.BusinessRuleTask
                         or NodeKind.IntermediateCatch
                         || n.Kind is NodeKind.IntermediateThrow or NodeKind.EndEvent && t.PendingCompensations == 0)
                    waiting.Add(t.ElementId);
            }
        }
        var incidents = states.Where(s => !s.IsEnded).SelectMany(s => s.Incidents.Select(x =>
            new IncidentInfo(x.Id, s.Id, s.RootInstanceId, x.ElementId, x.Kind.ToString(), x.Message, x.CreatedAt, x.Details))).ToList();
        var state = root.Status switch
        {
            InstanceStatus.Completed => InstanceState.Completed,
            InstanceStatus.Terminated => InstanceState.Terminated,
            _ => incidents.Count > 0 ? InstanceState.Incident : InstanceState.Running,
        };
        var vars = root.Scopes.Find(x => x.Kind == ScopeKind.Process)?.Variables.DeepClone() as JsonObject ?? [];
        return new ProcessInstanceView(root.Id, root.ProcessId, root.DefinitionVersion, root.BusinessKey, state, waiting,
            new DeferredList<ElementInstanceRecord>(() => _core.Store.History(_core.TenantId, rootInstanceId)), vars, incidents, ids)
        {
            LegalBasis = _core.Version(root.ProcessId, root.DefinitionVersion)?.LegalBasis,
            Fristen = states.Where(s => !s.IsEnded).SelectMany(s => s.Fristen.Select(f => Info(s, f))).ToList(),
        };
    }

    /// <summary>The history of a root instance tree (ended element instances, in order).</summary>
    public IReadOnlyList<ElementInstanceRecord> History(string rootInstanceId) => _core.Store.History(_core.TenantId, rootInstanceId);

    /// <summary>Variable changes of a root instance tree, in order (empty at <see cref="HistoryLevel.Activity"/>).</summary>
    public IReadOnlyList<VariableChangeRecord> VariableHistory(string rootInstanceId) => _core.Store.VariableHistory(_core.TenantId, rootInstanceId);

    /// <summary>User task and external task events of a root instance tree, in order.</summary>
    public IReadOnlyList<TaskEventRecord> TaskHistory(string rootInstanceId) => _core.Store.TaskHistory(_core.TenantId, rootInstanceId);

    /// <summary>Incident events of a root instance tree, in order.</summary>
    public IReadOnlyList<IncidentEventRecord> IncidentHistory(string rootInstanceId) => _core.Store.IncidentHistory(_core.TenantId, rootInstanceId);
}
