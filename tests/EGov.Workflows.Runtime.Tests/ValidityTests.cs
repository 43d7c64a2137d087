using EGov.Workflows.Bpmn.Reading;
using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>Law-bound versions: egov:validFrom/validTo choose the version a new case starts on; overlaps and gaps are refused at deploy.</summary>
public class ValidityTests
{
    private static Model.Definitions Model(string task, string validity) => new BpmnReader().ReadString(Harness.Head + $"""
        <process id="P" isExecutable="true" {validity}>
          <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="{task}" /><userTask id="{task}" />
        </process></definitions>
        """, $"{task}.bpmn").Definitions!;

    private static Harness At(int year, int month, int day, int hour = 12)
    {
        var h = new Harness();
        h.Clock.Reset(Instant.FromUtc(year, month, day, hour, 0));
        return h;
    }

    [Fact]
    public void NewCase_StartsOnTheVersionValidOnItsApplicationDate_NotTheLatest()
    {
        var h = At(2026, 12, 31, 22); // 23:00 in Berlin
        h.Engine.Deploy([("alt.bpmn", Model("Alt", "egov:validTo=\"2026-12-31\" egov:legalBasis=\"Satzung 2026\"")),
                         ("neu.bpmn", Model("Neu", "egov:validFrom=\"2027-01-01\" egov:legalBasis=\"Satzung 2027\""))]);
        var before = h.Engine.StartProcess("P");
        h.Engine.GetInstance(before).Version.ShouldBe(1);
        h.Engine.GetInstance(before).LegalBasis.ShouldBe("Satzung 2026");

        h.Clock.Advance(Duration.FromHours(1)); // midnight in Berlin, 23:00 UTC
        var after = h.Engine.StartProcess("P");
        h.Engine.GetInstance(after).Version.ShouldBe(2);
        h.Engine.OpenUserTasks(after).Single().ElementId.ShouldBe("Neu");
        h.Engine.OpenUserTasks(before).Single().ElementId.ShouldBe("Alt"); // the old case stays on its version
        h.Engine.Deployed().Single().ValidFrom.ShouldBe(new LocalDate(2027, 1, 1));
    }

    [Fact]
    public void ApplicationDate_ChoosesTheVersion_AndADateNoVersionCovers_IsRefused()
    {
        var h = At(2027, 1, 2);
        h.Engine.Deploy([("a.bpmn", Model("A", "egov:validFrom=\"2026-01-01\"")), ("b.bpmn", Model("B", "egov:validFrom=\"2027-01-01\" egov:validTo=\"2027-12-31\""))]);
        var late = h.Engine.StartProcessAs(null, "P", applicationDate: new LocalDate(2026, 12, 30)); // applied for in December, entered in January
        h.Engine.GetInstance(late).Version.ShouldBe(1);
        Should.Throw<WorkflowCommandException>(() => h.Engine.StartProcessAs(null, "P", applicationDate: new LocalDate(2025, 6, 1)))
            .Message.ShouldBe("process 'P' has no version valid on 2025-06-01 (version 1: 2026-01-01 to 2026-12-31, version 2: 2027-01-01 to 2027-12-31)");
        Should.Throw<WorkflowCommandException>(() => h.Engine.StartProcessAs(null, "P", applicationDate: new LocalDate(2028, 1, 1)));
    }

    [Fact]
    public void Overlap_IsRefusedAtDeploy_WithBothPeriodsAndAFix()
    {
        var h = At(2026, 6, 1);
        h.Engine.Deploy([("a.bpmn", Model("A", "egov:validFrom=\"2026-01-01\" egov:validTo=\"2027-03-31\""))]);
        var e = Should.Throw<DeploymentException>(() => h.Engine.Deploy([("b.bpmn", Model("B", "egov:validFrom=\"2027-01-01\""))]));
        e.Messages.Single().ShouldBe("b.bpmn: process 'P': the validity of version 1 (2026-01-01 to 2027-03-31) overlaps version 2 (from 2027-01-01); " +
                                     "a case applied for on 2027-01-01 would match both: let version 1 end on 2026-12-31 or version 2 begin on 2027-04-01");
        h.Engine.Deployed().Single().Version.ShouldBe(1); // nothing deployed
    }

    [Fact]
    public void Gap_IsRefusedAtDeploy()
    {
        var h = At(2026, 6, 1);
        h.Engine.Deploy([("a.bpmn", Model("A", "egov:validTo=\"2026-12-31\""))]);
        Should.Throw<DeploymentException>(() => h.Engine.Deploy([("b.bpmn", Model("B", "egov:validFrom=\"2027-02-01\""))]))
            .Messages.Single().ShouldContain("a gap between version 1 (valid to 2026-12-31) and version 2 (valid from 2027-02-01): applications from 2027-01-01 to 2027-01-31 would find no version");
    }

    [Fact]
    public void AnOpenEndedVersion_EndsWhereTheNextBegins_AndTheSameValidFromReplaces()
    {
        var h = At(2026, 6, 1);
        h.Engine.Deploy([("a.bpmn", Model("A", ""))]);                                  // since ever
        h.Engine.Deploy([("b.bpmn", Model("B", "egov:validFrom=\"2027-01-01\""))]);    // deployed ahead
        h.Engine.GetInstance(h.Engine.StartProcess("P")).Version.ShouldBe(1);
        h.Engine.Deploy([("a2.bpmn", Model("A2", ""))]);                                // a correction of today's version
        h.Engine.OpenUserTasks(h.Engine.StartProcess("P")).Single().ElementId.ShouldBe("A2");
        h.Clock.Reset(Instant.FromUtc(2027, 1, 1, 8, 0));
        h.Engine.OpenUserTasks(h.Engine.StartProcess("P")).Single().ElementId.ShouldBe("B");
    }

    [Fact]
    public void ABadDate_OrValidToBeforeValidFrom_IsRefusedWithItsPosition()
    {
        var h = At(2026, 6, 1);
        Should.Throw<DeploymentException>(() => h.Engine.Deploy([("a.bpmn", Model("A", "egov:validFrom=\"2026-02-30\""))]))
            .Messages.Single().ShouldMatch(@"^a\.bpmn:\d+:\d+: error: egov:validFrom '2026-02-30' is not a date \(YYYY-MM-DD\)$");
        Should.Throw<DeploymentException>(() => h.Engine.Deploy([("a.bpmn", Model("A", "egov:validFrom=\"2026-02-01\" egov:validTo=\"2026-01-31\""))]))
            .Messages.Single().ShouldContain("egov:validTo 2026-01-31 is before egov:validFrom 2026-02-01");
    }
}
