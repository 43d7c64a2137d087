using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// IRuntimeStore.RemainingDurations — the history behind the citizens' expected completion date: per completed case of one
/// version, the time from the first element of a milestone to the case's end; never running, cancelled, other versions'
/// or other tenants' cases. One query on SQLite and PostgreSQL; the in-memory store answers the same.
/// </summary>
public sealed class RemainingDurationsTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private const string Model = Models.Head + """
          <process id="Antrag" isExecutable="true">
            <startEvent id="Start" />
            <userTask id="Eingang" />
            <userTask id="Pruefen" />
            <endEvent id="Ende" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Eingang" />
            <sequenceFlow id="f2" sourceRef="Eingang" targetRef="Pruefen" />
            <sequenceFlow id="f3" sourceRef="Pruefen" targetRef="Ende" />
          </process>
        </definitions>
        """;

    [Theory, MemberData(nameof(Providers))]
    public void RemainingDurations_OfCompletedCasesOfTheVersion_FromTheMilestonesFirstElement(string provider)
    {
        using var db = TestDatabases.Create(provider);
        Check(db.OpenStore());
    }

    [Fact]
    public void RemainingDurations_InMemory_AnswerTheSame() => Check(new InMemoryRuntimeStore());

    private static void Check(IRuntimeStore store)
    {
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Model);
        string Task(string instance, string element) => engine.OpenUserTasks(instance).Single(t => t.ElementId == element).Id;

        // Three finished cases: 1, 2 and 3 hours from "Pruefen" to the end (and a day in "Eingang" before, which does not count).
        foreach (var hours in new[] { 2, 1, 3 })
        {
            var id = engine.StartProcess("Antrag");
            clock.AdvanceHours(24);
            engine.CompleteUserTask(Task(id, "Eingang"), null, "clerk");
            clock.AdvanceHours(hours);
            engine.CompleteUserTask(Task(id, "Pruefen"), null, "clerk");
        }
        var running = engine.StartProcess("Antrag");
        engine.CompleteUserTask(Task(running, "Eingang"), null, "clerk");
        var cancelled = engine.StartProcess("Antrag");
        engine.CompleteUserTask(Task(cancelled, "Eingang"), null, "clerk");
        engine.CancelInstance(cancelled);
        var other = Models.Deployed(store, clock, Model, "06412000");
        var foreign = other.StartProcess("Antrag");
        foreach (var t in other.OpenUserTasks(foreign)) other.CompleteUserTask(t.Id, null, "x");
        foreach (var t in other.OpenUserTasks(foreign)) other.CompleteUserTask(t.Id, null, "x");

        var durations = store.RemainingDurations("default", "Antrag", 1, ["Pruefen"], 100);
        durations.OrderBy(d => d).ShouldBe([Duration.FromHours(1), Duration.FromHours(2), Duration.FromHours(3)]);
        store.RemainingDurations("default", "Antrag", 1, ["Eingang"], 100).OrderBy(d => d)
            .ShouldBe([Duration.FromHours(25), Duration.FromHours(26), Duration.FromHours(27)]);
        store.RemainingDurations("default", "Antrag", 1, ["Pruefen"], 2).Count.ShouldBe(2, "at most max");
        store.RemainingDurations("default", "Antrag", 1, ["Pruefen"], 2).ShouldAllBe(d => d != Duration.FromHours(2), "the most recently ended first");
        store.RemainingDurations("default", "Antrag", 2, ["Pruefen"], 100).ShouldBeEmpty();
        store.RemainingDurations("default", "Antrag", 1, ["Unbekannt"], 100).ShouldBeEmpty();
        store.RemainingDurations("default", "Antrag", 1, [], 100).ShouldBeEmpty();
        store.RemainingDurations("06412000", "Antrag", 1, ["Pruefen"], 100).ShouldBe([Duration.Zero]);
    }
}
