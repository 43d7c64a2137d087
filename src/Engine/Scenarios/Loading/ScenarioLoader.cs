using System.Text.Json.Nodes;
using EGov.Workflows.Scenarios.Model;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Scenarios.Loading;

/// <summary>The result of reading one scenario file: the scenario, or where and why it could not be read.</summary>
public sealed record LoadResult(string File, Scenario? Scenario, string? Name, TextPosition? ErrorAt, string? Error)
{
    public bool Ok => Scenario is not null;

    /// <summary>The error as <c>file:line:col: message</c>.</summary>
    public string ErrorText => $"{File}:{ErrorAt ?? new TextPosition(1, 1)}: {Error}";
}

/// <summary>Reads scenario files strictly: every key of spec/scenarios.md with its type; an unknown or ill-typed key is an error
/// with its position, so a typo never passes silently.</summary>
public static class ScenarioLoader
{
    private static readonly string[] TopKeys = ["name", "deploy", "process", "clock", "timezone", "land", "start", "services", "steps"];
    private static readonly string[] StartKeys = ["variables", "message", "businessKey", "user"];
    private static readonly string[] ServiceKeys = ["variables", "error", "fail", "times"];
    private static readonly string[] ExpectKeys = ["state", "waiting", "completed", "notCompleted", "counts", "variables", "incidents", "version", "legalBasis", "fristen", "due"];
    private static readonly string[] StepActions = ["complete", "message", "signal", "advance", "expect", "start", "case", "verlaengern"];

    /// <summary>Reads a file. <paramref name="displayPath"/> is how the file is named in messages.</summary>
    public static LoadResult LoadFile(string path, string? displayPath = null)
    {
        displayPath ??= path;
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new LoadResult(displayPath, null, null, new TextPosition(1, 1), "cannot read the file: " + e.Message);
        }
        return Load(text, displayPath, Path.GetFullPath(path));
    }

    /// <summary>Reads scenario text; <paramref name="fullPath"/> anchors the deploy paths.</summary>
    public static LoadResult Load(string text, string displayPath, string fullPath)
    {
        string? name = null;
        try
        {
            var root = YamlTree.Parse(text) ?? throw new ScenarioFormatException(new TextPosition(1, 1), "the file is empty; expected a scenario (name, deploy, steps)");
            var map = root as YMap ?? throw new ScenarioFormatException(root.At, "expected a mapping with name, deploy, steps");
            name = TryName(map);
            return new LoadResult(displayPath, Read(map, displayPath, fullPath), name, null, null);
        }
        catch (ScenarioFormatException e)
        {
            return new LoadResult(displayPath, null, name, e.At, e.Message);
        }
    }

    private static string? TryName(YMap map) =>
        map.Entries.FirstOrDefault(e => e.Key.Value == "name").Value is YScalar { IsNull: false } s ? s.Value : null;

    private static Scenario Read(YMap map, string displayPath, string fullPath)
    {
        CheckKeys(map, TopKeys, "scenario");
        var name = OptionalString(map, "name") ?? Path.GetFileName(fullPath);
        var deployNode = Get(map, "deploy") ?? throw new ScenarioFormatException(map.At, "missing 'deploy': the models to deploy, e.g. deploy: [model.bpmn]");
        var deploy = deployNode switch
        {
            YScalar s when !s.IsNull => [new DeployEntry(s.Value, s.At)],
            YSeq seq => seq.Items.Select(i => new DeployEntry(Text(i, "a model file name"), i.At)).ToList(),
            _ => throw new ScenarioFormatException(deployNode.At, "'deploy' must be a list of model files, e.g. [model.bpmn]"),
        };
        if (deploy.Count == 0) throw new ScenarioFormatException(deployNode.At, "'deploy' names no model");

        var zoneNode = Get(map, "timezone");
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(Scenario.DefaultZone)!;
        if (zoneNode is not null)
        {
            var id = Text(zoneNode, "a time zone id such as Europe/Berlin");
            zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(id) ?? throw new ScenarioFormatException(zoneNode.At, $"unknown time zone '{id}'; expected an IANA id such as Europe/Berlin");
        }
        var land = Time.Bundesland.HE;
        if (Get(map, "land") is { } landNode && !Time.Bundeslaender.TryParse(Text(landNode, "a Land such as HE or BY"), out land))
            throw new ScenarioFormatException(landNode.At, $"unknown Land '{((YScalar)landNode).Value}'; expected one of {Time.Bundeslaender.Codes}");
        var clockNode = Get(map, "clock");
        var clock = clockNode is null ? Scenario.DefaultClock : ParseClock(clockNode, zone);

        var start = Get(map, "start") is { } startNode ? ReadStart(startNode) : StartSpec.Empty;
        var services = Get(map, "services") is { } servicesNode ? ReadServices(servicesNode) : [];
        var steps = new List<Step>();
        if (Get(map, "steps") is { } stepsNode)
        {
            if (stepsNode is YScalar { IsNull: true }) { }
            else if (stepsNode is not YSeq seq) throw new ScenarioFormatException(stepsNode.At, "'steps' must be a list of steps (- complete: ..., - expect: ...)");
            else for (var i = 0; i < seq.Items.Count; i++) steps.Add(ReadStep(seq.Items[i], i + 1));
        }
        return new Scenario(displayPath, fullPath, name, deploy, OptionalString(map, "process"), clock, zone, start, services, steps) { Land = land };
    }

    private static Instant ParseClock(YNode node, DateTimeZone zone)
    {
        var text = Text(node, "a date and time such as 2026-03-02T09:00:00+01:00");
        var offset = OffsetDateTimePattern.ExtendedIso.Parse(text);
        if (offset.Success) return offset.Value.ToInstant();
        var local = LocalDateTimePattern.ExtendedIso.Parse(text);
        if (local.Success) return local.Value.InZoneLeniently(zone).ToInstant();
        var date = LocalDatePattern.Iso.Parse(text);
        if (date.Success) return date.Value.AtStartOfDayInZone(zone).ToInstant();
        if (text.EndsWith('Z') && InstantPattern.ExtendedIso.Parse(text) is { Success: true } utc) return utc.Value;
        throw new ScenarioFormatException(node.At, $"'{text}' is not a date and time; expected e.g. 2026-03-02T09:00:00+01:00");
    }

    private static StartSpec ReadStart(YNode node)
    {
        if (node is YScalar { IsNull: true }) return StartSpec.Empty;
        var map = node as YMap ?? throw new ScenarioFormatException(node.At, "'start' must be a mapping with variables, message, businessKey, user");
        CheckKeys(map, StartKeys, "start");
        return new StartSpec(Variables(map), OptionalString(map, "message"), OptionalString(map, "businessKey"), OptionalString(map, "user"));
    }

    private static List<ServiceSpec> ReadServices(YNode node)
    {
        if (node is YScalar { IsNull: true }) return [];
        var map = node as YMap ?? throw new ScenarioFormatException(node.At, "'services' must map element ids or topic:NAME to what the task does");
        var result = new List<ServiceSpec>();
        foreach (var (key, value) in map.Entries)
        {
            if (key.Value.Length == 0 || key.Value == ServiceSpec.TopicPrefix)
                throw new ScenarioFormatException(key.At, "a service is keyed by an element id or topic:NAME");
            var spec = value as YMap ?? throw new ScenarioFormatException(value.At, $"service '{key.Value}' must be a mapping: {{ variables: {{...}} }}, {{ error: CODE }} or {{ fail: MESSAGE, times: N }}");
            CheckKeys(spec, ServiceKeys, $"service '{key.Value}'");
            var error = OptionalString(spec, "error");
            var fail = OptionalString(spec, "fail");
            int? times = null;
            if (Get(spec, "times") is { } timesNode)
            {
                times = Integer(timesNode, "'times' (how often the service fails before it succeeds)");
                if (times < 0) throw new ScenarioFormatException(timesNode.At, "'times' must be 0 or more");
                if (fail is null) throw new ScenarioFormatException(timesNode.At, "'times' goes with 'fail': how often the service fails before it succeeds");
            }
            if (error is not null && fail is not null)
                throw new ScenarioFormatException(spec.At, $"service '{key.Value}' has both 'error' and 'fail'; choose one");
            result.Add(new ServiceSpec(key.Value, Variables(spec), error, fail, times, key.At));
        }
        return result;
    }

    private static Step ReadStep(YNode node, int number)
    {
        var map = node as YMap ?? throw new ScenarioFormatException(node.At, $"step {number} must be a mapping such as complete: TASK, message: NAME, signal: NAME, advance: P1D or expect: {{...}}");
        var actions = map.Entries.Where(e => StepActions.Contains(e.Key.Value)).ToList();
        if (actions.Count == 0)
        {
            var first = map.Entries.FirstOrDefault().Key;
            throw new ScenarioFormatException(first?.At ?? map.At,
                first is null ? $"step {number} is empty; expected one of {string.Join(", ", StepActions)}"
                    : $"unknown step '{first.Value}'; expected one of {string.Join(", ", StepActions)}");
        }
        if (actions.Count > 1) throw new ScenarioFormatException(actions[1].Key.At, $"one action per step: '{actions[0].Key.Value}' and '{actions[1].Key.Value}' need two steps");
        var (key, value) = actions[0];
        switch (key.Value)
        {
            case "complete":
                CheckKeys(map, ["complete", "variables", "user", "refused"], "a complete step");
                return new CompleteStep(number, map.At, Text(value, "the element id of a task"), Variables(map), OptionalString(map, "user"), OptionalString(map, "refused"));
            case "message":
                CheckKeys(map, ["message", "correlationKey", "variables"], "a message step");
                return new MessageStep(number, map.At, Text(value, "a BPMN message name"), OptionalString(map, "correlationKey"), Variables(map));
            case "signal":
                CheckKeys(map, ["signal", "variables"], "a signal step");
                return new SignalStep(number, map.At, Text(value, "a BPMN signal name"), Variables(map));
            case "advance":
                CheckKeys(map, ["advance"], "an advance step");
                var text = Text(value, "an ISO 8601 duration such as P3D or PT1H");
                var period = PeriodPattern.NormalizingIso.Parse(text);
                if (!period.Success) throw new ScenarioFormatException(value.At, $"'{text}' is not an ISO 8601 duration; expected e.g. P3D, PT1H30M, P1M");
                if (IsNegative(period.Value)) throw new ScenarioFormatException(value.At, $"'{text}' goes back in time; the clock only moves forward");
                return new AdvanceStep(number, map.At, text, period.Value);
            case "start":
                CheckKeys(map, ["start", "variables", "businessKey"], "a start step");
                var name = Text(value, "a name for the new case");
                if (name == "main") throw new ScenarioFormatException(value.At, "'main' is the case the scenario started first; name the new case otherwise");
                return new StartStep(number, map.At, name, Variables(map), OptionalString(map, "businessKey"));
            case "verlaengern":
            {
                // §42a (2) sentence 3 VwVfG: extend a Genehmigungsfiktion's Frist once, with a reason.
                CheckKeys(map, ["verlaengern", "um", "begruendung"], "a verlaengern step");
                var umNode = Get(map, "um") ?? throw new ScenarioFormatException(map.At, "a verlaengern step needs 'um': the extension, e.g. P1M");
                var umText = Text(umNode, "an ISO 8601 period such as P1M");
                var um = PeriodPattern.NormalizingIso.Parse(umText);
                if (!um.Success) throw new ScenarioFormatException(umNode.At, $"'{umText}' is not an ISO 8601 period; expected e.g. P1M or P2W");
                var grund = OptionalString(map, "begruendung") ?? throw new ScenarioFormatException(map.At, "a verlaengern step needs 'begruendung': why the difficulty of the matter justifies it");
                return new ExtendFristStep(number, map.At, Text(value, "the element id of the Fiktion's Frist timer"), um.Value, grund);
            }
            case "case":
                CheckKeys(map, ["case"], "a case step");
                return new CaseStep(number, map.At, Text(value, "the name of a case (main, or one a start step named)"));
            default:
                CheckKeys(map, ["expect"], "an expect step");
                return new ExpectStep(number, map.At, ReadExpectation(value));
        }
    }

    private static bool IsNegative(Period p) =>
        p.Years < 0 || p.Months < 0 || p.Weeks < 0 || p.Days < 0 || p.Hours < 0 || p.Minutes < 0 || p.Seconds < 0 || p.Milliseconds < 0 || p.Ticks < 0 || p.Nanoseconds < 0;

    private static Expectation ReadExpectation(YNode node)
    {
        var map = node as YMap ?? throw new ScenarioFormatException(node.At, "'expect' must be a mapping of " + string.Join(", ", ExpectKeys));
        CheckKeys(map, ExpectKeys, "expect");
        InstanceState? state = null;
        if (Get(map, "state") is { } stateNode)
        {
            state = Text(stateNode, "a state") switch
            {
                "running" => InstanceState.Running,
                "completed" => InstanceState.Completed,
                "terminated" => InstanceState.Terminated,
                "incident" => InstanceState.Incident,
                var other => throw new ScenarioFormatException(stateNode.At, $"unknown state '{other}'; expected running, completed, terminated or incident"),
            };
        }
        List<KeyValuePair<string, int>>? counts = null;
        if (Get(map, "counts") is { } countsNode)
        {
            var countsMap = countsNode as YMap ?? throw new ScenarioFormatException(countsNode.At, "'counts' must map element ids to numbers, e.g. { Task_A: 2 }");
            counts = countsMap.Entries.Select(e =>
            {
                var n = Integer(e.Value, $"a count for '{e.Key.Value}'");
                return n < 0 ? throw new ScenarioFormatException(e.Value.At, "a count is 0 or more") : new KeyValuePair<string, int>(e.Key.Value, n);
            }).ToList();
        }
        JsonObject? variables = null;
        if (Get(map, "variables") is { } variablesNode)
            variables = variablesNode as YMap is { } vm ? YamlValues.Object(vm) : throw new ScenarioFormatException(variablesNode.At, "'variables' must be a mapping of names to values");
        int? version = Get(map, "version") is { } versionNode ? Integer(versionNode, "a version number") : null;
        return new Expectation(state, IdList(map, "waiting"), IdList(map, "completed"), IdList(map, "notCompleted"), counts, variables, IdList(map, "incidents"))
        {
            Version = version,
            LegalBasis = OptionalString(map, "legalBasis"),
            Fristen = Days(map, "fristen"),
            Due = Days(map, "due"),
        };
    }

    /// <summary><c>{ Element: 2026-03-02 }</c> (or <c>none</c> for a due date): days by element id.</summary>
    private static List<KeyValuePair<string, string>>? Days(YMap map, string key)
    {
        var node = Get(map, key);
        if (node is null) return null;
        var days = node as YMap ?? throw new ScenarioFormatException(node.At, $"'{key}' must map element ids to days, e.g. {{ Task_A: 2026-03-02 }}");
        return days.Entries.Select(e =>
        {
            var text = Text(e.Value, $"a day (YYYY-MM-DD) for '{e.Key.Value}'");
            if (text != "none" && !LocalDatePattern.Iso.Parse(text).Success)
                throw new ScenarioFormatException(e.Value.At, $"'{text}' is not a day; expected YYYY-MM-DD{(key == "due" ? " or none" : "")}");
            return new KeyValuePair<string, string>(e.Key.Value, text);
        }).ToList();
    }

    private static List<string>? IdList(YMap map, string key)
    {
        var node = Get(map, key);
        if (node is null) return null;
        if (node is not YSeq seq) throw new ScenarioFormatException(node.At, $"'{key}' must be a list of element ids, e.g. [Task_A, Task_B]");
        return seq.Items.Select(i => Text(i, "an element id")).ToList();
    }

    private static JsonObject Variables(YMap map)
    {
        var node = Get(map, "variables");
        return node switch
        {
            null or YScalar { IsNull: true } => [],
            YMap vm => YamlValues.Object(vm),
            _ => throw new ScenarioFormatException(node.At, "'variables' must be a mapping of names to values, e.g. { amount: 120 }"),
        };
    }

    private static void CheckKeys(YMap map, string[] allowed, string where)
    {
        foreach (var key in map.Entries.Select(e => e.Key))
            if (!allowed.Contains(key.Value))
                throw new ScenarioFormatException(key.At, $"unknown key '{key.Value}' in {where}; expected one of {string.Join(", ", allowed)}");
    }

    private static YNode? Get(YMap map, string key) => map.Entries.FirstOrDefault(e => e.Key.Value == key).Value;

    private static string? OptionalString(YMap map, string key)
    {
        var node = Get(map, key);
        return node is null or YScalar { IsNull: true } ? null : Text(node, $"a text for '{key}'");
    }

    private static string Text(YNode node, string expected) => node switch
    {
        YScalar { IsNull: false } s => s.Value,
        _ => throw new ScenarioFormatException(node.At, $"expected {expected}, found {(node is YScalar ? "nothing" : node.Kind)}"),
    };

    private static int Integer(YNode node, string expected) =>
        node is YScalar { Plain: true } s && int.TryParse(s.Value, out var n)
            ? n
            : throw new ScenarioFormatException(node.At, $"expected a whole number for {expected}, found {(node is YScalar sc ? $"'{sc.Value}'" : node.Kind)}");
}
