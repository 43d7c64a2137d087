using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Model;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using NodaTime;
using NodaTime.Testing;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>Small BPMN models for the store tests, and engines over a store.</summary>
public static class Models
{
    public static readonly Instant Start = Instant.FromUtc(2026, 3, 2, 8, 0);

    internal const string Head = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                     xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs" targetNamespace="http://example.org/egov-persistence">
        """;

    /// <summary>Antrag: a user task "Pruefen", then a one-hour timer, then the end.</summary>
    public static string Antrag(string taskName = "Pruefen", string ttl = "") => Head + $"""
          <process id="Antrag" isExecutable="true"{(ttl.Length > 0 ? $" camunda:historyTimeToLive=\"{ttl}\"" : "")}>
            <startEvent id="Start" />
            <userTask id="Pruefen" name="{taskName}" />
            <intermediateCatchEvent id="Warten"><timerEventDefinition><timeDuration xsi:type="tFormalExpression">PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
            <endEvent id="Ende" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Pruefen" />
            <sequenceFlow id="f2" sourceRef="Pruefen" targetRef="Warten" />
            <sequenceFlow id="f3" sourceRef="Warten" targetRef="Ende" />
          </process>
        </definitions>
        """;

    /// <summary>Bescheid: straight through to the end (ends at once).</summary>
    public static string Bescheid(string ttl = "") => Head + $"""
          <process id="Bescheid" isExecutable="true"{(ttl.Length > 0 ? $" camunda:historyTimeToLive=\"{ttl}\"" : "")}>
            <startEvent id="Start" />
            <endEvent id="Ende" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Ende" />
          </process>
        </definitions>
        """;

    /// <summary>Frist: waits at a timer of <paramref name="duration"/>, then ends.</summary>
    public static string Frist(string duration = "PT1H") => Head + $"""
          <process id="Frist" isExecutable="true">
            <startEvent id="Start" />
            <intermediateCatchEvent id="Warten"><timerEventDefinition><timeDuration xsi:type="tFormalExpression">{duration}</timeDuration></timerEventDefinition></intermediateCatchEvent>
            <endEvent id="Ende" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Warten" />
            <sequenceFlow id="f2" sourceRef="Warten" targetRef="Ende" />
          </process>
        </definitions>
        """;

    public static Definitions Read(string xml)
    {
        var result = new BpmnReader().ReadString(xml, "model.bpmn");
        if (result.HasErrors) throw new InvalidOperationException(string.Join("\n", result.Errors.Select(e => e.ToString())));
        return result.Definitions!;
    }

    public static WorkflowEngine Engine(IRuntimeStore store, IClock clock, string tenant = "default") =>
        new(new WorkflowEngineOptions { Store = store, Clock = clock, TenantId = tenant });

    public static FakeClock Clock() => new(Start);

    /// <summary>An engine with <paramref name="xml"/> deployed.</summary>
    public static WorkflowEngine Deployed(IRuntimeStore store, IClock clock, string xml, string tenant = "default")
    {
        var e = Engine(store, clock, tenant);
        e.Deploy("model.bpmn", Read(xml));
        return e;
    }
}
