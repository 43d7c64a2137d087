using EGov.Workflows.Model;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Runtime.Graph;

/// <summary>
/// What a node keeps of its model element after deployment: a detached copy with the attributes and the semantic
/// children execution reads (event definitions, loop characteristics, scripts, conditions, data items), without
/// its parent. The original links up to the file's definitions, so keeping it kept the whole file — diagram,
/// documentation, lanes — about 200 KB of objects per 45 KB file for as long as the version stays deployed.
/// </summary>
internal static class ExecutableElement
{
    /// <summary>
    /// Leaves out what execution never reads from the element: documentation, extension elements (read into
    /// <see cref="Extensions"/> when the graph is built), incoming/outgoing references (the graph's transitions),
    /// a subprocess's own flow elements, lanes and artifacts (their nodes are copied on their own), and comments.
    /// An eventDefinitionRef is replaced by the definition it names, so <see cref="Event.Definition"/> finds it
    /// without the definitions.
    /// </summary>
    public static T Of<T>(T element, Definitions definitions) where T : BpmnElement =>
        (T)ElementCopy.Detached(element, node => node switch
        {
            XmlComment or Documentation or ExtensionElements or FlowElement or LaneSet or Artifact => null,
            GenericBpmnElement g when g.Name.Namespace == Namespaces.Bpmn && g.Name.LocalName is "incoming" or "outgoing" => null,
            GenericBpmnElement g when g.Name.Namespace == Namespaces.Bpmn && g.Name.LocalName == "eventDefinitionRef" =>
                definitions.Find<EventDefinition>(QNames.LocalPart(g.Text)),
            _ => node,
        });
}
