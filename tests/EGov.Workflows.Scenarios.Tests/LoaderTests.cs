using System.Text.Json.Nodes;
using EGov.Workflows.Scenarios.Loading;
using EGov.Workflows.Scenarios.Model;
using NodaTime;

namespace EGov.Workflows.Scenarios.Tests;

public class LoaderTests
{
    private static LoadResult Load(string yaml) => ScenarioLoader.Load(yaml, "x.scenario.yaml", "/tmp/x.scenario.yaml");

    private static Scenario Ok(string yaml)
    {
        var result = Load(yaml);
        result.Error.ShouldBeNull();
        return result.Scenario!;
    }

    [Fact]
    public void SpecExample_ReadsEveryKey()
    {
        var s = Ok("""
            name: Parallel approval joins before the decision
            deploy: [approval.bpmn, subprocess-called.bpmn]
            process: Process_Approval
            clock: 2026-03-02T09:00:00+01:00
            timezone: Europe/Berlin
            start:
              variables: { amount: 120, applicant: { name: "A. Muster" } }
              message: Antrag_eingegangen
              businessKey: "VG-2026-0001"
            services:
              Task_Check: { variables: { score: 7 } }
              topic:payment: { variables: { paid: true } }
              Task_Archive: { error: "ARCHIVE_DOWN" }
              Task_Flaky: { fail: "connection refused", times: 2 }
            steps:
              - expect: { waiting: [Task_Review_A, Task_Review_B] }
              - complete: Task_Review_A
                variables: { approvedA: true }
              - message: Zahlung_eingegangen
                correlationKey: "VG-2026-0001"
                variables: { paid: 30 }
              - signal: Unwetterwarnung
              - advance: P3D
              - expect:
                  state: completed
                  completed: [StartEvent_1, Task_Review_A, EndEvent_Approved]
                  notCompleted: [Task_Escalate]
                  counts: { Task_Review_A: 1 }
                  variables: { approvedA: true }
            """);
        s.Name.ShouldBe("Parallel approval joins before the decision");
        s.Deploy.Select(d => d.Path).ShouldBe(["approval.bpmn", "subprocess-called.bpmn"]);
        s.Process.ShouldBe("Process_Approval");
        s.Clock.ShouldBe(Instant.FromUtc(2026, 3, 2, 8, 0));
        s.Zone.Id.ShouldBe("Europe/Berlin");
        s.Start.Message.ShouldBe("Antrag_eingegangen");
        s.Start.BusinessKey.ShouldBe("VG-2026-0001");
        s.Start.Variables["applicant"]!["name"]!.GetValue<string>().ShouldBe("A. Muster");
        s.Services.Count.ShouldBe(4);
        s.Services[1].IsTopic.ShouldBeTrue();
        s.Services[1].Target.ShouldBe("payment");
        s.Services[2].Error.ShouldBe("ARCHIVE_DOWN");
        s.Services[3].Fail.ShouldBe("connection refused");
        s.Services[3].Times.ShouldBe(2);
        s.Steps.Count.ShouldBe(6);
        s.Steps[1].ShouldBeOfType<CompleteStep>().Variables["approvedA"]!.GetValue<bool>().ShouldBeTrue();
        var message = s.Steps[2].ShouldBeOfType<MessageStep>();
        message.CorrelationKey.ShouldBe("VG-2026-0001");
        s.Steps[3].ShouldBeOfType<SignalStep>().SignalName.ShouldBe("Unwetterwarnung");
        s.Steps[4].ShouldBeOfType<AdvanceStep>().Period.ShouldBe(Period.FromDays(3));
        var expect = s.Steps[5].ShouldBeOfType<ExpectStep>().Expectation;
        expect.State.ShouldBe(InstanceState.Completed);
        expect.Counts!.Single().ShouldBe(new KeyValuePair<string, int>("Task_Review_A", 1));
        expect.NotCompleted.ShouldBe(["Task_Escalate"]);
        s.Steps.Select(st => st.Number).ShouldBe([1, 2, 3, 4, 5, 6]);
    }

    [Fact]
    public void Defaults_ClockIsMonday9InBerlin_AndNoStart()
    {
        var s = Ok("deploy: [m.bpmn]");
        s.Clock.ShouldBe(Instant.FromUtc(2026, 1, 5, 8, 0));
        s.Zone.Id.ShouldBe("Europe/Berlin");
        s.Start.Variables.Count.ShouldBe(0);
        s.Steps.ShouldBeEmpty();
        s.Name.ShouldBe("x.scenario.yaml");
    }

    [Fact]
    public void Values_IntegersAreLongs_OtherNumbersDecimals_QuotedStaysText()
    {
        var v = Ok("""
            deploy: [m.bpmn]
            start:
              variables: { i: 120, neg: -3, d: 12.50, e: 1e3, q: "120", s: '7', t: true, f: false, n: null, tilde: ~, empty:, text: hello, list: [1, "a", {k: v}], obj: { umlaut: "Rüsselsheim" }, yes: yes }
            """).Start.Variables;
        v["i"]!.GetValue<long>().ShouldBe(120L);
        v["neg"]!.GetValue<long>().ShouldBe(-3L);
        v["d"]!.GetValue<decimal>().ShouldBe(12.50m);
        v["e"]!.GetValue<decimal>().ShouldBe(1000m);
        v["q"]!.GetValue<string>().ShouldBe("120");
        v["s"]!.GetValue<string>().ShouldBe("7");
        v["t"]!.GetValue<bool>().ShouldBeTrue();
        v["f"]!.GetValue<bool>().ShouldBeFalse();
        v.ContainsKey("n").ShouldBeTrue();
        v["n"].ShouldBeNull();
        v["tilde"].ShouldBeNull();
        v["empty"].ShouldBeNull();
        v["text"]!.GetValue<string>().ShouldBe("hello");
        v["list"]!.ToJsonString().ShouldBe("""[1,"a",{"k":"v"}]""");
        v["obj"]!["umlaut"]!.GetValue<string>().ShouldBe("Rüsselsheim");
        v["yes"]!.GetValue<string>().ShouldBe("yes");
    }

    [Theory]
    [InlineData("deploy: [m.bpmn]\nstpes: []\n", "x.scenario.yaml:2:1: unknown key 'stpes' in scenario; expected one of name, deploy, process, clock, timezone, land, start, services, steps")]
    [InlineData("name: n\nsteps: []\n", "x.scenario.yaml:1:1: missing 'deploy': the models to deploy, e.g. deploy: [model.bpmn]")]
    [InlineData("deploy: [m.bpmn]\nsteps:\n  - expect: { waitng: [A] }\n", "x.scenario.yaml:3:15: unknown key 'waitng' in expect; expected one of state, waiting, completed, notCompleted, counts, variables, incidents, version, legalBasis, fristen, due")]
    [InlineData("deploy: [m.bpmn]\nsteps:\n  - expect: { state: done }\n", "x.scenario.yaml:3:22: unknown state 'done'; expected running, completed, terminated or incident")]
    [InlineData("deploy: [m.bpmn]\nsteps:\n  - expect: { waiting: A }\n", "x.scenario.yaml:3:24: 'waiting' must be a list of element ids, e.g. [Task_A, Task_B]")]
    [InlineData("deploy: [m.bpmn]\nsteps:\n  - expect: { counts: { A: two } }\n", "x.scenario.yaml:3:28: expected a whole number for a count for 'A', found 'two'")]
    [InlineData("deploy: [m.bpmn]\nsteps:\n  - advance: 3 days\n", "x.scenario.yaml:3:14: '3 days' is not an ISO 8601 duration; expected e.g. P3D, PT1H30M, P1M")]
    [InlineData("deploy: [m.bpmn]\nsteps:\n  - complete: A\n    message: M\n", "x.scenario.yaml:4:5: one action per step: 'complete' and 'message' need two steps")]
    [InlineData("deploy: [m.bpmn]\nsteps:\n  - complete: A\n    varibles: { a: 1 }\n", "x.scenario.yaml:4:5: unknown key 'varibles' in a complete step; expected one of complete, variables, user, refused")]
    [InlineData("deploy: [m.bpmn]\nsteps:\n  - wait: P1D\n", "x.scenario.yaml:3:5: unknown step 'wait'; expected one of complete, message, signal, advance, expect, start, case, verlaengern")]
    [InlineData("deploy: [m.bpmn]\nservices:\n  T: { fail: boom, times: x }\n", "x.scenario.yaml:3:27: expected a whole number for 'times' (how often the service fails before it succeeds), found 'x'")]
    [InlineData("deploy: [m.bpmn]\nservices:\n  T: { error: E, fail: boom }\n", "x.scenario.yaml:3:6: service 'T' has both 'error' and 'fail'; choose one")]
    [InlineData("deploy: [m.bpmn]\nservices:\n  T: { varaibles: {} }\n", "x.scenario.yaml:3:8: unknown key 'varaibles' in service 'T'; expected one of variables, error, fail, times")]
    [InlineData("deploy: [m.bpmn]\ntimezone: Mars/Olympus\n", "x.scenario.yaml:2:11: unknown time zone 'Mars/Olympus'; expected an IANA id such as Europe/Berlin")]
    [InlineData("deploy: [m.bpmn]\nland: Hesse\n", "x.scenario.yaml:2:7: unknown Land 'Hesse'; expected one of BW, BY, BE, BB, HB, HH, HE, MV, NI, NW, RP, SL, SN, ST, SH, TH")]
    [InlineData("deploy: [m.bpmn]\nsteps:\n  - expect: { fristen: { P: 31.01.2027 } }\n", "x.scenario.yaml:3:29: '31.01.2027' is not a day; expected YYYY-MM-DD")]
    [InlineData("deploy: [m.bpmn]\nsteps:\n  - expect: { due: [T] }\n", "x.scenario.yaml:3:20: 'due' must map element ids to days, e.g. { Task_A: 2026-03-02 }")]
    [InlineData("deploy: [m.bpmn]\nclock: tomorrow\n", "x.scenario.yaml:2:8: 'tomorrow' is not a date and time; expected e.g. 2026-03-02T09:00:00+01:00")]
    [InlineData("deploy: [m.bpmn]\nname: a\nname: b\n", "x.scenario.yaml:3:1: duplicate key 'name'")]
    [InlineData("deploy: [m.bpmn]\nstart: { variables: [1, 2] }\n", "x.scenario.yaml:2:21: 'variables' must be a mapping of names to values, e.g. { amount: 120 }")]
    [InlineData("", "x.scenario.yaml:1:1: the file is empty; expected a scenario (name, deploy, steps)")]
    [InlineData("- a\n- b\n", "x.scenario.yaml:1:1: expected a mapping with name, deploy, steps")]
    public void Errors_NameFileLineColumn_AndWhatWasExpected(string yaml, string expected) =>
        Load(yaml).ErrorText.ShouldBe(expected);

    [Fact]
    public void BadYaml_IsAPositionedError_NotAnException()
    {
        var result = Load("name: broken\ndeploy: [m.bpmn\nsteps: []\n");
        result.Ok.ShouldBeFalse();
        result.Name.ShouldBeNull();
        result.ErrorText.ShouldStartWith("x.scenario.yaml:");
        result.Error.ShouldStartWith("invalid YAML: ");
        result.Error.ShouldNotContain("   at ");
    }

    [Fact]
    public void BadYaml_ATagThatIsNoUri_IsAPositionedError_NotAnException()
    {
        // Found by the scenario loader's fuzzer (seed fpFgBqjzsfT2): YamlDotNet throws ArgumentException for such a tag.
        var result = Load("name: n\ndeploy: [m.bpmn]\nstart: {!" + new string('!', 40) + "[[[[ variables: { a: 0 } }\n");
        result.Ok.ShouldBeFalse();
        result.Error.ShouldStartWith("invalid YAML: ");
        result.Error.ShouldNotContain("Parameter");
    }

    [Fact]
    public void BadYaml_BadIndentation_IsPositioned()
    {
        var result = Load("name: n\ndeploy: [m.bpmn]\nsteps:\n  - expect: { state: running }\n   - complete: A\n");
        result.Ok.ShouldBeFalse();
        result.ErrorAt!.Value.Line.ShouldBeGreaterThanOrEqualTo(4);
        result.Error.ShouldStartWith("invalid YAML: ");
    }

    [Fact]
    public void ErrorAfterTheName_KeepsTheNameForTheReport()
    {
        var result = Load("name: My scenario\ndeploy: [m.bpmn]\nsteps:\n  - jump: A\n");
        result.Name.ShouldBe("My scenario");
        result.ErrorAt.ShouldBe(new TextPosition(4, 5));
    }

    [Fact]
    public void Clock_AcceptsUtcAndLocalTimesInTheZone()
    {
        Ok("deploy: [m.bpmn]\nclock: 2026-07-01T10:00:00Z\n").Clock.ShouldBe(Instant.FromUtc(2026, 7, 1, 10, 0));
        Ok("deploy: [m.bpmn]\nclock: 2026-07-01T10:00:00\n").Clock.ShouldBe(Instant.FromUtc(2026, 7, 1, 8, 0));
        Ok("deploy: [m.bpmn]\ntimezone: UTC\nclock: 2026-07-01T10:00:00\n").Clock.ShouldBe(Instant.FromUtc(2026, 7, 1, 10, 0));
    }

    [Fact]
    public void Deploy_AcceptsOneFileWithoutBrackets()
    {
        Ok("deploy: model.bpmn").Deploy.Single().Path.ShouldBe("model.bpmn");
    }

    [Fact]
    public void Advance_NegativeDurationsAreRefused()
    {
        Load("deploy: [m.bpmn]\nsteps:\n  - advance: P-1D\n").Error.ShouldBe("'P-1D' goes back in time; the clock only moves forward");
    }

    [Fact]
    public void Services_TopicKeysAndElementKeys()
    {
        var s = Ok("deploy: [m]\nservices:\n  topic:payment: { variables: { paid: true } }\n  Pay: {}\n");
        s.Services[0].Key.ShouldBe("topic:payment");
        s.Services[0].Variables["paid"]!.GetValue<bool>().ShouldBeTrue();
        s.Services[1].IsTopic.ShouldBeFalse();
        s.Services[1].Target.ShouldBe("Pay");
    }

    [Fact]
    public void Anchors_AreResolved()
    {
        var s = Ok("deploy: [m]\nstart: { variables: { a: &x { k: 1 }, b: *x } }\n");
        JsonNode.DeepEquals(s.Start.Variables["a"], s.Start.Variables["b"]).ShouldBeTrue();
    }
}
