using EGov.Workflows.Bpmn.Reading;

namespace EGov.Workflows.Bpmn.Tests.Support;

/// <summary>Small inline models: a process body wrapped in definitions with the usual namespaces.</summary>
public static class Models
{
    public const string Header =
        """<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0" id="Defs" targetNamespace="http://example.org/test">""";

    /// <summary>Definitions holding <paramref name="body"/> verbatim (root elements: processes, messages, diagrams).</summary>
    public static string Definitions(string body) => $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{Header}\n{body}\n</definitions>";

    /// <summary>An executable process holding <paramref name="body"/>, plus optional further root elements.</summary>
    public static string Process(string body, string roots = "", bool executable = true) =>
        Definitions($"<process id=\"P\" isExecutable=\"{(executable ? "true" : "false")}\">\n{body}\n</process>\n{roots}");

    public static BpmnReadResult Read(string xml) => new BpmnReader().ReadString(xml, "test.bpmn");

    /// <summary>The messages of all diagnostics, for readable assertion failures.</summary>
    public static string Messages(this BpmnReadResult r) => string.Join("\n", r.Diagnostics.Select(d => d.ToString()));
}
