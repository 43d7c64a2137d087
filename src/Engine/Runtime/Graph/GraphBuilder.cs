using EGov.Workflows.Model;
using EGov.Workflows.Runtime.Behaviours;

namespace EGov.Workflows.Runtime.Graph;

/// <summary>
/// Builds the executable graph of one process from the model, once per deployment. Anything the runtime cannot run
/// is collected as a positioned problem (the deployment is then refused) — never run as something else.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly string _file;
    private readonly Definitions _defs;
    private readonly List<string> _problems;
    private ProcessGraph _graph = null!;

    private readonly Time.TimerLimits? _timerLimits;
    private readonly Sdk.ActivityRegistry? _activities;

    /// <param name="timerLimits">Checks literal timer definitions at deployment (null: models loaded from the store, accepted before).</param>
    /// <param name="activities">Checks that every <c>egov:activity</c> names a registered activity (null: models loaded from the store, accepted before).</param>
    public GraphBuilder(string file, Definitions defs, List<string> problems, Time.TimerLimits? timerLimits, Sdk.ActivityRegistry? activities = null)
    {
        _file = file;
        _defs = defs;
        _problems = problems;
        _timerLimits = timerLimits;
        _activities = activities;
    }

    private void Problem(BpmnElement at, string message)
    {
        var p = at.Position.IsKnown ? $"{at.Position.Line}:{at.Position.Column}" : "1:1";
        _problems.Add($"{_file}:{p}: {message}");
    }

    /// <summary>
    /// A literal timer (no expression) is parsed at deployment against the limits, so a cycle of a millisecond or a cron
    /// that never fires is refused with its position instead of flooding or silently skipping at run time.
    /// </summary>
    private void CheckTimer(FlowNode ev, TimerEventDefinition t)
    {
        if (_timerLimits is null) return;
        var (kind, value) = t.TimeCycle is { } c ? (Time.TimerKind.Cycle, c) : t.TimeDuration is { } du ? (Time.TimerKind.Duration, du) : (Time.TimerKind.Date, t.TimeDate!);
        var text = value.Body;
        if (string.IsNullOrWhiteSpace(text) || text.Contains("${", StringComparison.Ordinal) || text.Contains("#{", StringComparison.Ordinal)) return;
        try
        {
            _ = Time.TimerSchedule.Parse(kind, text, NodaTime.DateTimeZone.Utc, _timerLimits);
        }
        catch (Time.TimerFormatException e)
        {
            Problem(value, $"timer event '{ev.Id}': {e.Message}");
        }
    }

    /// <summary>An ISO date attribute (YYYY-MM-DD); a bad one is a problem at the process.</summary>
    private NodaTime.LocalDate? Date(Process process, System.Xml.Linq.XName name)
    {
        if (process.Attribute(name) is not { } text) return null;
        var parsed = NodaTime.Text.LocalDatePattern.Iso.Parse(text.Trim());
        if (parsed.Success) return parsed.Value;
        Problem(process, $"error: egov:{name.LocalName} '{text}' is not a date (YYYY-MM-DD)");
        return null;
    }

    public ProcessGraph Build(Process process, int version)
    {
        var root = new ScopeDef { Id = process.Id ?? "" };
        var props = new List<string>();
        var ext = Extensions.Read(process, props);
        foreach (var m in props) Problem(process, m);
        _graph = new ProcessGraph
        {
            ProcessId = process.Id ?? "", Version = version, File = _file, ProcessName = process.ElementName, Root = root,
            Properties = ext.Properties,
            UniqueBusinessKey = string.Equals(process.Attribute(EgovAttributes.UniqueBusinessKey)?.Trim(), "true", StringComparison.OrdinalIgnoreCase),
            ValidFrom = Date(process, EgovAttributes.ValidFrom),
            ValidTo = Date(process, EgovAttributes.ValidTo),
            LegalBasis = process.Attribute(EgovAttributes.LegalBasis) is { Length: > 0 } basis ? basis.Trim() : null,
        };
        _graph.Frist = FristDef.Read(process, $"process '{process.Id}'", timer: false, m => Problem(process, m));
        if (process.Attribute(EgovAttributes.FristHemmung) is not null)
            Problem(process, $"error: egov:fristHemmung on process '{process.Id}': it belongs on the wait during which the Frist stands still (a user or receive task, a catch event, a subprocess)");
        if (_graph.ValidFrom is { } from && _graph.ValidTo is { } to && to < from)
            Problem(process, $"error: egov:validTo {to:yyyy-MM-dd} is before egov:validFrom {from:yyyy-MM-dd}");
        _graph.Scopes[root.Id] = root;
        BuildScope(root, process);
        return _graph;
    }

    private void BuildScope(ScopeDef scope, IFlowElementsContainer container)
    {
        var elements = container.FlowElements.ToList();
        foreach (var fn in elements.OfType<FlowNode>())
        {
            var node = CreateNode(fn, scope);
            if (node is null) continue;
            if (_activities is not null && fn.Attribute(EgovAttributes.Activity) is { Length: > 0 } activity && _activities.FindByName(activity) is null)
                Problem(fn, "error: " + Bpmn.Validation.Executable.ActivityBindingRules.UnknownActivity(fn, activity, _activities.Names));
            if (!_graph.Nodes.TryAdd(node.Id, node)) { Problem(fn, $"duplicate id '{node.Id}'"); continue; }
            scope.Nodes.Add(node);
        }
        foreach (var flow in elements.OfType<SequenceFlow>())
        {
            if (flow.SourceRef is null || flow.TargetRef is null
                || !_graph.Nodes.TryGetValue(flow.SourceRef, out var s) || !_graph.Nodes.TryGetValue(flow.TargetRef, out var t))
            {
                Problem(flow, $"sequence flow '{flow.Id}' does not connect two elements of this scope");
                continue;
            }
            var cond = flow.ConditionExpression is { IsEmpty: false } c ? c.Body : null;
            // A FEEL condition is marked as Camunda 8 writes it, with a leading "=": the evaluator hands it to FEEL.
            if (cond is not null && flow.ConditionExpression?.Language is { } feelLang && feelLang.Contains("feel", StringComparison.OrdinalIgnoreCase))
                cond = "=" + cond;
            else if (flow.ConditionExpression is { } ce && ce.Language is { } lang && !IsJavaScript(lang))
                Problem(ce, $"condition language '{lang}' is not supported: conditions are JavaScript (plain or ${{...}})");
            var le = new List<string>();
            var fext = Extensions.Read(flow, le);
            foreach (var m in le) Problem(flow, m);
            var take = fext.Listeners.Where(l => l.Event == "take").ToList();
            var tr = new Transition
            {
                Id = flow.Id ?? $"{s.Id}->{t.Id}#{s.Outgoing.Count}", Source = s, Target = t, Condition = cond,
                TakeListeners = take.Count == 0 ? [] : take,
            };
            s.Outgoing.Add(tr);
            t.Incoming.Add(tr);
        }
        foreach (var node in scope.Nodes)
        {
            if (node.DefaultFlowId is { } d)
            {
                var tr = node.Outgoing.FirstOrDefault(o => o.Id == d);
                if (tr is null) Problem(node.Element, $"default flow '{d}' is not an outgoing flow of '{node.Id}'");
                else tr.IsDefault = true;
            }
            if (node.Kind == NodeKind.BoundaryEvent)
            {
                var b = (BoundaryEvent)node.Element;
                if (b.AttachedToRef is { } a && _graph.Nodes.TryGetValue(a, out var host) && host.Scope == scope)
                {
                    node.AttachedTo = host;
                    host.Boundaries.Add(node);
                }
                else Problem(b, $"boundary event '{node.Id}' is not attached to an activity of the same scope");
            }
        }
        // Compensation handlers: association from a compensation boundary event to an isForCompensation activity.
        foreach (var assoc in container.Artifacts.OfType<Association>())
        {
            if (assoc.SourceRef is { } src && assoc.TargetRef is { } dst
                && _graph.Nodes.TryGetValue(src, out var be) && be.Kind == NodeKind.BoundaryEvent && be.Trigger == Trigger.Compensation
                && _graph.Nodes.TryGetValue(dst, out var handler))
            {
                if (be.AttachedTo is { } host) host.CompensationHandler = handler;
            }
        }
        foreach (var node in scope.Nodes)
        {
            if (node.Kind == NodeKind.StartEvent)
            {
                if (scope.Node?.Kind == NodeKind.EventSubProcess || node.Trigger == Trigger.None) scope.StartEvents.Add(node);
            }
            if (node.Kind == NodeKind.EventSubProcess)
            {
                if (node.Trigger == Trigger.Compensation && scope.CompensationEventSubProcess is not null)
                    Problem(node.Element, $"subprocess '{scope.Id}' has a second compensation event subprocess '{node.Id}': one runs when the subprocess is compensated");
                scope.EventSubProcesses.Add(node);
            }
            if (node.Kind == NodeKind.BoundaryEvent && node.Trigger == Trigger.Compensation && node.AttachedTo?.CompensationHandler is null)
                Problem(node.Element, $"compensation boundary event '{node.Id}' has no association to a compensation handler (an activity with isForCompensation=\"true\")");
            if (node.Kind == NodeKind.IntermediateThrow && node.Trigger == Trigger.Link
                && !scope.Nodes.Any(n => n.Kind == NodeKind.IntermediateCatch && n.Trigger == Trigger.Link && n.EventName == node.EventName))
                Problem(node.Element, $"link '{node.EventName}' has no catching link event in the same scope");
        }
        if (scope.Node is null && scope.StartEvents.Count == 0 && !scope.Nodes.Any(n => n.Kind == NodeKind.StartEvent))
            Problem((BpmnElement)container, $"process '{scope.Id}' has no start event");
    }

    private static bool IsJavaScript(string lang) =>
        lang.Contains("javascript", StringComparison.OrdinalIgnoreCase) || lang.Contains("ecmascript", StringComparison.OrdinalIgnoreCase)
        || lang.Contains("juel", StringComparison.OrdinalIgnoreCase) || lang.Contains("xpath", StringComparison.OrdinalIgnoreCase)
        || lang.Equals("js", StringComparison.OrdinalIgnoreCase) || lang.Contains("java.net/el", StringComparison.OrdinalIgnoreCase)
        || lang.Contains("FEEL", StringComparison.OrdinalIgnoreCase) == false && lang.StartsWith("http://www.omg.org", StringComparison.Ordinal);

    private Node? CreateNode(FlowNode fn, ScopeDef scope)
    {
        NodeKind kind;
        switch (fn)
        {
            case StartEvent: kind = NodeKind.StartEvent; break;
            case EndEvent: kind = NodeKind.EndEvent; break;
            case IntermediateCatchEvent: kind = NodeKind.IntermediateCatch; break;
            case IntermediateThrowEvent: kind = NodeKind.IntermediateThrow; break;
            case BoundaryEvent: kind = NodeKind.BoundaryEvent; break;
            case UserTask: kind = NodeKind.UserTask; break;
            case ManualTask: kind = NodeKind.ManualTask; break;
            case ScriptTask: kind = NodeKind.ScriptTask; break;
            case ServiceTask: kind = NodeKind.ServiceTask; break;
            case SendTask: kind = NodeKind.SendTask; break;
            case ReceiveTask: kind = NodeKind.ReceiveTask; break;
            case BusinessRuleTask: kind = NodeKind.BusinessRuleTask; break;
            case CallActivity: kind = NodeKind.CallActivity; break;
            case Transaction: kind = NodeKind.Transaction; break;
            case AdHocSubProcess: kind = NodeKind.AdHocSubProcess; break;
            case SubProcess sp: kind = sp.TriggeredByEvent ? NodeKind.EventSubProcess : NodeKind.SubProcess; break;
            case ExclusiveGateway: kind = NodeKind.ExclusiveGateway; break;
            case ParallelGateway: kind = NodeKind.ParallelGateway; break;
            case InclusiveGateway: kind = NodeKind.InclusiveGateway; break;
            case EventBasedGateway: kind = NodeKind.EventBasedGateway; break;
            case ComplexGateway: kind = NodeKind.ComplexGateway; break;
            case TaskElement: kind = NodeKind.Task; break;
            default:
                Problem(fn, $"{fn.Name.LocalName} '{fn.Id}' cannot be executed");
                return null;
        }
        if (string.IsNullOrEmpty(fn.Id)) { Problem(fn, $"{fn.Name.LocalName} without an id cannot be executed"); return null; }
        var problems = new List<string>();
        // The node keeps a detached copy: checks and messages below read the original, execution reads the copy.
        var element = ExecutableElement.Of(fn, _defs);
        var node = new Node { Id = fn.Id!, Element = element, Kind = kind, Scope = scope, Ext = Extensions.Read(fn, problems) };
        foreach (var m in problems) Problem(fn, m);
        if (element is Activity act)
        {
            node.DefaultFlowId = act.Default;
            node.AsyncBefore = act.AsyncBefore;
            node.AsyncAfter = act.AsyncAfter;
            node.IsForCompensation = act.IsForCompensation;
            switch (act.LoopCharacteristics)
            {
                case MultiInstanceLoopCharacteristics mi:
                    node.MultiInstance = mi;
                    if (mi.LoopCardinality is null && mi.CamundaCollection is null && mi.LoopDataInputRef is null)
                        Problem(mi, $"multi-instance '{fn.Id}' needs a loopCardinality, camunda:collection or loopDataInputRef");
                    break;
                case StandardLoopCharacteristics sl: node.Loop = sl; break;
            }
        }
        else if (fn is GatewayWithDefault gw) node.DefaultFlowId = gw.Default;
        if (fn is not Activity && fn is not StartEvent && fn is not BoundaryEvent)
        {
            node.AsyncBefore = fn.CamundaAttribute("asyncBefore") == "true" || fn.CamundaAttribute("async") == "true";
            node.AsyncAfter = fn.CamundaAttribute("asyncAfter") == "true";
        }
        if (element is Event ev) ReadEvent(node, ev, (Event)fn);
        if (fn.Attribute(EgovAttributes.MessagePayload) is { } payload)
        {
            if (node.Trigger != Trigger.Message || node.Kind is not (NodeKind.IntermediateThrow or NodeKind.EndEvent))
                Problem(fn, $"error: egov:messagePayload on {fn.Name.LocalName} '{fn.Id}': it belongs on a message intermediate throw or end event");
            else if (node.EventName is null)
                Problem(fn, $"error: {fn.Name.LocalName} '{fn.Id}' has egov:messagePayload but no message (messageRef) to send");
            else if (string.IsNullOrWhiteSpace(payload))
                Problem(fn, $"error: egov:messagePayload on '{fn.Id}' names no variable; name what the message carries (space-separated)");
        }
        if (fn is SubProcess sub)
        {
            var inner = new ScopeDef { Id = sub.Id!, Node = node, Parent = scope };
            node.Inner = inner;
            _graph.Scopes[inner.Id] = inner;
            BuildScope(inner, sub);
            if (kind == NodeKind.EventSubProcess)
            {
                var starts = inner.Nodes.Where(n => n.Kind == NodeKind.StartEvent).ToList();
                if (starts.Count != 1) Problem(sub, $"event subprocess '{sub.Id}' needs exactly one start event");
                else
                {
                    node.Trigger = starts[0].Trigger;
                    node.EventName = starts[0].EventName;
                    node.Timer = starts[0].Timer;
                    node.Condition = starts[0].Condition;
                    node.Interrupting = ((StartEvent)starts[0].Element).IsInterrupting;
                    if (node.Trigger == Trigger.None) Problem(starts[0].Element, $"the start event of event subprocess '{sub.Id}' needs an event definition");
                    if (node.Trigger == Trigger.Compensation && scope.Node?.Kind is not (NodeKind.SubProcess or NodeKind.Transaction or NodeKind.AdHocSubProcess))
                        Problem(starts[0].Element, $"compensation event subprocess '{sub.Id}' must be inside an embedded subprocess: only a completed subprocess is compensated by its event subprocess (at process level use compensation boundary events with handlers)");
                }
            }
            else if (kind != NodeKind.AdHocSubProcess && inner.StartEvents.Count == 0 && inner.Nodes.Count > 0)
                Problem(sub, $"subprocess '{sub.Id}' has no none start event");
        }
        if (fn is ScriptTask st)
        {
            var fmt = st.ScriptFormat?.Trim().ToLowerInvariant();
            if (fmt is not ("javascript" or "js" or "ecmascript" or "text/javascript" or "application/javascript"))
                node.ForeignScript = true;
            else if (st.Script is null && st.CamundaAttribute("resource") is not null)
                Problem(st, "scripts loaded from camunda:resource are not supported: put the script inline");
        }
        if (fn is CallActivity ca && string.IsNullOrWhiteSpace(ca.CalledElement))
            Problem(ca, $"call activity '{ca.Id}' has no calledElement");
        if (fn is CallActivity mapped && (mapped.CamundaAttribute("variableMappingClass") ?? mapped.CamundaAttribute("variableMappingDelegateExpression")) is not null)
            Problem(mapped, $"call activity '{mapped.Id}' delegates its variable mapping to Java code (camunda:variableMappingClass or camunda:variableMappingDelegateExpression), which cannot run here: map with camunda:in and camunda:out");
        if (fn is ReceiveTask rt && rt.MessageRef is { } messageRef)
            node.EventName = _defs.Find<Message>(messageRef)?.ElementName ?? messageRef;
        foreach (var l in node.Ext.Listeners)
            if (l.Event is not ("start" or "end" or "take"))
                Problem(fn, $"execution listener event '{l.Event}' is not supported (start, end, take)");
        ReadFristen(fn, node);
        node.Behaviour = Behaviour(node);
        return node;
    }

    /// <summary>egov:frist (user task, receive task, timer event) and egov:fristHemmung (a wait) of a flow node.</summary>
    private void ReadFristen(FlowNode fn, Node node)
    {
        var what = $"{fn.Name.LocalName} '{fn.Id}'";
        var isTimer = node.Trigger == Trigger.Timer && node.Kind is NodeKind.BoundaryEvent or NodeKind.IntermediateCatch;
        node.Frist = FristDef.Read(fn, what, isTimer, m => Problem(fn, m));
        if (node.Frist is not null && !isTimer && node.Kind is not (NodeKind.UserTask or NodeKind.ReceiveTask))
        {
            Problem(fn, $"error: egov:frist on {what}: a Frist belongs on the process, a user task, a receive task or a timer event (boundary or catch)");
            node.Frist = null;
        }
        if (node.Frist is not null && isTimer && node.Timer is { } t && (t.TimeDate ?? t.TimeDuration ?? t.TimeCycle) is not null)
            Problem(fn, $"error: {what} has both egov:frist and a timer definition: a Frist timer fires when the Frist has passed; remove the timeDate, timeDuration or timeCycle");
        if (fn.Attribute(EgovAttributes.FristHemmung)?.Trim() is { } hemmung)
        {
            if (!bool.TryParse(hemmung, out var on)) Problem(fn, $"error: egov:fristHemmung '{hemmung}' on {what}: expected true or false");
            else if (on && !(node.Kind is NodeKind.UserTask or NodeKind.ReceiveTask or NodeKind.SubProcess or NodeKind.CallActivity
                || node.Kind == NodeKind.IntermediateCatch && node.Trigger is Trigger.Message or Trigger.Signal or Trigger.Conditional))
                Problem(fn, $"error: egov:fristHemmung on {what}: the Hemmung belongs on a wait (a user or receive task, a message, signal or conditional catch event, a subprocess or call activity)");
            else node.Hemmung = on;
        }
    }

    /// <summary>Reads the event's trigger from its detached copy <paramref name="ev"/> (what the node keeps); <paramref name="source"/> is the original, for checks and positions.</summary>
    private void ReadEvent(Node node, Event ev, Event source)
    {
        var defs = source.EventDefinitions;
        if (defs.Count > 1) { Problem(ev, $"event '{ev.Id}' has several event definitions (multiple events are not supported)"); return; }
        var d = ev.Definition;
        switch (d)
        {
            case null: node.Trigger = Trigger.None; break;
            case MessageEventDefinition m:
                node.Trigger = Trigger.Message;
                node.EventName = _defs.Find<Message>(m.MessageRef)?.ElementName ?? m.MessageRef;
                if (node.EventName is null && node.Kind is not NodeKind.EndEvent and not NodeKind.IntermediateThrow)
                    Problem(d, $"message event '{ev.Id}' has no message");
                break;
            case TimerEventDefinition t:
                node.Trigger = Trigger.Timer;
                node.Timer = t;
                if (t.TimeDate is null && t.TimeDuration is null && t.TimeCycle is null)
                {
                    if (source.Attribute(EgovAttributes.Frist) is null)
                        Problem(d, $"timer event '{ev.Id}' has no timeDate, timeDuration or timeCycle (or egov:frist)");
                }
                else CheckTimer(ev, t);
                break;
            case SignalEventDefinition s:
                node.Trigger = Trigger.Signal;
                node.EventName = _defs.Find<Signal>(s.SignalRef)?.ElementName ?? s.SignalRef;
                if (node.EventName is null) Problem(d, $"signal event '{ev.Id}' has no signal");
                break;
            case ErrorEventDefinition e:
                node.Trigger = Trigger.Error;
                node.EventName = e.ErrorRef is null ? null : _defs.Find<Error>(e.ErrorRef)?.ErrorCode ?? _defs.Find<Error>(e.ErrorRef)?.ElementName ?? e.ErrorRef;
                break;
            case EscalationEventDefinition es:
                node.Trigger = Trigger.Escalation;
                node.EventName = es.EscalationRef is null ? null : _defs.Find<Escalation>(es.EscalationRef)?.EscalationCode ?? es.EscalationRef;
                break;
            case CompensateEventDefinition c:
                node.Trigger = Trigger.Compensation;
                node.CompensateActivityRef = c.ActivityRef;
                break;
            case CancelEventDefinition: node.Trigger = Trigger.Cancel; break;
            case TerminateEventDefinition: node.Trigger = Trigger.Terminate; break;
            case ConditionalEventDefinition ce:
                node.Trigger = Trigger.Conditional;
                node.Condition = ce.Condition?.Body;
                if (string.IsNullOrWhiteSpace(node.Condition)) Problem(d, $"conditional event '{ev.Id}' has no condition");
                break;
            case LinkEventDefinition l:
                node.Trigger = Trigger.Link;
                node.EventName = l.LinkName;
                break;
            default:
                Problem(d, $"{d.Name.LocalName} is not supported");
                break;
        }
        if (ev is BoundaryEvent b) node.Interrupting = b.CancelActivity;
        if (ev is StartEvent se) node.Interrupting = se.IsInterrupting;
        var valid = (node.Kind, node.Trigger) switch
        {
            (NodeKind.StartEvent, Trigger.None or Trigger.Message or Trigger.Timer or Trigger.Signal or Trigger.Conditional) => true,
            (NodeKind.StartEvent, Trigger.Error or Trigger.Escalation or Trigger.Compensation) => node.Scope.Node?.Kind == NodeKind.EventSubProcess,
            (NodeKind.EndEvent, Trigger.None or Trigger.Terminate or Trigger.Error or Trigger.Escalation or Trigger.Message or Trigger.Signal or Trigger.Compensation or Trigger.Cancel) => true,
            (NodeKind.IntermediateCatch, Trigger.Timer or Trigger.Message or Trigger.Signal or Trigger.Link or Trigger.Conditional) => true,
            (NodeKind.IntermediateThrow, Trigger.None or Trigger.Signal or Trigger.Message or Trigger.Link or Trigger.Escalation or Trigger.Compensation) => true,
            (NodeKind.BoundaryEvent, Trigger.Timer or Trigger.Message or Trigger.Signal or Trigger.Error or Trigger.Escalation or Trigger.Conditional or Trigger.Compensation or Trigger.Cancel) => true,
            _ => false,
        };
        if (!valid && d is not null) Problem(ev, $"{ev.Name.LocalName} with {d.Name.LocalName} is not supported");
        if (!valid && d is null && node.Kind == NodeKind.BoundaryEvent) Problem(ev, $"boundary event '{ev.Id}' has no event definition");
        if (node.Kind == NodeKind.IntermediateCatch && d is null) Problem(ev, $"intermediate catch event '{ev.Id}' has no event definition");
    }

    private static IBehaviour Behaviour(Node node) => node.Kind switch
    {
        NodeKind.StartEvent => new StartEventBehaviour(),
        NodeKind.EndEvent => node.Trigger switch
        {
            Trigger.Terminate => new TerminateEndEventBehaviour(),
            Trigger.Error => new ErrorEndEventBehaviour(),
            Trigger.Cancel => new CancelEndEventBehaviour(),
            Trigger.Escalation => new EscalationThrowBehaviour(),
            Trigger.Signal => new SignalThrowBehaviour(),
            Trigger.Message => new MessageThrowBehaviour(),
            Trigger.Compensation => new CompensationThrowBehaviour(),
            _ => new NoneEndEventBehaviour(),
        },
        NodeKind.IntermediateThrow => node.Trigger switch
        {
            Trigger.Signal => new SignalThrowBehaviour(),
            Trigger.Message => new MessageThrowBehaviour(),
            Trigger.Link => new LinkThrowBehaviour(),
            Trigger.Escalation => new EscalationThrowBehaviour(),
            Trigger.Compensation => new CompensationThrowBehaviour(),
            _ => new PassThroughBehaviour(),
        },
        NodeKind.IntermediateCatch => node.Trigger switch
        {
            Trigger.Timer => new TimerCatchBehaviour(),
            Trigger.Message => new MessageCatchBehaviour(),
            Trigger.Signal => new SignalCatchBehaviour(),
            Trigger.Conditional => new ConditionalCatchBehaviour(),
            _ => new PassThroughBehaviour(),
        },
        NodeKind.BoundaryEvent => new BoundaryEventBehaviour(),
        NodeKind.UserTask => new UserTaskBehaviour(),
        NodeKind.ScriptTask => new ScriptTaskBehaviour(),
        NodeKind.ServiceTask or NodeKind.SendTask => new ServiceTaskBehaviour(),
        NodeKind.BusinessRuleTask => new BusinessRuleTaskBehaviour(),
        NodeKind.ReceiveTask => new ReceiveTaskBehaviour(),
        NodeKind.ManualTask or NodeKind.Task => new PassThroughBehaviour(),
        NodeKind.ExclusiveGateway => new ExclusiveGatewayBehaviour(),
        NodeKind.ParallelGateway => new ParallelGatewayBehaviour(),
        NodeKind.InclusiveGateway => new InclusiveGatewayBehaviour(),
        NodeKind.ComplexGateway => new ComplexGatewayBehaviour(),
        NodeKind.EventBasedGateway => new EventBasedGatewayBehaviour(),
        NodeKind.SubProcess or NodeKind.Transaction or NodeKind.AdHocSubProcess => new SubProcessBehaviour(),
        NodeKind.EventSubProcess => new SubProcessBehaviour(),
        NodeKind.CallActivity => new CallActivityBehaviour(),
        _ => new PassThroughBehaviour(),
    };
}
