using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Bpmn.Tests.Support;
using EGov.Workflows.Bpmn.Validation.Executable;

namespace EGov.Workflows.Bpmn.Tests.Validation;

/// <summary>What running needs, one gap kind per test; each gap is an error with the position of the element at fault.</summary>
public sealed class ExecutableCheckerTests
{
    private const string Flow = """
        <startEvent id="S"/><endEvent id="E"/>
        <sequenceFlow id="F_S_X" sourceRef="S" targetRef="X"/><sequenceFlow id="F_X_E" sourceRef="X" targetRef="E"/>
        """;

    private static List<Diagnostic> Gaps(string xml)
    {
        var read = Models.Read(xml);
        read.Errors.ShouldBeEmpty(read.Messages());
        var bag = new DiagnosticBag("test.bpmn");
        ExecutableChecker.Check(read.Definitions!, bag);
        bag.Items.ShouldAllBe(d => d.Severity == Severity.Error && d.Position.IsKnown);
        return bag.Items.ToList();
    }

    /// <summary>A process S → X → E where X is <paramref name="element"/>.</summary>
    private static List<Diagnostic> GapsOf(string element, string roots = "") => Gaps(Models.Process(Flow + element, roots));

    private static void SingleGap(List<Diagnostic> gaps, string expected)
    {
        var gap = gaps.ShouldHaveSingleItem(string.Join("\n", gaps));
        gap.Message.ShouldContain(expected);
    }

    [Fact]
    public void RunnableModel_HasNoGaps() =>
        GapsOf("<serviceTask id=\"X\" camunda:type=\"external\" camunda:topic=\"pay\"/>").ShouldBeEmpty();

    [Fact]
    public void RetryCycle_AsAnAttribute_IsAWarningThatNamesTheExtensionElement_AsAnElement_Nothing()
    {
        var read = Models.Read(Models.Process(Flow + "<serviceTask id=\"X\" camunda:type=\"external\" camunda:topic=\"pay\" camunda:failedJobRetryTimeCycle=\"R1/PT1S\"/>"));
        var bag = new DiagnosticBag("test.bpmn");
        ExecutableChecker.Check(read.Definitions!, bag);
        var warning = bag.Items.ShouldHaveSingleItem();
        warning.Severity.ShouldBe(Severity.Warning);
        warning.Position.IsKnown.ShouldBeTrue();
        warning.Message.ShouldContain("<camunda:failedJobRetryTimeCycle>R1/PT1S</camunda:failedJobRetryTimeCycle>");

        GapsOf("<serviceTask id=\"X\" camunda:type=\"external\" camunda:topic=\"pay\"><extensionElements><camunda:failedJobRetryTimeCycle>R1/PT1S</camunda:failedJobRetryTimeCycle></extensionElements></serviceTask>")
            .ShouldBeEmpty();
    }

    [Fact]
    public void Model_WithoutExecutableProcess_IsAGap() =>
        SingleGap(Gaps(Models.Process(Flow + "<task id=\"X\"/>", executable: false)), "no executable process");

    [Fact]
    public void ExecutableProcess_WithoutStartEvent_IsAGap() =>
        SingleGap(Gaps(Models.Process("<task id=\"X\"/>")), "has no start event");

    [Fact]
    public void NonExecutableProcess_IsNotChecked() =>
        Gaps(Models.Process(Flow + "<task id=\"X\"/>", "<process id=\"BlackBox\" isExecutable=\"false\"><serviceTask id=\"Unbound\"/></process>")).ShouldBeEmpty();

    [Theory]
    [InlineData("exclusiveGateway")]
    [InlineData("inclusiveGateway")]
    public void Split_WithAnUnconditionalNonDefaultBranch_IsAGap(string kind)
    {
        var gaps = Gaps(Models.Process($$"""
            <startEvent id="S"/><{{kind}} id="G"/><endEvent id="E1"/><endEvent id="E2"/>
            <sequenceFlow id="In" sourceRef="S" targetRef="G"/>
            <sequenceFlow id="Yes" sourceRef="G" targetRef="E1"><conditionExpression xsi:type="tFormalExpression">${ok}</conditionExpression></sequenceFlow>
            <sequenceFlow id="Other" sourceRef="G" targetRef="E2"/>
            """));
        SingleGap(gaps, "sequenceFlow 'Other' leaves");
        gaps[0].Message.ShouldContain("no default flow");
    }

    [Fact]
    public void Split_WithConditionsAndADefault_IsComplete() =>
        Gaps(Models.Process("""
            <startEvent id="S"/><exclusiveGateway id="G" default="Other"/><endEvent id="E1"/><endEvent id="E2"/>
            <sequenceFlow id="In" sourceRef="S" targetRef="G"/>
            <sequenceFlow id="Yes" sourceRef="G" targetRef="E1"><conditionExpression>${ok}</conditionExpression></sequenceFlow>
            <sequenceFlow id="Other" sourceRef="G" targetRef="E2"/>
            """)).ShouldBeEmpty();

    [Fact]
    public void Activity_WithOnlyConditionalFlowsAndNoDefault_IsAGap() =>
        SingleGap(Gaps(Models.Process("""
            <startEvent id="S"/><task id="T"/><endEvent id="E"/>
            <sequenceFlow id="In" sourceRef="S" targetRef="T"/>
            <sequenceFlow id="Out" sourceRef="T" targetRef="E"><conditionExpression>${ok}</conditionExpression></sequenceFlow>
            """)), "every outgoing flow is conditional");

    [Fact]
    public void EmptyCondition_IsAGap() =>
        SingleGap(Gaps(Models.Process("""
            <startEvent id="S"/><endEvent id="E"/>
            <sequenceFlow id="F" sourceRef="S" targetRef="E"><conditionExpression>  </conditionExpression></sequenceFlow>
            """)).Where(d => !d.Message.Contains("every outgoing", StringComparison.Ordinal)).ToList(), "empty conditionExpression");

    [Theory]
    [InlineData("serviceTask")]
    [InlineData("sendTask")]
    [InlineData("businessRuleTask")]
    public void AutomatedTask_WithoutImplementation_IsAGap(string kind) =>
        SingleGap(GapsOf($"<{kind} id=\"X\"/>"), "has no implementation");

    [Fact]
    public void ExternalTask_WithoutTopic_IsAGap() =>
        SingleGap(GapsOf("<serviceTask id=\"X\" camunda:type=\"external\"/>"), "without camunda:topic");

    [Fact]
    public void EgovActivity_IsAnImplementation() =>
        GapsOf("<sendTask id=\"X\" egov:activity=\"mail.send\"/>").ShouldBeEmpty();

    [Fact]
    public void CamundaExpression_CannotRunHere() =>
        SingleGap(GapsOf("<serviceTask id=\"X\" camunda:expression=\"${bean.call()}\"/>"),
            "cannot run here: camunda:expression is Java EL — use camunda:type=\"external\" with camunda:topic, or egov:activity");

    [Fact]
    public void CamundaDelegateExpression_CannotRunHere() =>
        SingleGap(GapsOf("<serviceTask id=\"X\" camunda:delegateExpression=\"${bean}\"/>"), "cannot run here: camunda:delegateExpression");

    [Fact]
    public void CamundaClass_CannotRunHere_NamingTheClass() =>
        SingleGap(GapsOf("<serviceTask id=\"X\" camunda:class=\"de.muenchen.Mail\"/>"), "cannot run here: Java delegate class de.muenchen.Mail");

    [Theory]
    [InlineData("javascript")]
    [InlineData("JavaScript")]
    [InlineData("js")]
    [InlineData("ECMAScript")]
    public void ScriptTask_InJavaScript_Runs(string format) =>
        GapsOf($"<scriptTask id=\"X\" scriptFormat=\"{format}\"><script>x = 1;</script></scriptTask>").ShouldBeEmpty();

    [Theory]
    [InlineData("groovy")]
    [InlineData("python")]
    public void ScriptTask_InAnotherLanguage_IsAGap(string format) =>
        SingleGap(GapsOf($"<scriptTask id=\"X\" scriptFormat=\"{format}\"><script>x = 1</script></scriptTask>"), $"script format '{format}'");

    [Fact]
    public void ScriptTask_WithoutFormat_IsAGap() =>
        SingleGap(GapsOf("<scriptTask id=\"X\"><script>x = 1;</script></scriptTask>"), "has no scriptFormat");

    [Theory]
    [InlineData("timeDuration", "P14D")]
    [InlineData("timeDuration", "PT1H30M")]
    [InlineData("timeDuration", "PT0.1S")]
    [InlineData("timeDate", "2026-03-01T09:00:00+01:00")]
    [InlineData("timeDate", "1993-06-26")]
    [InlineData("timeDate", "2026-03-01T09:00:00Z")]
    [InlineData("timeCycle", "R3/PT10H")]
    [InlineData("timeCycle", "R/PT1M")]
    [InlineData("timeCycle", "R5/2026-01-01T00:00:00Z/P1D")]
    [InlineData("timeDuration", "${frist}")]
    [InlineData("timeDate", "${dueDate}")]
    [InlineData("timeCycle", "0 0 9 * * ?")]
    public void Timer_WithParseableValue_Runs(string kind, string value) =>
        GapsOf($"<intermediateCatchEvent id=\"X\"><timerEventDefinition><{kind}>{value}</{kind}></timerEventDefinition></intermediateCatchEvent>").ShouldBeEmpty();

    [Theory]
    [InlineData("timeDuration", "14 days")]
    [InlineData("timeDuration", "P")]
    [InlineData("timeDuration", "PT")]
    [InlineData("timeDate", "01.03.2026")]
    [InlineData("timeDate", "2026-13-45")]
    [InlineData("timeCycle", "0 0 9 * *")]
    [InlineData("timeCycle", "PT1H")]
    [InlineData("timeCycle", "R2/PT1690953981H")] // found by the fuzzer: overflowed instead of being a gap
    [InlineData("timeDuration", "PT1690953981H")]
    public void Timer_WithUnparseableValue_IsAGap(string kind, string value) =>
        SingleGap(GapsOf($"<intermediateCatchEvent id=\"X\"><timerEventDefinition><{kind}>{value}</{kind}></timerEventDefinition></intermediateCatchEvent>"), $"{kind} '{value}' is not");

    [Fact]
    public void Timer_WithoutValue_IsAGap() =>
        SingleGap(GapsOf("<intermediateCatchEvent id=\"X\"><timerEventDefinition/></intermediateCatchEvent>"), "timer has no timeDate");

    [Fact]
    public void Timer_WithEmptyValue_IsAGap() =>
        SingleGap(GapsOf("<intermediateCatchEvent id=\"X\"><timerEventDefinition><timeDuration> </timeDuration></timerEventDefinition></intermediateCatchEvent>"), "timeDuration is empty");

    [Fact]
    public void Timer_WithTwoValues_IsAGap() =>
        SingleGap(GapsOf("<intermediateCatchEvent id=\"X\"><timerEventDefinition><timeDuration>PT1H</timeDuration><timeCycle>R/PT1H</timeCycle></timerEventDefinition></intermediateCatchEvent>"), "give exactly one");

    [Fact]
    public void MessageCatch_WithoutMessageRef_IsAGap() =>
        SingleGap(GapsOf("<intermediateCatchEvent id=\"X\"><messageEventDefinition/></intermediateCatchEvent>"), "names none: set messageRef");

    [Fact]
    public void SignalEvent_WithoutSignalRef_IsAGap() =>
        SingleGap(GapsOf("<intermediateThrowEvent id=\"X\"><signalEventDefinition/></intermediateThrowEvent>"), "names no signal");

    [Fact]
    public void CallActivity_WithoutCalledElement_IsAGap() =>
        SingleGap(GapsOf("<callActivity id=\"X\"/>"), "has no calledElement");

    [Fact]
    public void MultiInstance_WithoutCardinalityOrCollection_IsAGap() =>
        SingleGap(GapsOf("<userTask id=\"X\"><multiInstanceLoopCharacteristics/></userTask>"), "neither loopCardinality nor a collection");

    [Theory]
    [InlineData("<loopCardinality>3</loopCardinality>", "")]
    [InlineData("", "camunda:collection=\"${antraege}\"")]
    public void MultiInstance_WithCardinalityOrCollection_Runs(string child, string attribute) =>
        GapsOf($"<userTask id=\"X\"><multiInstanceLoopCharacteristics {attribute}>{child}</multiInstanceLoopCharacteristics></userTask>").ShouldBeEmpty();

    [Fact]
    public void ZeebeTaskDefinition_CannotRunHere() =>
        SingleGap(GapsOf("<serviceTask id=\"X\"><extensionElements><zeebe:taskDefinition xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\" type=\"pay\"/></extensionElements></serviceTask>"),
            "cannot run here: zeebe:taskDefinition is Camunda 8");

    [Fact]
    public void Gaps_InsideSubprocesses_AreFound() =>
        SingleGap(GapsOf("<subProcess id=\"X\"><startEvent id=\"SS\"/><serviceTask id=\"Inner\"/><sequenceFlow id=\"SF\" sourceRef=\"SS\" targetRef=\"Inner\"/></subProcess>"),
            "serviceTask 'Inner' has no implementation");

    [Fact]
    public void ConformanceModels_AreAllExecutable()
    {
        foreach (var file in Directory.EnumerateFiles(SharedCorpus.Conformance, "*.bpmn", SearchOption.AllDirectories))
        {
            var read = new Bpmn.Reading.BpmnReader().ReadFile(file);
            var bag = new DiagnosticBag(file);
            ExecutableChecker.Check(read.Definitions!, bag);
            bag.Items.ShouldBeEmpty(string.Join("\n", bag.Items));
        }
    }
}
