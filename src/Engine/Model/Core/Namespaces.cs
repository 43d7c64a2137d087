using System.Xml.Linq;

namespace EGov.Workflows.Model;

/// <summary>The namespaces the model understands; everything else is kept verbatim as foreign XML.</summary>
public static class Namespaces
{
    public static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    public static readonly XNamespace BpmnDi = "http://www.omg.org/spec/BPMN/20100524/DI";
    public static readonly XNamespace Dc = "http://www.omg.org/spec/DD/20100524/DC";
    public static readonly XNamespace Di = "http://www.omg.org/spec/DD/20100524/DI";
    public static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public static readonly XNamespace Camunda = "http://camunda.org/schema/1.0/bpmn";
    /// <summary>Our own extension namespace (see docs/egov-moddle.json).</summary>
    public static readonly XNamespace Egov = "https://egov-workflows.de/schema/bpmn/1.0";

    /// <summary>True for the BPMN semantic namespace and the diagram-interchange namespaces.</summary>
    public static bool IsModelNamespace(XNamespace ns) => ns == Bpmn || ns == BpmnDi || ns == Dc || ns == Di;
}
