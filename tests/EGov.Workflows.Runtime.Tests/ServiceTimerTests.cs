using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

/// <summary>
/// A timer reads the service.yaml's periods as <c>service.aufbewahrungsfrist</c> / <c>service.bearbeitungsfrist</c>, so a
/// retention timer need not repeat (and drift from) the catalogue's Aufbewahrungsfrist.
/// </summary>
public sealed class ServiceTimerTests
{
    private const string Model = """
        <startEvent id="S" /><sequenceFlow id="f1" sourceRef="S" targetRef="T" />
        <intermediateCatchEvent id="T"><timerEventDefinition><timeDuration>${service.aufbewahrungsfrist}</timeDuration></timerEventDefinition></intermediateCatchEvent>
        <sequenceFlow id="f2" sourceRef="T" targetRef="E" /><endEvent id="E" />
        """;

    private static Harness With(string? aufbewahrungsfrist, Period? bearbeitungsfrist = null) => new(b => b
        .UseServiceFacts(pid => pid == "P" && aufbewahrungsfrist is not null ? new ServiceFacts(pid) { Aufbewahrungsfrist = aufbewahrungsfrist } : null)
        .UseBearbeitungsfrist(pid => pid == "P" ? bearbeitungsfrist : null));

    [Theory]
    [InlineData("P6Y", 2032)]
    [InlineData("P10Y", 2036)]
    public void The_retention_timer_waits_the_aufbewahrungsfrist_of_the_service(string frist, int year)
    {
        var h = With(frist).Process(Model).Start();
        h.Waiting.ShouldBe(["T"]);
        h.Engine.NextDueTime().ShouldBe(Instant.FromUtc(year, 1, 5, 8, 0));
        h.Advance("P" + (year - 2026) + "Y");
        h.State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public void A_variable_named_service_cannot_shorten_the_catalogues_retention()
    {
        var h = With("P6Y").Process(Model).Start(new { service = new { aufbewahrungsfrist = "P1D" } });
        h.Engine.NextDueTime().ShouldBe(Instant.FromUtc(2032, 1, 5, 8, 0));
    }

    [Fact]
    public void The_bearbeitungsfrist_is_offered_too()
    {
        var h = With(null, Period.FromDays(10)).Process(Model.Replace("service.aufbewahrungsfrist", "service.bearbeitungsfrist")).Start();
        h.Engine.NextDueTime().ShouldBe(Instant.FromUtc(2026, 1, 15, 8, 0));
    }

    [Fact]
    public void Without_an_aufbewahrungsfrist_the_timer_is_an_incident_that_says_so()
    {
        var h = With(null, Period.FromDays(10)).Process(Model).Start();
        h.State.ShouldNotBe(InstanceState.Completed);
        h.View.Incidents.ShouldHaveSingleItem().Message.ShouldContain("gave nothing");
    }
}
