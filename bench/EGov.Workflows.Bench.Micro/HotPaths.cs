using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Expressions;
using EGov.Workflows.Model;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Bench.Micro;

/// <summary>Reading a model of about 200 flow elements (start, 98 service tasks, 100 sequence flows, end) from bytes.</summary>
[MemoryDiagnoser]
public class ReadModel
{
    private byte[] _bytes = [];
    private readonly BpmnReader _reader = new();

    [GlobalSetup]
    public void Setup() => _bytes = Encoding.UTF8.GetBytes(Xml.Chain("Large", 98));

    [Benchmark(Description = "read a 200-element model")]
    public Definitions? Read200() => _reader.ReadBytes(_bytes, "large.bpmn").Definitions;
}

/// <summary>A condition the evaluator has parsed before, on a reused evaluator (what a gateway pays per flow).</summary>
[MemoryDiagnoser]
public class CachedCondition
{
    private readonly ExpressionEvaluator _evaluator = new();
    private readonly Scope _a = new(new JsonObject { ["route"] = "a", ["amount"] = 120 });

    [GlobalSetup]
    public void Setup() => _evaluator.EvaluateCondition("${route == 'a'}", _a);

    [Benchmark(Description = "cached condition ${route == 'a'}")]
    public bool Condition() => _evaluator.EvaluateCondition("${route == 'a'}", _a);

    [Benchmark(Description = "cached condition ${amount > 100 && route != 'b'}")]
    public bool Compound() => _evaluator.EvaluateCondition("${amount > 100 && route != 'b'}", _a);

    private sealed class Scope(JsonObject vars) : IVariableScope
    {
        public bool TryGetVariable(string name, out JsonNode? value) => vars.TryGetPropertyValue(name, out value);
        public IEnumerable<string> VariableNames => vars.Select(kv => kv.Key);
    }
}

/// <summary>
/// Whole commands on the in-memory store: a start → end instance (the fixed cost of a command: load, run, commit),
/// start → 1 service task → end and start → 10 service tasks → end (W1). One execution step = (W1 − start→end) / 10.
/// </summary>
[MemoryDiagnoser]
public class ExecutionStep
{
    private WorkflowEngine _engine = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new WorkflowEngineBuilder().AddActivity<NoopActivity>().Build();
        var reader = new BpmnReader();
        foreach (var (id, tasks) in new[] { ("P0", 0), ("P1", 1), ("P10", 10) })
            _engine.Deploy($"{id}.bpmn", reader.ReadString(Xml.Chain(id, tasks), $"{id}.bpmn").Definitions!);
    }

    [Benchmark(Baseline = true, Description = "command: start → end")]
    public string StartEnd() => _engine.StartProcess("P0");

    [Benchmark(Description = "command: start → 1 service task → end")]
    public string OneStep() => _engine.StartProcess("P1");

    [Benchmark(Description = "command: start → 10 service tasks → end (W1)")]
    public string TenSteps() => _engine.StartProcess("P10");
}

/// <summary>The instance document of a W3 instance waiting at its user task: serialize, deserialize, clone (RuntimeJson).</summary>
[MemoryDiagnoser]
public class StateSerialization
{
    private ProcessInstanceState _state = null!;
    private string _json = "";

    [GlobalSetup]
    public void Setup()
    {
        var engine = new WorkflowEngineBuilder().Build();
        var xml = Xml.Head("W3") + """
              <process id="W3" isExecutable="true">
                <startEvent id="start" /><userTask id="review" name="Review" /><endEvent id="end" />
                <sequenceFlow id="f1" sourceRef="start" targetRef="review" /><sequenceFlow id="f2" sourceRef="review" targetRef="end" />
              </process>
            </definitions>
            """;
        engine.Deploy("w3.bpmn", new BpmnReader().ReadString(xml, "w3.bpmn").Definitions!);
        var id = engine.StartProcess("W3", new JsonObject { ["applicant"] = "Erika Mustermann", ["amount"] = 120, ["route"] = "a" });
        _state = engine.Store.Load(engine.Options.TenantId, id)!;
        _json = RuntimeJson.Serialize(_state);
    }

    [Benchmark(Description = "serialize a waiting instance's state")]
    public string Serialize() => RuntimeJson.Serialize(_state);

    [Benchmark(Description = "deserialize it")]
    public ProcessInstanceState Deserialize() => RuntimeJson.Deserialize<ProcessInstanceState>(_json);

    [Benchmark(Description = "clone it (what the in-memory store does per load and commit)")]
    public ProcessInstanceState Clone() => RuntimeJson.Clone(_state);
}

/// <summary>
/// WorkflowEngine.RunDueJobs over N instances whose timers are all due, on the in-memory store: one FindDueWork(…, 1)
/// per job over every instance the store holds. Time per fired timer growing with N shows a scan per job.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class DueTimers
{
    private WorkflowEngine _engine = null!;
    private ManualClock _clock = null!;

    [Params(500, 1000, 2000)]
    public int N { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _clock = new ManualClock();
        _engine = new WorkflowEngineBuilder().UseClock(_clock).Build();
        var xml = Xml.Head("W4") + """
              <process id="W4" isExecutable="true">
                <startEvent id="start" />
                <intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
                <endEvent id="end" />
                <sequenceFlow id="f1" sourceRef="start" targetRef="wait" /><sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
              </process>
            </definitions>
            """;
        _engine.Deploy("w4.bpmn", new BpmnReader().ReadString(xml, "w4.bpmn").Definitions!);
        for (var i = 0; i < N; i++) _engine.StartProcess("W4");
        _clock.Now += NodaTime.Duration.FromHours(2);
    }

    [Benchmark(Description = "RunDueJobs: fire N due timers")]
    public int Fire() => _engine.RunDueJobs();

    private sealed class ManualClock : NodaTime.IClock
    {
        public NodaTime.Instant Now { get; set; } = NodaTime.Instant.FromUtc(2026, 1, 5, 8, 0);
        public NodaTime.Instant GetCurrentInstant() => Now;
    }
}

[Activity("bench-noop")]
public sealed class NoopActivity : WorkflowActivity
{
    private static readonly Task<ActivityResult> Done = Task.FromResult(ActivityResult.Complete());

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context) => Done;
}

internal static class Xml
{
    public static string Head(string id) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0"
          id="Defs_{id}" targetNamespace="https://egov-workflows.de/bench">

        """;

    /// <summary>start → <paramref name="tasks"/> service tasks bound to bench-noop → end: 2·tasks + 3 flow elements.</summary>
    public static string Chain(string id, int tasks)
    {
        var b = new StringBuilder(Head(id));
        b.Append($"  <process id=\"{id}\" isExecutable=\"true\">\n    <startEvent id=\"start\" />\n");
        var prev = "start";
        for (var i = 1; i <= tasks; i++)
        {
            b.Append($"    <serviceTask id=\"s{i}\" name=\"Step {i}\" egov:activity=\"bench-noop\" />\n");
            b.Append($"    <sequenceFlow id=\"f{i}\" sourceRef=\"{prev}\" targetRef=\"s{i}\" />\n");
            prev = $"s{i}";
        }
        b.Append($"    <endEvent id=\"end\" />\n    <sequenceFlow id=\"f_end\" sourceRef=\"{prev}\" targetRef=\"end\" />\n  </process>\n</definitions>\n");
        return b.ToString();
    }
}
