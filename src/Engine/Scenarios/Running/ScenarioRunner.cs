using System.Text.Json.Nodes;
using EGov.Workflows.Model;
using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Model;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Scenarios.Running;

/// <summary>How one scenario ended. <see cref="Failure"/> is the text after <c>FAIL file: name: </c>:
/// <c>deploy: …</c>, <c>start: …</c> or <c>step N: expected / found</c>. <see cref="Trace"/> holds the verbose lines.</summary>
public sealed record ScenarioResult(string File, string Name, string? Failure, IReadOnlyList<string> Trace)
{
    public bool Passed => Failure is null;

    public string Line => Passed ? $"PASS {File}: {Name}" : $"FAIL {File}: {Name}: {Failure}";
}

/// <summary>Runs one scenario against a fresh engine: deploy, start, then each step; after the start and after every step the
/// engine runs until it is quiet and the services of the scenario are served. Nothing here knows the engine's internals.</summary>
public sealed class ScenarioRunner(IScenarioEngineFactory engines, ModelCache? models = null)
{
    private readonly ModelCache _models = models ?? new ModelCache();
    private readonly IScenarioEngineFactory _engines = engines;

    /// <summary>Upper bound on engine rounds at one instant (a model that loops without a wait state fails instead of hanging).</summary>
    public int MaxRoundsPerInstant { get; init; } = 10_000;

    /// <summary>Upper bound on due times one <c>advance</c> visits (an unbounded timer cycle over a long advance).</summary>
    public int MaxFiringsPerAdvance { get; init; } = 100_000;

    public ScenarioResult Run(Scenario scenario) => new Execution(this, scenario).Run();

    /// <summary>A failure of the current stage; the stage prefix (<c>step N: </c>) is added where it is caught.</summary>
    private sealed class StageFailure(string text, bool withoutStage = false) : Exception(text)
    {
        /// <summary>A mistake in the scenario file itself: reported as <c>file:line:col: …</c> like the loader's errors.</summary>
        public bool WithoutStage { get; } = withoutStage;
    }

    private sealed class Execution(ScenarioRunner runner, Scenario scenario)
    {
        private readonly List<string> _trace = [];
        private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
        private readonly VirtualClock _clock = new(scenario.Clock);
        private IScenarioEngine? _created;
        private IScenarioEngine _engine => _created ?? throw new InvalidOperationException("no engine yet");
        private string _root = "";
        private readonly Dictionary<string, string> _cases = new(StringComparer.Ordinal);
        private string? _processId;

        public ScenarioResult Run()
        {
            try { return RunStages(); }
            finally { _created?.Dispose(); }
        }

        private ScenarioResult RunStages()
        {
            string stage = "deploy";
            try
            {
                var files = ReadModels();
                CheckServices(files);
                var (fristen, facts) = ServiceYamls(files);
                _created = runner._engines.Create(new ScenarioEngineOptions(_clock, scenario.Zone) {
                    Land = scenario.Land, Bearbeitungsfristen = fristen, ServiceFacts = facts,
                    StandIns = scenario.Services.Where(s => !s.IsTopic).Select(s => s.Key).ToHashSet(StringComparer.Ordinal),
                });
                try
                {
                    if (_decisions.Count > 0) _engine.DeployDecisions(_decisions);
                    _engine.Deploy(files);
                }
                catch (Exception e) when (e is not OutOfMemoryException) { throw new StageFailure(EngineError(e)); }
                Trace($"deployed {string.Join(", ", files.Select(f => f.File))}");

                stage = "start";
                Start(files);
                Settle();

                foreach (var step in scenario.Steps)
                {
                    stage = $"step {step.Number}";
                    Trace($"{stage}: {step.Describe()}  [clock {Time(_clock.Now)}]");
                    Execute(step);
                    if (step is not ExpectStep) Settle();
                }
                TraceActivities();
                return new ScenarioResult(scenario.File, scenario.Name, null, _trace);
            }
            catch (StageFailure f)
            {
                var failure = (f.WithoutStage ? f.Message : $"{stage}: {f.Message}").ReplaceLineEndings(" ");
                Trace("failed: " + failure);
                if (_created is not null && _root.Length > 0) DumpState();
                return new ScenarioResult(scenario.File, scenario.Name, failure, _trace);
            }
        }

        /// <summary>The DMN files of the deploy list, read by <see cref="ReadModels"/>.</summary>
        private readonly List<DecisionFile> _decisions = [];

        private List<ModelFile> ReadModels()
        {
            var files = new List<ModelFile>();
            foreach (var entry in scenario.Deploy)
            {
                var full = Path.GetFullPath(Path.Combine(scenario.Directory, entry.Path));
                var display = Paths.Display(full);
                if (full.EndsWith(".dmn", StringComparison.OrdinalIgnoreCase))
                {
                    var dmn = new Dmn.Reading.DmnReader().ReadFile(full);
                    if (dmn.HasErrors || dmn.Definitions is null)
                    {
                        var first = dmn.Errors.FirstOrDefault()?.ToString() ?? $"{display}:1:1: error: the model could not be read";
                        throw new StageFailure(first.Replace(full, display, StringComparison.Ordinal));
                    }
                    _decisions.Add(new DecisionFile(display, dmn.Definitions));
                    continue;
                }
                var read = runner._models.Read(full, display);
                if (read.HasErrors || read.Definitions is null)
                {
                    var errors = read.Errors.ToList();
                    var first = errors.Count > 0 ? errors[0].ToString() : $"{display}:1:1: error: the model could not be read";
                    var more = errors.Count + read.SuppressedDiagnostics - 1;
                    throw new StageFailure(first + (more > 0 ? $" (and {more} more)" : ""));
                }
                files.Add(new ModelFile(display, read.Definitions));
            }
            return files;
        }

        /// <summary>
        /// The Bearbeitungsfrist (the case's Frist, as the server uses it) and the service facts for activities (Aktenplan,
        /// Aufbewahrungsfrist) of each process whose model sits beside a service.yaml (processes/&lt;service&gt;/), by process id;
        /// each file is read once. Only these fields are read here; <c>./egov validate</c> checks the whole file against
        /// docs/service.schema.json.
        /// </summary>
        private static (Dictionary<string, Period> Fristen, Dictionary<string, Sdk.ServiceFacts> Facts) ServiceYamls(List<ModelFile> files)
        {
            var fristen = new Dictionary<string, Period>(StringComparer.Ordinal);
            var facts = new Dictionary<string, Sdk.ServiceFacts>(StringComparer.Ordinal);
            foreach (var folder in files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f.File)) ?? ".").Distinct(StringComparer.Ordinal))
            {
                var yaml = Path.Combine(folder, "service.yaml");
                if (!File.Exists(yaml)) continue;
                var (process, frist, service) = Loading.ServiceYamlFrist.Read(yaml);
                if (process is null) continue;
                if (frist is not null) fristen[process] = frist;
                if (service is not null) facts[process] = service;
            }
            return (fristen, facts);
        }

        /// <summary>A <c>services:</c> key that names nothing in the models is a typo, not a service that is never called.</summary>
        private void CheckServices(List<ModelFile> files)
        {
            foreach (var spec in scenario.Services)
            {
                if (spec.IsTopic)
                {
                    var topics = files.SelectMany(f => f.Definitions.Descendants()).Select(e => e.CamundaAttribute("topic")).OfType<string>().ToList();
                    if (topics.Contains(spec.Target, StringComparer.Ordinal) || topics.Any(t => t.Contains("${", StringComparison.Ordinal) || t.Contains("#{", StringComparison.Ordinal)))
                        continue;
                    throw new StageFailure($"{scenario.File}:{spec.At}: no task of the deployed models has the topic '{spec.Target}'"
                        + (topics.Count > 0 ? $" (topics: {string.Join(", ", topics.Distinct().Order(StringComparer.Ordinal))})" : ""), withoutStage: true);
                }
                if (!files.Any(f => f.Definitions.FindById(spec.Key) is not null))
                    throw new StageFailure($"{scenario.File}:{spec.At}: '{spec.Key}' is no element of the deployed models; services are keyed by element id or topic:NAME", withoutStage: true);
            }
        }

        private void Start(List<ModelFile> files)
        {
            var start = scenario.Start;
            if (start.Message is { } message)
            {
                _root = Command($"start by message {message}", () => _engine.StartProcessByMessage(message, Copy(start.Variables), start.BusinessKey, start.User));
                _cases["main"] = _root;
                Trace($"started instance {_root} by message {message}");
                return;
            }
            var processId = scenario.Process ?? DefaultProcess(files[0]);
            _processId = processId;
            _root = Command($"start {processId}", () => _engine.StartProcess(processId, Copy(start.Variables), start.BusinessKey, start.User));
            _cases["main"] = _root;
            Trace($"started {processId} as instance {_root}");
        }

        private static string DefaultProcess(ModelFile first)
        {
            var executable = first.Definitions.Processes.Where(p => p.IsExecutable).Select(p => p.Id ?? "").ToList();
            return executable.Count == 1
                ? executable[0]
                : throw new StageFailure($"'process:' names the process to start / {first.File} has {executable.Count} executable processes"
                    + (executable.Count > 1 ? $" ({string.Join(", ", executable)})" : ""));
        }

        private void Execute(Step step)
        {
            switch (step)
            {
                case CompleteStep c:
                {
                    var open = Command("list open tasks", () => _engine.OpenTasks(_root));
                    var task = open.Where(t => t.ElementId == c.ElementId).OrderBy(t => t.Order).FirstOrDefault()
                        ?? throw new StageFailure($"an open task at {c.ElementId} / none open there, waiting {Json.List(WaitingNow())}");
                    if (c.Refused is null)
                    {
                        Command($"complete {c.ElementId}", () => _engine.CompleteTask(task, Copy(c.Variables), c.User));
                        break;
                    }
                    string refusal;
                    try
                    {
                        _engine.CompleteTask(task, Copy(c.Variables), c.User);
                        refusal = "";
                    }
                    catch (ScenarioEngineException e) { refusal = e.Message; }
                    if (refusal.Length == 0)
                        throw new StageFailure($"complete {c.ElementId}{(c.User is null ? "" : " as " + c.User)} refused with \"{c.Refused}\" / it was completed");
                    if (!refusal.Contains(c.Refused, StringComparison.OrdinalIgnoreCase))
                        throw new StageFailure($"complete {c.ElementId} refused with \"{c.Refused}\" / refused with \"{refusal}\"");
                    Trace($"complete {c.ElementId} refused as expected: {refusal}");
                    break;
                }
                case MessageStep m:
                {
                    var received = Command($"message {m.MessageName}", () => _engine.CorrelateMessage(m.MessageName, m.CorrelationKey, Copy(m.Variables)));
                    if (received == 0)
                        throw new StageFailure($"a receiver for message {m.MessageName}" + (m.CorrelationKey is null ? "" : $" with correlationKey {m.CorrelationKey}")
                            + $" / nobody waits for it, waiting {Json.List(WaitingNow())}");
                    break;
                }
                case StartStep st:
                {
                    if (_cases.ContainsKey(st.CaseName)) throw new StageFailure($"a new case '{st.CaseName}' / a case of that name was started before");
                    var processId = _processId ?? throw new StageFailure("a process to start / the scenario started by message; name 'process:'");
                    _root = Command($"start {processId}", () => _engine.StartProcess(processId, Copy(st.Variables), st.BusinessKey));
                    _cases[st.CaseName] = _root;
                    Trace($"started {processId} as case {st.CaseName}, instance {_root}");
                    break;
                }
                case CaseStep cs:
                    _root = _cases.TryGetValue(cs.CaseName, out var id) ? id
                        : throw new StageFailure($"a case named {cs.CaseName} / known: {string.Join(", ", _cases.Keys)}");
                    break;
                case ExtendFristStep x:
                    Command($"verlaengern {x.ElementId}", () => _engine.ExtendFiktionsfrist(_root, x.ElementId, x.Um, x.Begruendung));
                    break;
                case SignalStep s:
                    Command($"signal {s.SignalName}", () => _engine.BroadcastSignal(s.SignalName, Copy(s.Variables)));
                    break;
                case AdvanceStep a:
                    Advance(CalendarTime.Add(_clock.Now, a.Period, scenario.Zone));
                    break;
                case ExpectStep e:
                {
                    var view = Inspect();
                    var mismatches = ExpectationCheck.Check(e.Expectation, view);
                    if (mismatches.Count > 0)
                        throw new StageFailure(string.Join("; ", mismatches.Select(m => m.Expected)) + " / " + string.Join("; ", mismatches.Select(m => m.Found)));
                    break;
                }
            }
        }

        /// <summary>Moves the clock to <paramref name="target"/>, stopping at every due time on the way (timers, and retries of
        /// services this scenario serves), with the engine quiet after each.</summary>
        private void Advance(Instant target)
        {
            for (var firings = 0; ; firings++)
            {
                if (firings > runner.MaxFiringsPerAdvance)
                    throw new StageFailure($"the clock to reach {Time(target)} / more than {runner.MaxFiringsPerAdvance} due times on the way (a timer cycle without end?)");
                var next = NextEvent();
                if (next is null || next.Value > target) break;
                var before = _clock.Now;
                _clock.MoveTo(next.Value);
                var progressed = Settle();
                if (!progressed && next.Value <= before)
                    throw new StageFailure($"the timer due at {Time(next.Value)} to fire / the engine reports it due but runs nothing");
            }
            _clock.MoveTo(target);
            Settle();
        }

        private Instant? NextEvent()
        {
            var next = Command("next due time", () => _engine.NextDueTime());
            foreach (var task in Command("list external tasks", () => _engine.ExternalTasks()))
            {
                if (task.AvailableAt is not { } at || at <= _clock.Now || task.Retries == 0 || Service(task) is null) continue;
                if (next is null || at < next) next = at;
            }
            return next;
        }

        /// <summary>Runs due jobs and serves services until nothing more happens at this instant; true when anything happened.</summary>
        private bool Settle()
        {
            var any = false;
            for (var round = 0; ; round++)
            {
                if (round > runner.MaxRoundsPerInstant)
                    throw new StageFailure($"the engine to become quiet / still busy after {runner.MaxRoundsPerInstant} rounds (a loop without a wait state?)");
                var progressed = false;
                if (Command("next due time", () => _engine.NextDueTime()) is { } due && due <= _clock.Now)
                    progressed = Command("run due jobs", () => _engine.RunDueJobs()) > 0;
                if (!progressed) progressed = ServeOne();
                if (!progressed) return any;
                any = true;
            }
        }

        /// <summary>Serves the oldest external task available now that the scenario says something about.</summary>
        private bool ServeOne()
        {
            foreach (var task in Command("list external tasks", () => _engine.ExternalTasks()).OrderBy(t => t.Order))
            {
                if (task.Retries == 0 || task.AvailableAt is { } at && at > _clock.Now) continue;
                var spec = Service(task);
                if (spec is null)
                {
                    if (task.Unbound)
                        throw new StageFailure($"an entry under 'services:' for service task {task.ElementId} (it has no implementation) / none");
                    continue;
                }
                Serve(task, spec);
                return true;
            }
            return false;
        }

        private ServiceSpec? Service(ExternalTaskView task) =>
            scenario.Services.FirstOrDefault(s => !s.IsTopic && s.Key == task.ElementId)
            ?? (task.Topic is null ? null : scenario.Services.FirstOrDefault(s => s.IsTopic && s.Target == task.Topic));

        private void Serve(ExternalTaskView task, ServiceSpec spec)
        {
            if (spec.Error is { } code)
            {
                Trace($"  service {task.ElementId}: BPMN error {code}");
                Command($"service {task.ElementId}: throw BPMN error {code}", () => _engine.ThrowBpmnError(task.Id, code, Copy(spec.Variables)));
                return;
            }
            if (spec.Fail is { } message)
            {
                var failed = _failures.GetValueOrDefault(task.Id);
                if (spec.Times is null || failed < spec.Times)
                {
                    _failures[task.Id] = failed + 1;
                    Trace($"  service {task.ElementId}: fails ({failed + 1}{(spec.Times is { } t ? $" of {t}" : "")}) at {Time(_clock.Now)}");
                    Command($"service {task.ElementId}: fail", () => _engine.FailExternalTask(task.Id, message));
                    return;
                }
            }
            Trace($"  service {task.ElementId}: completes" + (spec.Variables.Count > 0 ? $" with {Json.Text(spec.Variables)}" : ""));
            Command($"service {task.ElementId}: complete", () => _engine.CompleteExternalTask(task.Id, Copy(spec.Variables)));
        }

        private InstanceView Inspect() => Command("inspect the instance", () => _engine.Inspect(_root));

        private IReadOnlyList<string> WaitingNow()
        {
            try { return _engine.Inspect(_root).Waiting.Order(StringComparer.Ordinal).ToList(); }
            catch (Exception e) when (e is not OutOfMemoryException) { return ["?"]; }
        }

        /// <summary>Runs an engine call; an engine error becomes a failure of the stage with the engine's message, never a stack trace.</summary>
        private static T Command<T>(string what, Func<T> call)
        {
            try { return call(); }
            catch (StageFailure) { throw; }
            catch (Exception e) when (e is not OutOfMemoryException) { throw new StageFailure($"{what} / {EngineError(e)}"); }
        }

        private static void Command(string what, Action call) => Command(what, () => { call(); return 0; });

        private static string EngineError(Exception e) =>
            e is ScenarioEngineException ? e.Message : $"engine error: {e.GetType().Name}: {e.Message}";

        private void DumpState()
        {
            try
            {
                var view = _engine.Inspect(_root);
                Trace($"state: {ExpectationCheck.Name(ExpectationCheck.StateOf(view))} at {Time(_clock.Now)}");
                Trace($"waiting: {Json.List(view.Waiting)}");
                Trace($"completed: {Json.List(view.Completed)}");
                Trace($"variables: {Json.Text(view.Variables)}");
                Trace($"incidents: {ExpectationCheck.Incidents(view)}");
                var tasks = _engine.OpenTasks(_root);
                Trace($"open tasks: {Json.List(tasks.Select(t => $"{t.ElementId} ({t.Kind.ToString().ToLowerInvariant()})"))}");
                var external = _engine.ExternalTasks();
                Trace($"external tasks: {Json.List(external.Select(t => $"{t.ElementId} (topic {t.Topic ?? "-"}, retries {t.Retries?.ToString() ?? "-"}, available {(t.AvailableAt is { } a ? Time(a) : "now")})"))}");
                if (_engine.NextDueTime() is { } due) Trace($"next due: {Time(due)}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Trace($"state could not be read: {e.GetType().Name}: {e.Message}");
            }
        }

        private string Time(Instant instant) => OffsetDateTimePattern.ExtendedIso.Format(instant.InZone(scenario.Zone).ToOffsetDateTime());

        private void Trace(string line)
        {
            TraceActivities();
            _trace.Add(line);
        }

        /// <summary>What the engine's custom activities did since the last line (-v shows each outcome).</summary>
        private void TraceActivities()
        {
            if (_created is null) return;
            foreach (var l in _created.TakeActivityLog()) _trace.Add("  " + l);
        }

        private static JsonObject Copy(JsonObject variables) => (JsonObject)variables.DeepClone();
    }
}

/// <summary>File names as reports show them: relative to the current directory, with forward slashes.</summary>
public static class Paths
{
    public static string Display(string fullPath)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), fullPath);
        return relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}
