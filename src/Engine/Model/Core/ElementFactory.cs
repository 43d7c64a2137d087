using System.Collections.Frozen;
using System.Xml.Linq;
using EGov.Workflows.Model.Diagram;

namespace EGov.Workflows.Model;

/// <summary>Maps an element's qualified name to its typed model class; what it does not know stays a verbatim element.</summary>
public static class ElementFactory
{
    private static readonly FrozenDictionary<string, Func<ElementInit, BpmnElement>> Semantic =
        new Dictionary<string, Func<ElementInit, BpmnElement>>
        {
            ["definitions"] = i => new Definitions(i),
            ["import"] = i => new Import(i),
            ["documentation"] = i => new Documentation(i),
            ["extensionElements"] = i => new ExtensionElements(i),
            ["process"] = i => new Process(i),
            ["collaboration"] = i => new Collaboration(i),
            ["participant"] = i => new Participant(i),
            ["messageFlow"] = i => new MessageFlow(i),
            ["laneSet"] = i => new LaneSet(i),
            ["childLaneSet"] = i => new LaneSet(i),
            ["lane"] = i => new Lane(i),
            ["message"] = i => new Message(i),
            ["signal"] = i => new Signal(i),
            ["error"] = i => new Error(i),
            ["escalation"] = i => new Escalation(i),
            ["itemDefinition"] = i => new ItemDefinition(i),
            ["category"] = i => new Category(i),
            ["categoryValue"] = i => new CategoryValue(i),
            ["interface"] = i => new Interface(i),
            ["operation"] = i => new Operation(i),
            ["dataStore"] = i => new DataStore(i),

            ["startEvent"] = i => new StartEvent(i),
            ["endEvent"] = i => new EndEvent(i),
            ["intermediateCatchEvent"] = i => new IntermediateCatchEvent(i),
            ["intermediateThrowEvent"] = i => new IntermediateThrowEvent(i),
            ["boundaryEvent"] = i => new BoundaryEvent(i),
            ["messageEventDefinition"] = i => new MessageEventDefinition(i),
            ["timerEventDefinition"] = i => new TimerEventDefinition(i),
            ["signalEventDefinition"] = i => new SignalEventDefinition(i),
            ["errorEventDefinition"] = i => new ErrorEventDefinition(i),
            ["escalationEventDefinition"] = i => new EscalationEventDefinition(i),
            ["compensateEventDefinition"] = i => new CompensateEventDefinition(i),
            ["cancelEventDefinition"] = i => new CancelEventDefinition(i),
            ["terminateEventDefinition"] = i => new TerminateEventDefinition(i),
            ["conditionalEventDefinition"] = i => new ConditionalEventDefinition(i),
            ["linkEventDefinition"] = i => new LinkEventDefinition(i),

            ["task"] = i => new TaskElement(i),
            ["userTask"] = i => new UserTask(i),
            ["manualTask"] = i => new ManualTask(i),
            ["scriptTask"] = i => new ScriptTask(i),
            ["serviceTask"] = i => new ServiceTask(i),
            ["sendTask"] = i => new SendTask(i),
            ["receiveTask"] = i => new ReceiveTask(i),
            ["businessRuleTask"] = i => new BusinessRuleTask(i),
            ["callActivity"] = i => new CallActivity(i),
            ["subProcess"] = i => new SubProcess(i),
            ["adHocSubProcess"] = i => new AdHocSubProcess(i),
            ["transaction"] = i => new Transaction(i),

            ["exclusiveGateway"] = i => new ExclusiveGateway(i),
            ["inclusiveGateway"] = i => new InclusiveGateway(i),
            ["parallelGateway"] = i => new ParallelGateway(i),
            ["complexGateway"] = i => new ComplexGateway(i),
            ["eventBasedGateway"] = i => new EventBasedGateway(i),

            ["sequenceFlow"] = i => new SequenceFlow(i),
            ["multiInstanceLoopCharacteristics"] = i => new MultiInstanceLoopCharacteristics(i),
            ["standardLoopCharacteristics"] = i => new StandardLoopCharacteristics(i),

            ["dataObject"] = i => new DataObject(i),
            ["dataObjectReference"] = i => new DataObjectReference(i),
            ["dataStoreReference"] = i => new DataStoreReference(i),
            ["dataInput"] = i => new DataInput(i),
            ["inputDataItem"] = i => new DataInput(i),
            ["dataOutput"] = i => new DataOutput(i),
            ["outputDataItem"] = i => new DataOutput(i),
            ["ioSpecification"] = i => new IoSpecification(i),
            ["property"] = i => new Property(i),
            ["dataInputAssociation"] = i => new DataInputAssociation(i),
            ["dataOutputAssociation"] = i => new DataOutputAssociation(i),

            ["textAnnotation"] = i => new TextAnnotation(i),
            ["group"] = i => new Group(i),
            ["association"] = i => new Association(i),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Expression-typed children (tExpression/tFormalExpression and tScript bodies).</summary>
    private static readonly FrozenSet<string> ExpressionNames = new[]
    {
        "conditionExpression", "loopCardinality", "completionCondition", "timeDate", "timeDuration", "timeCycle",
        "condition", "activationCondition", "loopCondition", "transformation", "from", "to", "dataPath",
        "messagePath", "resourceAssignmentExpression_expression", "formalExpression", "expression",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Names of the BPMN 2.0.2 schema that the model keeps generically (choreography, conversation, resources, reference children, …).</summary>
    private static readonly FrozenSet<string> KnownGeneric = new[]
    {
        "incoming", "outgoing", "sourceRef", "targetRef", "flowNodeRef", "eventDefinitionRef", "loopDataInputRef",
        "loopDataOutputRef", "inputSet", "outputSet", "dataInputRefs", "dataOutputRefs", "optionalInputRefs",
        "optionalOutputRefs", "whileExecutingInputRefs", "whileExecutingOutputRefs", "inputSetRefs", "outputSetRefs",
        "script", "text", "dataState", "assignment", "rendering", "performer", "humanPerformer", "potentialOwner",
        "resourceRole", "resourceRef", "resourceAssignmentExpression", "resourceParameterBinding", "resource",
        "resourceParameter", "participantMultiplicity", "participantRef", "partnerEntity", "partnerRole",
        "endPoint", "endPointRef", "interfaceRef", "messageFlowRef", "inMessageRef", "outMessageRef", "errorRef",
        "supportedInterfaceRef", "ioBinding", "correlationKey", "correlationPropertyRef", "correlationProperty",
        "correlationPropertyRetrievalExpression", "correlationSubscription", "correlationPropertyBinding",
        "conversation", "subConversation", "callConversation", "conversationLink", "conversationAssociation",
        "conversationNode", "participantAssociation", "messageFlowAssociation", "innerConversationNodeRef",
        "outerConversationNodeRef", "innerParticipantRef", "outerParticipantRef", "innerMessageFlowRef",
        "outerMessageFlowRef", "choreography", "choreographyTask", "subChoreography", "callChoreography",
        "globalChoreographyTask", "globalTask", "globalUserTask", "globalManualTask", "globalScriptTask",
        "globalBusinessRuleTask", "globalConversation", "relationship", "source", "target", "extension",
        "extensionDefinition", "extensionAttributeDefinition", "auditing", "monitoring", "lane_flowNodeRef",
        "categoryValueRef", "supports", "implementation", "eventDefinition", "rootElement", "flowElement",
        "artifact", "baseElement", "complexBehaviorDefinition", "oneBehaviorEventRef", "noneBehaviorEventRef",
        "event", "dataObject_dataState",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static BpmnElement Create(ElementInit init)
    {
        var ns = init.Name.Namespace;
        var local = init.Name.LocalName;
        if (ns == Namespaces.Bpmn)
        {
            if (Semantic.TryGetValue(local, out var make)) return make(init);
            if (ExpressionNames.Contains(local)) return new Expression(init);
            if (KnownGeneric.Contains(local)) return new GenericBpmnElement(init);
            return new UnknownElement(init);
        }
        if (ns == Namespaces.BpmnDi)
        {
            return local switch
            {
                "BPMNDiagram" => new BpmnDiagram(init),
                "BPMNPlane" => new BpmnPlane(init),
                "BPMNShape" => new BpmnShape(init),
                "BPMNEdge" => new BpmnEdge(init),
                "BPMNLabel" => new BpmnLabel(init),
                "BPMNLabelStyle" => new BpmnLabelStyle(init),
                _ => new UnknownElement(init),
            };
        }
        if (ns == Namespaces.Dc)
        {
            return local switch
            {
                "Bounds" => new Bounds(init),
                "Font" => new Font(init),
                _ => new UnknownElement(init),
            };
        }
        if (ns == Namespaces.Di)
            return local == "waypoint" ? new Waypoint(init) : new UnknownElement(init);
        return new ForeignElement(init);
    }

    /// <summary>True when the name is part of the BPMN 2.0.2 / DI schemas the model knows.</summary>
    public static bool IsKnown(XName name) =>
        name.Namespace == Namespaces.Bpmn
            ? Semantic.ContainsKey(name.LocalName) || ExpressionNames.Contains(name.LocalName) || KnownGeneric.Contains(name.LocalName)
            : name.Namespace == Namespaces.BpmnDi || name.Namespace == Namespaces.Dc || name.Namespace == Namespaces.Di;
}
