using EGov.Workflows.Model;
using EGov.Workflows.Runtime.Behaviours;

namespace EGov.Workflows.Runtime.Graph;

/// <summary>
/// The executable graph of one deployed process definition, built once at deployment: nodes with their behaviour,
/// transitions with their conditions, scopes (process, subprocesses, event subprocesses) and attached boundary events.
/// Knows nothing of XML or stores; each node keeps a detached copy of its model element (see
/// <see cref="ExecutableElement"/>) to read its attributes, never the file's model: a deployed version must not keep
/// the diagram and documentation of its file alive.
/// </summary>
internal sealed class ProcessGraph
{
    public required string ProcessId { get; init; }
    public required int Version { get; init; }
    public required string File { get; init; }
    /// <summary>The process's name attribute (null when it has none).</summary>
    public string? ProcessName { get; init; }
    public required ScopeDef Root { get; init; }
    public Dictionary<string, Node> Nodes { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ScopeDef> Scopes { get; } = new(StringComparer.Ordinal);
    public IReadOnlyDictionary<string, string> Properties { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
    /// <summary><c>egov:uniqueBusinessKey="true"</c>: one instance per business key.</summary>
    public bool UniqueBusinessKey { get; init; }
    /// <summary><c>egov:validFrom</c>: the first application date this version handles (null: since ever).</summary>
    public NodaTime.LocalDate? ValidFrom { get; init; }
    /// <summary><c>egov:validTo</c>: the last application date this version handles (null: until the next version begins).</summary>
    public NodaTime.LocalDate? ValidTo { get; init; }
    /// <summary><c>egov:legalBasis</c>: the legal basis this version applies.</summary>
    public string? LegalBasis { get; init; }
    /// <summary><c>egov:frist</c> on the process: the case's Frist (null: none in the model; the service's Bearbeitungsfrist may apply).</summary>
    public FristDef? Frist { get; set; }
    /// <summary>
    /// Which model text the version was built from, as the one who deployed it names it (a durable store's content hash);
    /// null when not named. Several nodes over one store compare it: a version deleted and deployed again under the same
    /// number is another model.
    /// </summary>
    public string? Source { get; set; }

    /// <summary>
    /// The variable <c>camunda:initiator</c> names on a start event of the process level (as in Camunda 7, a property of
    /// the definition), read once: every start asks for it.
    /// </summary>
    public string? Initiator => (_initiator ??= new System.Runtime.CompilerServices.StrongBox<string?>(
        Root.Nodes.Where(n => n.Kind == NodeKind.StartEvent).Select(n => n.Element.CamundaAttribute("initiator")).FirstOrDefault(a => a is { Length: > 0 }))).Value;
    private System.Runtime.CompilerServices.StrongBox<string?>? _initiator; // one reference: threads racing see none or a whole one

    public Node Node(string id) => Nodes.TryGetValue(id, out var n) ? n : throw new InvalidOperationException($"element '{id}' is not part of process '{ProcessId}'");
}

/// <summary>A scope of the graph: the process, an embedded/transaction/ad-hoc subprocess, or an event subprocess.</summary>
internal sealed class ScopeDef
{
    public required string Id { get; init; }
    /// <summary>The node of the subprocess (null for the process).</summary>
    public Node? Node { get; init; }
    public ScopeDef? Parent { get; init; }
    public List<Node> Nodes { get; } = [];
    /// <summary>The none start events (or the single start event of an event subprocess).</summary>
    public List<Node> StartEvents { get; } = [];
    public List<Node> EventSubProcesses { get; } = [];
    /// <summary>
    /// The event subprocess with a compensation start event (only in a subprocess, at most one): it runs, in the
    /// subprocess's restored scope, when the completed subprocess is compensated (BPMN 2.0 §10.5.6).
    /// </summary>
    public Node? CompensationEventSubProcess => EventSubProcesses.Find(e => e.Trigger == Trigger.Compensation);
}

internal enum NodeKind
{
    StartEvent, EndEvent, IntermediateCatch, IntermediateThrow, BoundaryEvent,
    Task, UserTask, ManualTask, ScriptTask, ServiceTask, SendTask, ReceiveTask, BusinessRuleTask,
    ExclusiveGateway, ParallelGateway, InclusiveGateway, EventBasedGateway, ComplexGateway,
    SubProcess, EventSubProcess, Transaction, AdHocSubProcess, CallActivity,
}

/// <summary>What an event catches or throws.</summary>
internal enum Trigger { None, Message, Timer, Signal, Conditional, Error, Escalation, Compensation, Cancel, Terminate, Link }

internal sealed class Node
{
    public required string Id { get; init; }
    /// <summary>A detached copy of the model element (no parent, no documentation or extension elements): its attributes and semantic children.</summary>
    public required FlowNode Element { get; init; }
    public required NodeKind Kind { get; init; }
    public required ScopeDef Scope { get; init; }
    public IBehaviour Behaviour { get; set; } = null!;
    public List<Transition> Outgoing { get; } = [];
    public List<Transition> Incoming { get; } = [];
    public string? DefaultFlowId { get; set; }
    public List<Node> Boundaries { get; } = [];
    public Node? AttachedTo { get; set; }
    /// <summary>For subprocesses (embedded, event, transaction, ad-hoc): the inner scope.</summary>
    public ScopeDef? Inner { get; set; }
    public MultiInstanceLoopCharacteristics? MultiInstance { get; set; }
    public StandardLoopCharacteristics? Loop { get; set; }
    public bool AsyncBefore { get; set; }
    public bool AsyncAfter { get; set; }
    public Trigger Trigger { get; set; }
    /// <summary>Message name, signal name, error code, escalation code, link name (null = catch-all for errors/escalations).</summary>
    public string? EventName { get; set; }
    public TimerEventDefinition? Timer { get; set; }
    /// <summary><c>egov:frist</c>: a user task's due date, a receive task's Frist, or a Frist timer (fires when the Frist has passed).</summary>
    public FristDef? Frist { get; set; }
    /// <summary><c>egov:fristHemmung="true"</c>: while a token waits here, the instance's Fristen stand still.</summary>
    public bool Hemmung { get; set; }
    public string? Condition { get; set; }
    public bool Interrupting { get; set; } = true;
    /// <summary>For a compensation throw: the activity to compensate (null = the whole scope).</summary>
    public string? CompensateActivityRef { get; set; }
    /// <summary>For an activity with a compensation boundary event: the handler activity.</summary>
    public Node? CompensationHandler { get; set; }
    public bool IsForCompensation { get; set; }
    /// <summary>A script task in a language we do not run (groovy, …): it waits as an unbound task a scenario or worker must serve.</summary>
    public bool ForeignScript { get; set; }
    public Extensions Ext { get; set; } = Extensions.Empty;
    /// <summary>Where the implementation attributes stand: the element, or for message throw events their messageEventDefinition (Camunda).</summary>
    public BpmnElement Impl => Element is Event ev && ev.Definition is MessageEventDefinition md
        && (md.CamundaAttribute("type") is not null || md.CamundaAttribute("class") is not null || md.CamundaAttribute("expression") is not null
            || md.Attribute(Namespaces.Egov + "activity") is not null) ? md : Element;
    /// <summary>camunda:taskListener scripts of a user task, by event (create, complete, …).</summary>
    public IReadOnlyList<Listener> TaskListeners { get; set; } = [];
    /// <summary>Elements not recorded in history (link events, as in Camunda).</summary>
    public bool NotRecorded => Trigger == Trigger.Link && Kind is NodeKind.IntermediateCatch or NodeKind.IntermediateThrow;
    public bool IsActivity => Kind is NodeKind.Task or NodeKind.UserTask or NodeKind.ManualTask or NodeKind.ScriptTask or NodeKind.ServiceTask
        or NodeKind.SendTask or NodeKind.ReceiveTask or NodeKind.BusinessRuleTask or NodeKind.SubProcess or NodeKind.Transaction
        or NodeKind.AdHocSubProcess or NodeKind.CallActivity or NodeKind.EventSubProcess;
    public string TypeName => _typeName ??= char.ToLowerInvariant(Element.Name.LocalName[0]) + Element.Name.LocalName[1..];
    private string? _typeName;
    /// <summary>The element's name attribute (read once: history records it for every element instance).</summary>
    public string? Name => (_name ??= new System.Runtime.CompilerServices.StrongBox<string?>(Element.ElementName)).Value;
    private System.Runtime.CompilerServices.StrongBox<string?>? _name; // one reference: threads racing see none or a whole one
    /// <summary>
    /// What the node's behaviour read once from its attributes (a service task's binding), so that no token pays for
    /// attribute lookups again. Set lazily by the behaviour; two threads racing compute the same value.
    /// </summary>
    public object? BehaviourData { get; set; }
    public override string ToString() => $"{Kind} {Id}";
}

internal sealed class Transition
{
    public required string Id { get; init; }
    public required Node Source { get; init; }
    public required Node Target { get; init; }
    /// <summary>The condition text as written (plain or ${...}); null = unconditional.</summary>
    public string? Condition { get; init; }
    public bool IsDefault { get; set; }
    /// <summary>Execution listeners on "take" (nearly always none: the shared empty list).</summary>
    public IReadOnlyList<Listener> TakeListeners { get; init; } = [];
}
