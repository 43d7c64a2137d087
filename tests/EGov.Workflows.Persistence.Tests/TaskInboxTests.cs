using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Postkorb;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// The Postkorb's task index (task_inbox): the durable stores answer every inbox query exactly as the in-memory store
/// (the semantics in code, InboxMatching) does — same tasks, same order, same totals — and keep it in step with commands.
/// </summary>
public sealed class TaskInboxTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private const string Model = Models.Head + """
          <process id="Inbox" name="Posteingang" isExecutable="true">
            <startEvent id="Start" />
            <userTask id="Bearbeiten" name="${name}" camunda:assignee="${assignee}" camunda:candidateGroups="${groups}"
                      camunda:candidateUsers="${users}" camunda:dueDate="${due}" camunda:followUpDate="${followUp}" camunda:priority="${priority}" />
            <endEvent id="Ende" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Bearbeiten" />
            <sequenceFlow id="f2" sourceRef="Bearbeiten" targetRef="Ende" />
          </process>
        </definitions>
        """;

    private static JsonObject Task(string name, string? assignee, string groups, string users, string? due, string? followUp, int priority) => new()
    {
        ["name"] = name, ["assignee"] = assignee, ["groups"] = groups, ["users"] = users, ["due"] = due, ["followUp"] = followUp,
        ["priority"] = priority.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The same 40 tasks in each engine: groups g0..g3, some assigned, some with candidate users, dues in the past and future.</summary>
    private static void Fill(WorkflowEngine engine)
    {
        for (var i = 0; i < 40; i++)
        {
            var groups = string.Join(",", new[] { $"g{i % 4}", i % 5 == 0 ? "g1" : null }.Where(g => g is not null).Distinct());
            var assignee = i % 3 == 0 ? (i % 2 == 0 ? "erika" : "max") : null;
            var users = i % 7 == 0 ? "erika" : "";
            var due = i % 6 == 5 ? null : $"2026-03-{(i % 9) + 1:00}T12:00:00Z";
            var followUp = i % 4 == 1 ? "2026-03-01T00:00:00Z" : null;
            var id = engine.StartProcess("Inbox", Task($"Aufgabe {i}", assignee, groups, users, due, followUp, 40 + (i % 5) * 10),
                $"AZ-{(i * 7) % 40:000}{(i % 10 == 3 ? "-Bau" : i % 10 == 7 ? "-Änderung" : "")}");
            _ = id;
        }
    }

    private static IEnumerable<InboxQuery> Queries(Instant now)
    {
        string[] erika = [InboxPrincipal.Assignee("erika"), InboxPrincipal.CandidateUser("erika"), InboxPrincipal.Group("g1"), InboxPrincipal.Group("g2")];
        yield return new InboxQuery { Principals = [InboxPrincipal.Group("g1")] };
        yield return new InboxQuery { Principals = [InboxPrincipal.Group("g1"), InboxPrincipal.Group("g2")], Limit = 7, Offset = 3 };
        yield return new InboxQuery { Principals = [InboxPrincipal.Assignee("erika")] };
        yield return new InboxQuery { Principals = [InboxPrincipal.CandidateUser("erika")], Unassigned = true };
        yield return new InboxQuery { Principals = erika, DueBefore = now + Duration.FromDays(2) };
        yield return new InboxQuery { Principals = erika, FollowUpUntil = now };
        yield return new InboxQuery { Principals = erika, Sort = InboxSort.Priority, Descending = true };
        yield return new InboxQuery { Principals = erika, Sort = InboxSort.Name };
        yield return new InboxQuery { Principals = erika, Sort = InboxSort.BusinessKey, Descending = true, Limit = 5 };
        yield return new InboxQuery { Principals = erika, Sort = InboxSort.Created };
        yield return new InboxQuery { Principals = erika, Text = "bau" };
        yield return new InboxQuery { Principals = erika, Text = "änderung" }; // umlauts in any case, SQLite too
        yield return new InboxQuery { Principals = erika, Text = "ÄNDERUNG" };
        yield return new InboxQuery { Principals = erika, Text = "posteing", Assignee = "erika" };
        yield return new InboxQuery { Principals = erika, CandidateGroup = "g2", ProcessId = "Inbox" };
        yield return new InboxQuery { Principals = erika, Text = "%" };
        yield return new InboxQuery { Principals = erika, RootInstanceId = "nothing" };
        yield return new InboxQuery { Principals = [] };
    }

    [Theory, MemberData(nameof(Providers))]
    public void EveryQuery_IsAnsweredAsTheInMemoryStoreAnswersIt(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var durable = Models.Deployed(db.OpenStore(), clock, Model);
        var memory = Models.Deployed(new InMemoryRuntimeStore(), clock, Model);
        Fill(durable);
        Fill(memory);

        foreach (var q in Queries(clock.GetCurrentInstant()))
        {
            var expected = memory.QueryInbox(q);
            var actual = durable.QueryInbox(q);
            actual.Items.Select(r => r.BusinessKey).ShouldBe(expected.Items.Select(r => r.BusinessKey), $"{q}");
            actual.Total.ShouldBe(expected.Total, $"{q}");
            durable.CountInbox([q]).ShouldBe([expected.Total], $"{q}");
        }
        durable.CountInbox(Queries(clock.GetCurrentInstant()).ToList()).ShouldBe(memory.CountInbox(Queries(clock.GetCurrentInstant()).ToList()));
        memory.QueryInbox(Queries(clock.GetCurrentInstant()).First()).Total.ShouldBeGreaterThan(5);
    }

    [Theory, MemberData(nameof(Providers))]
    public void TheIndex_FollowsClaimDelegationFollowUpAndCompletion_AndOtherTenantsSeeNothing(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var clock = Models.Clock();
        var store = db.OpenStore();
        var engine = Models.Deployed(store, clock, Model);
        var other = Models.Deployed(store, clock, Model, tenant: "06412000");
        engine.StartProcess("Inbox", Task("Prüfen", null, "g1", "", "P1D", null, 50), "AZ-1");
        var task = engine.QueryInbox(new InboxQuery { Principals = [InboxPrincipal.Group("g1")] }).Items.Single();
        task.ProcessVersion.ShouldBe(1);
        task.Task.ProcessName.ShouldBe("Posteingang");
        other.QueryInbox(new InboxQuery { Principals = [InboxPrincipal.Group("g1")] }).Total.ShouldBe(0);

        engine.ClaimUserTask(task.Task.Id, "erika", takeOver: false);
        engine.CountInbox([new InboxQuery { Principals = [InboxPrincipal.Assignee("erika")] }]).ShouldBe([1L]);
        engine.DelegateUserTask(task.Task.Id, "jan", "erika");
        engine.CountInbox([new InboxQuery { Principals = [InboxPrincipal.Assignee("erika")] }, new InboxQuery { Principals = [InboxPrincipal.Assignee("jan")] }]).ShouldBe([0L, 1L]);
        engine.QueryInbox(new InboxQuery { Principals = [InboxPrincipal.Assignee("jan")] }).Items.Single().Task.Owner.ShouldBe("erika");
        engine.SetUserTaskFollowUp(task.Task.Id, clock.GetCurrentInstant(), "jan");
        engine.CountInbox([new InboxQuery { Principals = [InboxPrincipal.Group("g1")], FollowUpUntil = clock.GetCurrentInstant() }]).ShouldBe([1L]);
        engine.ResolveUserTask(task.Task.Id, null, "jan");
        engine.CompleteUserTask(task.Task.Id, null, "erika", null);
        engine.CountInbox([new InboxQuery { Principals = [InboxPrincipal.Group("g1")] }]).ShouldBe([0L]);
        store.TaskHistory("default", task.RootInstanceId).Select(x => x.Event.ToString()).ShouldBe(["Created", "Assigned", "Delegated", "Resolved", "Completed"]);
    }

    [Fact]
    public void UpgradingADatabaseWithOpenTasks_BuildsTheirIndexRows()
    {
        using var db = TestDatabases.Create("sqlite");
        var clock = Models.Clock();
        var engine = Models.Deployed(db.OpenStore(), clock, Model);
        engine.StartProcess("Inbox", Task("Prüfen", "erika", "g1,g2", "", "P1D", null, 50), "AZ-1");
        // Back to the schema before 0007, with the open task's document and row still there.
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection(db.Options.ConnectionString))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                DROP TABLE task_inbox; DROP TABLE absences; DROP TABLE task_filters; DROP TABLE case_comments; DROP TABLE case_attachments;
                DROP TABLE attachment_blobs; ALTER TABLE history_tasks DROP COLUMN on_behalf_of; DELETE FROM schema_version WHERE version = 7;
                """;
            cmd.ExecuteNonQuery();
        }
        var upgraded = Models.Deployed(db.OpenStore(), clock, Model);
        upgraded.CountInbox([
            new InboxQuery { Principals = [InboxPrincipal.Assignee("erika")] },
            new InboxQuery { Principals = [InboxPrincipal.Group("g1"), InboxPrincipal.Group("g2")] },
        ]).ShouldBe([1L, 1L]);
    }

    [Theory, MemberData(nameof(Providers))]
    public void PostkorbData_AbsencesFiltersCommentsAttachments_AreKeptPerTenant(string provider)
    {
        using var db = TestDatabases.Create(provider);
        db.OpenStore();
        var now = Models.Start;
        foreach (var data in new IPostkorbStore[] { new SqlPostkorbStore(db.Options), new InMemoryPostkorbStore() })
        {
            data.AddAbsence("t1", new Absence("a1", "erika", "jan", now, now + Duration.FromDays(5), "erika", now));
            data.AddAbsence("t1", new Absence("a2", "max", "jan", now + Duration.FromDays(10), now + Duration.FromDays(12), "lead", now));
            data.AbsentUsersFor("t1", "jan", now + Duration.FromHours(1)).ShouldBe(["erika"]);
            data.AbsentUsersFor("t1", "jan", now + Duration.FromDays(5)).ShouldBeEmpty();
            data.AbsentUsersFor("t2", "jan", now + Duration.FromHours(1)).ShouldBeEmpty();
            data.Absences("t1", null, "jan", now).Select(a => a.Id).ShouldBe(["a1", "a2"]);
            data.DeleteAbsence("t1", "a1").ShouldBeTrue();
            data.FindAbsence("t1", "a1").ShouldBeNull();

            data.AddFilter("t1", new SavedFilter("f1", "erika", "Meine Bauanträge", """{"q":"Bau"}""", """["antragsteller"]""", null, now));
            data.AddFilter("t1", new SavedFilter("f2", "max", "Team", """{}""", "[]", "g1", now));
            data.Filters("t1", "erika", ["g1"]).Select(f => f.Id).ShouldBe(["f1", "f2"]);
            data.Filters("t1", "erika", []).Select(f => f.Id).ShouldBe(["f1"]);
            data.Filters("t2", "erika", ["g1"]).ShouldBeEmpty();

            data.AddComment("t1", new CaseComment("c1", "i1", "erika", null, "Unterlagen fehlen", now));
            data.Comments("t1", "i1").Single().Text.ShouldBe("Unterlagen fehlen");
            data.Comments("t2", "i1").ShouldBeEmpty();

            var bytes = "%PDF-1.4 x"u8.ToArray();
            data.AddAttachment("t1", new CaseAttachment("i1", "abc", "a.pdf", "application/pdf", bytes.Length, "erika", now), bytes);
            data.AddAttachment("t1", new CaseAttachment("i2", "abc", "b.pdf", "application/pdf", bytes.Length, "erika", now), bytes);
            data.Attachments("t1", "i1").Single().Name.ShouldBe("a.pdf");
            data.AttachmentContent("t1", "abc").ShouldBe(bytes);
            data.AttachmentContent("t2", "abc").ShouldBeNull();
        }
    }
}
