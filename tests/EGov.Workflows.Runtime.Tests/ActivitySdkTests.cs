using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>Custom activities through the SDK: complete with outputs, wait and resume, BPMN error, failure with retries.</summary>
public class ActivitySdkTests
{
    [Activity("fee-calculation")]
    private sealed class FeeCalculation : WorkflowActivity
    {
        public override IReadOnlyList<ActivityParameter> Inputs => [new("months", ActivityValueType.Number, Required: true)];
        public override IReadOnlyList<ActivityParameter> Outputs => [new("fee", ActivityValueType.Number)];

        public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
        {
            var months = context.GetDecimal("months")!.Value;
            if (months > 24) return Task.FromResult(ActivityResult.BpmnError("TOO_LONG", "at most 24 months"));
            return Task.FromResult(ActivityResult.Complete(new JsonObject { ["fee"] = months * 2.55m }));
        }
    }

    [Activity("await-payment", Topic = "payment")]
    private sealed class AwaitPayment : WorkflowActivity
    {
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context) => Task.FromResult(ActivityResult.Wait("payment notice"));

        public override Task<ActivityResult> ResumeAsync(ActivityContext context, JsonNode? payload) =>
            Task.FromResult(ActivityResult.Complete(new JsonObject { ["paidAmount"] = payload?["amount"]?.DeepClone() }));
    }

    private sealed class FlakyActivity : WorkflowActivity
    {
        public static int Calls;
        public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
        {
            Calls++;
            return Task.FromResult(ActivityResult.Fail("connection refused"));
        }
    }

    private static Harness H() => new Harness(b => b.AddActivity<FeeCalculation>().AddActivity<AwaitPayment>().AddActivity<FlakyActivity>());

    [Fact]
    public void ActivityBoundByEgovAttribute_CompletesWithOutputs_DecimalsExact()
    {
        var h = H().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Fee" />
            <serviceTask id="Fee" egov:activity="fee-calculation" />
            <sequenceFlow id="f2" sourceRef="Fee" targetRef="T" /><userTask id="T" />
            """).Start(new { months = 12 });
        h.ShouldWaitAt("T");
        h.Variables["fee"]!.ToJsonString().ShouldBe("30.60");
    }

    [Fact]
    public void ActivityBusinessError_IsCaughtByBoundary()
    {
        var h = H().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Fee" />
            <serviceTask id="Fee" egov:activity="fee-calculation" />
            <boundaryEvent id="B" attachedToRef="Fee"><errorEventDefinition errorRef="E" /></boundaryEvent>
            <sequenceFlow id="f2" sourceRef="B" targetRef="Reject" /><userTask id="Reject" />
            """, """<error id="E" errorCode="TOO_LONG" />""").Start(new { months = 36 });
        h.ShouldWaitAt("Reject");
    }

    [Fact]
    public void MissingRequiredInput_OpensIncident()
    {
        var h = H().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Fee" /><serviceTask id="Fee" egov:activity="fee-calculation" />
            """).Start();
        h.View.Incidents.Single().Message.ShouldContain("months");
    }

    [Fact]
    public void ActivityBoundByTopic_WaitsAndIsResumedWithPayload()
    {
        var h = H().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="Pay" />
            <serviceTask id="Pay" camunda:type="external" camunda:topic="payment" />
            <sequenceFlow id="f2" sourceRef="Pay" targetRef="T" /><userTask id="T" />
            """).Start();
        h.ShouldWaitAt("Pay");
        h.Engine.OpenExternalTasks(h.Instance).ShouldBeEmpty();
        h.Engine.ResumeActivity(h.Instance!, "Pay", Harness.Vars(new { amount = 30 })).ShouldBeTrue();
        h.ShouldWaitAt("T");
        h.Variables["paidAmount"]!.ToString().ShouldBe("30");
    }

    [Fact]
    public void FailingActivity_IsRetriedWithBackOff_ThenIncident()
    {
        FlakyActivity.Calls = 0;
        var h = H().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="X" /><serviceTask id="X" egov:activity="flaky" />
            """).Start();
        h.State.ShouldBe(InstanceState.Running);
        h.Advance("PT1H");
        FlakyActivity.Calls.ShouldBe(3);
        h.State.ShouldBe(InstanceState.Incident);
        h.View.Incidents.Single().ElementId.ShouldBe("X");
    }

    [Fact]
    public void RegistryNamesActivitiesInKebabCase()
    {
        ActivityRegistry.DefaultName(typeof(FlakyActivity)).ShouldBe("flaky");
        new ActivityRegistry().Add<FeeCalculation>().FindByName("fee-calculation").ShouldNotBeNull();
    }

    [Fact]
    public void EveryEgovAttributeTheRuntimeUnderstands_IsDeclaredInTheModdleDescriptor()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "egov-moddle.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        doc.RootElement.GetProperty("prefix").GetString().ShouldBe("egov");
        doc.RootElement.GetProperty("uri").GetString().ShouldBe(Model.Namespaces.Egov.NamespaceName);
        var declared = doc.RootElement.GetProperty("types").EnumerateArray()
            .SelectMany(t => t.GetProperty("properties").EnumerateArray())
            .Where(p => p.TryGetProperty("isAttr", out var a) && a.GetBoolean())
            .Select(p => p.GetProperty("name").GetString()).ToList();
        foreach (var attr in EgovAttributes.All) declared.ShouldContain(attr);
    }

    [Fact]
    public void SdkDoesNotReferenceTheRuntime()
    {
        var refs = typeof(WorkflowActivity).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        refs.ShouldNotContain("EGov.Workflows.Runtime");
        refs.ShouldNotContain("EGov.Workflows.Model");
    }
}

/// <summary>The engine reads time only from its injected clock.</summary>
public class ClockTests
{
    [Fact]
    public void RuntimeSource_NeverReadsTheSystemTime()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "src", "Engine", "Runtime"))) dir = Path.GetDirectoryName(dir);
        if (dir is null) return;
        var offenders = Directory.EnumerateFiles(Path.Combine(dir, "src", "Engine", "Runtime"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var s && (s.Contains("DateTime.Now", StringComparison.Ordinal) || s.Contains("DateTime.UtcNow", StringComparison.Ordinal)
                || s.Contains("DateTimeOffset.Now", StringComparison.Ordinal) || s.Contains("DateTimeOffset.UtcNow", StringComparison.Ordinal)))
            .ToList();
        offenders.ShouldBeEmpty();
    }
}

/// <summary>Scripts run by the engine see its virtual clock.</summary>
public class ScriptClockTests
{
    [Fact]
    public void AScriptAfterATimer_SeesTheTimersDueTimeAsNewDate()
    {
        var h = new Harness().Process("""
            <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
            <intermediateCatchEvent id="T"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
            <sequenceFlow id="f2" sourceRef="T" targetRef="Rec" />
            <scriptTask id="Rec" scriptFormat="javascript"><script>execution.setVariable('at', new Date().toISOString()); execution.setVariable('ms', Date.now());</script></scriptTask>
            <sequenceFlow id="f3" sourceRef="Rec" targetRef="U" /><userTask id="U" />
            """).Start();
        h.Advance("P1D");
        h.ShouldWaitAt("U");
        h.Variables["at"]!.GetValue<string>().ShouldBe("2026-01-05T09:00:00.000Z");
        h.Variables["ms"]!.GetValue<double>().ShouldBe(NodaTime.Instant.FromUtc(2026, 1, 5, 9, 0).ToUnixTimeMilliseconds());
    }
}

public sealed class ActivityContextNumberTests
{
    private static Sdk.ActivityContext With(System.Text.Json.Nodes.JsonNode? value) =>
        new("default", "p1", null, "Task", "fee", DateTimeOffset.UnixEpoch,
            new Dictionary<string, System.Text.Json.Nodes.JsonNode?> { ["n"] = value }, _ => null);

    [Theory]
    [InlineData(2L, "2")]
    [InlineData(2, "2")]
    [InlineData(19.99, "19.99")]
    public void GetDecimal_ReadsEveryNumberKind_Exactly(object raw, string expected)
    {
        var node = raw switch
        {
            long l => System.Text.Json.Nodes.JsonValue.Create(l),
            int i => System.Text.Json.Nodes.JsonValue.Create(i),
            double d => System.Text.Json.Nodes.JsonValue.Create(d),
            _ => null,
        };
        With(node).GetDecimal("n").ShouldBe(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void GetDecimal_OfAString_IsNull() =>
        With(System.Text.Json.Nodes.JsonValue.Create("30.70")).GetDecimal("n").ShouldBeNull();
}
