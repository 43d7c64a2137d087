using System.Text.Json.Nodes;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Runtime;
using NodaTime;
using NodaTime.Testing;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>An engine on a fake clock with helpers that read like the scenario steps.</summary>
internal sealed class Harness
{
    public const string Head = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0"
          id="Defs" targetNamespace="http://example.org/test">
        """;

    public FakeClock Clock { get; } = new(Instant.FromUtc(2026, 1, 5, 8, 0));
    public WorkflowEngine Engine { get; }
    public string? Instance { get; private set; }

    public Harness(Action<WorkflowEngineBuilder>? configure = null)
    {
        var b = new WorkflowEngineBuilder().UseClock(Clock);
        configure?.Invoke(b);
        Engine = b.Build();
    }

    /// <summary>Wraps process XML (the elements inside &lt;definitions&gt;) and deploys it.</summary>
    public Harness Deploy(string body, string file = "test.bpmn")
    {
        var read = new BpmnReader().ReadString(Head + body + "</definitions>", file);
        read.Definitions.ShouldNotBeNull(string.Join("\n", read.Diagnostics));
        Engine.Deploy(file, read.Definitions);
        return this;
    }

    /// <summary>Deploys a process of the given flow elements, id "P".</summary>
    public Harness Process(string elements, string extra = "") => Deploy($"""<process id="P" isExecutable="true">{elements}</process>{extra}""");

    public Harness Start(object? variables = null, string process = "P", string? businessKey = null)
    {
        Instance = Engine.StartProcess(process, Vars(variables), businessKey);
        return this;
    }

    public static JsonObject? Vars(object? variables) => variables switch
    {
        null => null,
        JsonObject o => o,
        string s => JsonNode.Parse(s)!.AsObject(),
        _ => JsonVariables(variables),
    };

    private static JsonObject JsonVariables(object o) => System.Text.Json.JsonSerializer.SerializeToNode(o)!.AsObject();

    public ProcessInstanceView View => Engine.GetInstance(Instance!);
    public IReadOnlyList<string> Waiting => View.Waiting.Order(StringComparer.Ordinal).ToList();
    public InstanceState State => View.State;
    public JsonObject Variables => View.Variables;
    public int Count(string elementId) => View.CompletedCount(elementId);

    public Harness Complete(string elementId, object? variables = null)
    {
        var task = Engine.OpenUserTasks(Instance).FirstOrDefault(t => t.ElementId == elementId);
        if (task is not null) { Engine.CompleteUserTask(task.Id, Vars(variables)); return this; }
        var ext = Engine.OpenExternalTasks(Instance).FirstOrDefault(t => t.ElementId == elementId);
        if (ext is not null) { Engine.CompleteExternalTask(ext.Id, Vars(variables)); return this; }
        Engine.TriggerWaiting(Instance!, elementId, Vars(variables)).ShouldBeTrue($"nothing waits at {elementId}");
        return this;
    }

    public Harness Advance(string isoDuration)
    {
        var target = Time.TimerSchedule.Parse(Time.TimerKind.Duration, isoDuration, Engine.Options.Zone).FirstDue(Clock.GetCurrentInstant())!.Value;
        while (Engine.NextDueTime() is { } due && due <= target)
        {
            if (due > Clock.GetCurrentInstant()) Clock.Reset(due);
            Engine.RunDueJobs();
        }
        Clock.Reset(target);
        Engine.RunDueJobs();
        return this;
    }

    public Harness Message(string name, object? variables = null, string? key = null)
    {
        Engine.CorrelateMessage(name, key, Vars(variables)).ShouldBeGreaterThan(0, $"nobody waits for message {name}");
        return this;
    }

    public Harness Signal(string name, object? variables = null)
    {
        Engine.BroadcastSignal(name, Vars(variables));
        return this;
    }

    public void ShouldWaitAt(params string[] ids) => Waiting.ShouldBe(ids.Order(StringComparer.Ordinal).ToList());
}
