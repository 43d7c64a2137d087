using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Bpmn.Tests.Support;

namespace EGov.Workflows.Bpmn.Tests.Validation;

/// <summary>Every reference is checked with its position: broken semantics are errors, what only loses a drawing or a type is a warning.</summary>
public sealed class ReferenceCheckTests
{
    private const string StartToEnd = """
        <startEvent id="S"/><endEvent id="E"/>
        <sequenceFlow id="F" sourceRef="S" targetRef="E"/>
        """;

    private static Diagnostic SingleError(BpmnReadResult r, string containing)
    {
        var errors = r.Errors.ToList();
        errors.ShouldHaveSingleItem(r.Messages());
        errors[0].Message.ShouldContain(containing);
        errors[0].Position.IsKnown.ShouldBeTrue();
        return errors[0];
    }

    private static Diagnostic SingleWarning(BpmnReadResult r, string containing)
    {
        r.Errors.ShouldBeEmpty(r.Messages());
        var warning = r.Warnings.ShouldHaveSingleItem(r.Messages());
        warning.Message.ShouldContain(containing);
        return warning;
    }

    [Fact]
    public void Checker_ConsistentModel_HasNoDiagnostics() =>
        Models.Read(Models.Process(StartToEnd)).Diagnostics.ShouldBeEmpty();

    [Fact]
    public void SequenceFlow_ToMissingNode_IsAnError_AtTheFlow()
    {
        var xml = Models.Process("<startEvent id=\"S\"/>\n<sequenceFlow id=\"F\" sourceRef=\"S\" targetRef=\"Nowhere\"/>");
        var error = SingleError(Models.Read(xml), "targetRef 'Nowhere' does not exist");
        error.Position.Line.ShouldBe(5);
        error.ToString().ShouldStartWith("test.bpmn:5:1: error: sequenceFlow 'F'");
    }

    [Fact]
    public void SequenceFlow_WithoutRefs_IsAnError() =>
        SingleError(Models.Read(Models.Process("<task id=\"T\"/><sequenceFlow id=\"F\"/>")), "has no sourceRef and targetRef");

    [Fact]
    public void SequenceFlow_ToANonFlowNode_IsAnError() =>
        SingleError(Models.Read(Models.Process("<startEvent id=\"S\"/><dataObject id=\"D\"/><sequenceFlow id=\"F\" sourceRef=\"S\" targetRef=\"D\"/>")), "not a flow node");

    [Fact]
    public void SequenceFlow_CrossingASubprocessBoundary_IsAnError() =>
        SingleError(Models.Read(Models.Process("""
            <startEvent id="S"/>
            <subProcess id="Sub"><task id="Inner"/></subProcess>
            <sequenceFlow id="F" sourceRef="S" targetRef="Inner"/>
            """)), "cannot cross a (sub)process boundary");

    [Fact]
    public void SequenceFlow_InAProcessWithoutFlowNodes_IsAWarning_LikeSignavioLeavesThem() =>
        SingleWarning(Models.Read(Models.Definitions("""
            <process id="P" isExecutable="false"><startEvent id="S"/></process>
            <process id="Leftovers" isExecutable="false"><sequenceFlow id="F" sourceRef="Gone1" targetRef="Gone2"/></process>
            """)).WithoutWarningsAbout("targetRef"), "sourceRef 'Gone1' does not exist");

    [Fact]
    public void DuplicateIds_AreAnError_NamingTheFirstUse()
    {
        var error = SingleError(Models.Read(Models.Process("<task id=\"T\"/>\n<userTask id=\"T\"/>")), "duplicate id 'T'");
        error.Message.ShouldContain("first used by task at line 4");
    }

    [Fact]
    public void DuplicateIds_BetweenDiagramAndModel_AreAnError() =>
        SingleError(Models.Read(Models.Process("<task id=\"T\"/>", """
            <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="T" bpmnElement="P"/></bpmndi:BPMNDiagram>
            """)), "a diagram element and a model element share it");

    [Fact]
    public void ForeignElementIds_NeverClashWithBpmnIds_LikeAdonisTargets() =>
        Models.Read(Models.Process("""
            <task id="T"><extensionElements><adonis:target xmlns:adonis="http://www.boc-group.com" id="T"/><adonis:target xmlns:adonis="http://www.boc-group.com" id="T"/></extensionElements></task>
            """)).Diagnostics.ShouldBeEmpty();

    [Fact]
    public void BoundaryEvent_OnAGateway_IsAnError() =>
        SingleError(Models.Read(Models.Process("""
            <exclusiveGateway id="G"/>
            <boundaryEvent id="B" attachedToRef="G"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
            """)), "not an activity");

    [Fact]
    public void BoundaryEvent_OnAnEvent_IsAnError() =>
        SingleError(Models.Read(Models.Process("<startEvent id=\"S\"/><boundaryEvent id=\"B\" attachedToRef=\"S\"/>")), "not an activity");

    [Fact]
    public void BoundaryEvent_WithoutHost_IsAnError() =>
        SingleError(Models.Read(Models.Process("<boundaryEvent id=\"B\"/>")), "has no attachedToRef");

    [Fact]
    public void BoundaryEvent_OnAnActivityOfAnotherScope_IsAnError() =>
        SingleError(Models.Read(Models.Process("""
            <subProcess id="Sub"><task id="Inner"/></subProcess>
            <boundaryEvent id="B" attachedToRef="Inner"/>
            """)), "must stand beside it");

    [Fact]
    public void GatewayDefault_ThatIsNotAnOutgoingFlow_IsAnError() =>
        SingleError(Models.Read(Models.Process("""
            <startEvent id="S"/><exclusiveGateway id="G" default="F1"/><endEvent id="E"/>
            <sequenceFlow id="F1" sourceRef="S" targetRef="G"/><sequenceFlow id="F2" sourceRef="G" targetRef="E"/>
            """)), "is not one of its outgoing flows");

    [Fact]
    public void ActivityDefault_ToMissingFlow_IsAnError() =>
        SingleError(Models.Read(Models.Process("<task id=\"T\" default=\"Gone\"/>")), "default 'Gone' does not exist");

    [Theory]
    [InlineData("<intermediateCatchEvent id=\"C\"><messageEventDefinition messageRef=\"M\"/></intermediateCatchEvent>", "messageRef 'M'")]
    [InlineData("<intermediateCatchEvent id=\"C\"><signalEventDefinition signalRef=\"Sig\"/></intermediateCatchEvent>", "signalRef 'Sig'")]
    [InlineData("<endEvent id=\"C\"><escalationEventDefinition escalationRef=\"Esc\"/></endEvent>", "escalationRef 'Esc'")]
    [InlineData("<intermediateThrowEvent id=\"C\"><compensateEventDefinition activityRef=\"A\"/></intermediateThrowEvent>", "activityRef 'A'")]
    [InlineData("<sendTask id=\"C\" messageRef=\"M\"/>", "messageRef 'M'")]
    [InlineData("<receiveTask id=\"C\" messageRef=\"M\"/>", "messageRef 'M'")]
    [InlineData("<dataObjectReference id=\"C\" dataObjectRef=\"Gone\"/>", "dataObjectRef 'Gone'")]
    [InlineData("<dataStoreReference id=\"C\" dataStoreRef=\"Gone\"/>", "dataStoreRef 'Gone'")]
    [InlineData("<intermediateThrowEvent id=\"C\"><linkEventDefinition name=\"L\"><target>Gone</target></linkEventDefinition></intermediateThrowEvent>", "link target 'Gone'")]
    [InlineData("<task id=\"C\"/><association id=\"A\" sourceRef=\"C\" targetRef=\"Gone\"/>", "targetRef 'Gone'")]
    [InlineData("<task id=\"C\"><dataInputAssociation id=\"DIA\"><sourceRef>Gone</sourceRef><targetRef>C</targetRef></dataInputAssociation></task>", "sourceRef 'Gone'")]
    public void MissingSemanticReference_IsAnError(string body, string expected) =>
        SingleError(Models.Read(Models.Process(body)), expected);

    [Fact]
    public void EventReference_ToTheWrongKind_IsAnError() =>
        SingleError(Models.Read(Models.Process("<intermediateCatchEvent id=\"C\"><messageEventDefinition messageRef=\"Sig\"/></intermediateCatchEvent>",
            "<signal id=\"Sig\" name=\"s\"/>")), "is a signal, expected a message");

    [Fact]
    public void ErrorRef_ToMissingError_IsAWarning_BecauseCamundaReadsItAsTheCode() =>
        SingleWarning(Models.Read(Models.Process("<endEvent id=\"E\"><errorEventDefinition errorRef=\"E_42\"/></endEvent>")), "Camunda reads it as the error code");

    [Fact]
    public void PrefixedReference_IntoAnImportedNamespace_IsNotChecked() =>
        Models.Read(Models.Process("<sendTask id=\"C\" xmlns:other=\"http://example.org/other\" messageRef=\"other:Remote\"/>")).Diagnostics.ShouldBeEmpty();

    [Fact]
    public void PrefixedReference_IntoTheTargetNamespace_IsChecked() =>
        SingleError(Models.Read(Models.Process("<sendTask id=\"C\" xmlns:tns=\"http://example.org/test\" messageRef=\"tns:Gone\"/>")), "messageRef 'Gone'");

    [Fact]
    public void CalledElement_IsNotChecked_BecauseItMayLiveInAnotherFile() =>
        Models.Read(Models.Process("<callActivity id=\"C\" calledElement=\"ElsewhereProcess\"/>")).Diagnostics.ShouldBeEmpty();

    [Fact]
    public void Participant_ToMissingProcess_IsAnError() =>
        SingleError(Models.Read(Models.Definitions("<collaboration id=\"C\"><participant id=\"Pool\" processRef=\"Gone\"/></collaboration>")), "processRef 'Gone'");

    [Fact]
    public void MessageFlow_MayPointIntoAnotherPool_ButNotAtAMissingElement()
    {
        var ok = Models.Read(Models.Definitions("""
            <collaboration id="C">
              <participant id="A" processRef="PA"/><participant id="B"/>
              <messageFlow id="MF1" sourceRef="SendIt" targetRef="B"/>
              <messageFlow id="MF2" sourceRef="B" targetRef="Gone"/>
            </collaboration>
            <process id="PA" isExecutable="false"><sendTask id="SendIt"/></process>
            """));
        SingleError(ok, "MF2").Message.ShouldContain("targetRef 'Gone'");
    }

    [Fact]
    public void LaneFlowNodeRef_ToMissingNode_IsAnError() =>
        SingleError(Models.Read(Models.Process("<laneSet id=\"LS\"><lane id=\"L\"><flowNodeRef>Gone</flowNodeRef></lane></laneSet>")), "flowNodeRef 'Gone'");

    [Theory]
    [InlineData("<dataObject id=\"D\" itemSubjectRef=\"Gone\"/>", "itemSubjectRef 'Gone'")]
    [InlineData("<group id=\"G\" categoryValueRef=\"Gone\"/>", "categoryValueRef 'Gone'")]
    [InlineData("<intermediateCatchEvent id=\"T\"><timerEventDefinition/></intermediateCatchEvent>", "timer has no timeDate")]
    [InlineData("<task id=\"T\"/><unknownThing id=\"U\"/>", "unknown element <unknownThing>")]
    public void WhatDoesNotStopUnderstanding_IsAWarning(string body, string expected) =>
        SingleWarning(Models.Read(Models.Process(body, executable: false)), expected);

    [Theory]
    [InlineData("<bpmndi:BPMNShape id=\"Sh\" bpmnElement=\"Gone\"><dc:Bounds x=\"0\" y=\"0\" width=\"1\" height=\"1\"/></bpmndi:BPMNShape>", "bpmnElement 'Gone'")]
    [InlineData("<bpmndi:BPMNEdge id=\"Ed\" bpmnElement=\"F\" sourceElement=\"GoneShape\"><di:waypoint x=\"0\" y=\"0\"/></bpmndi:BPMNEdge>", "sourceElement 'GoneShape'")]
    [InlineData("<bpmndi:BPMNShape id=\"Sh\" bpmnElement=\"S\"><bpmndi:BPMNLabel labelStyle=\"GoneStyle\"/></bpmndi:BPMNShape>", "labelStyle 'GoneStyle'")]
    public void DiagramReference_ToMissingElement_IsAWarning(string shape, string expected) =>
        SingleWarning(Models.Read(Models.Process(StartToEnd,
            $"<bpmndi:BPMNDiagram id=\"Dia\"><bpmndi:BPMNPlane id=\"Pl\" bpmnElement=\"P\">{shape}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>")), expected);

    [Fact]
    public void VendorXml_InTheBpmnNamespace_InsideAForeignElement_IsNotReported() =>
        Models.Read(Models.Process("""
            <task id="T"><extensionElements><w4:data xmlns:w4="http://www.w4.eu/spec/BPMN/20110701/MODEL"><attribute id="T" name="x"/></w4:data></extensionElements></task>
            """)).Diagnostics.ShouldBeEmpty();
}

internal static class ReadResultFilters
{
    /// <summary>Drops warnings mentioning <paramref name="text"/>, to assert on one warning of a pair.</summary>
    public static BpmnReadResult WithoutWarningsAbout(this BpmnReadResult r, string text) =>
        r with { Diagnostics = r.Diagnostics.Where(d => d.Severity == Severity.Error || !d.Message.Contains(text, StringComparison.Ordinal)).ToList() };
}
