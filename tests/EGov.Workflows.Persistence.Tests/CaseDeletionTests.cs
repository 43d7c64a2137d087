using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Retention;
using EGov.Workflows.Runtime;
using NodaTime;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// DSGVO deletion after the retention period: every row with the case's personal data goes, a tombstone stays, in one
/// transaction; a second run deletes nothing; a case whose Aussonderung did not finish is kept. On SQLite and PostgreSQL.
/// </summary>
public sealed class CaseDeletionTests
{
    public static TheoryData<string> Providers() => TestDatabases.Providers();

    private static readonly CaseRetentionRule SixYears = new("Bescheid", Period.FromYears(6), "service.yaml bescheid: aufbewahrungsfrist P6Y");

    private static (TestDatabase Db, EfRuntimeStore Store, NodaTime.Testing.FakeClock Clock, WorkflowEngine Engine) Setup(string provider)
    {
        var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Bescheid());
        return (db, store, clock, engine);
    }

    private static void Exec(TestDatabase db, string sql)
    {
        using var conn = Schema.SchemaMigrator.Open(db.Options);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>The case file and the citizen's side of a case, as the host's stores write them.</summary>
    private static void CaseFile(TestDatabase db, string root, string hash)
    {
        Exec(db, $"INSERT INTO case_comments (tenant_id, id, root_instance_id, user_id, text, created_at) VALUES ('default', 'c-{root}', '{root}', 'erika', 'Frau Mustermann hat angerufen', 1)");
        Exec(db, $"INSERT INTO case_attachments (tenant_id, root_instance_id, hash, name, content_type, size, user_id, created_at) VALUES ('default', '{root}', '{hash}', 'Ausweis.pdf', 'application/pdf', 4, 'erika', 1)");
        Exec(db, $"INSERT INTO attachment_blobs (tenant_id, hash, size, content) VALUES ('default', '{hash}', 4, X'25504446')".Replace("X'25504446'", db.Options.Provider == StoreProvider.Sqlite ? "X'25504446'" : "'\\x25504446'::bytea", StringComparison.Ordinal));
        Exec(db, $"INSERT INTO citizen_cases (tenant_id, owner, instance_id, process_id, aktenzeichen, created_at) VALUES ('default', 'owner-hash', '{root}', 'Bescheid', 'BP-2026-0042', 1)");
        Exec(db, $"INSERT INTO citizen_access_codes (tenant_id, aktenzeichen, instance_id, code_hash, created_at) VALUES ('default', 'BP-2026-0042-{root}', '{root}', 'h', 1)");
        Exec(db, $"INSERT INTO citizen_inquiries (tenant_id, id, instance_id, task_id, question, asked_by, asked_at) VALUES ('default', 'q-{root}', '{root}', 't', 'Bitte Meldebescheinigung nachreichen', 'erika', 1)");
        Exec(db, $"INSERT INTO citizen_mail_outbox (tenant_id, id, instance_id, kind, created_at, next_attempt_at) VALUES ('default', 'm-{root}', '{root}', 'rueckfrage', 1, 1)");
    }

    [Theory, MemberData(nameof(Providers))]
    public void After_the_retention_period_the_personal_data_go_and_a_tombstone_stays(string provider)
    {
        var (db, store, clock, engine) = Setup(provider);
        using var _ = db;
        var id = engine.StartProcess("Bescheid", new JsonObject { ["antragsteller"] = "Erika Mustermann", ["eakte"] = new JsonObject { ["aktenzeichen"] = "32.10.05-2026-0042" } }, "2026-0042");
        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        CaseFile(db, id, "aa11");
        var service = new CaseDeletionService(store, clock);

        // Ended 2026-03-02: the Frist P6Y ends with 2032-03-02; the deletion comes on 2032-03-03.
        clock.Reset(Instant.FromUtc(2032, 3, 2, 12, 0));
        service.RunOnce("default", [SixYears]).ShouldBeEmpty();
        engine.GetInstance(id).Variables["antragsteller"]!.GetValue<string>().ShouldBe("Erika Mustermann");

        clock.Reset(Instant.FromUtc(2032, 3, 3, 0, 30)); // 01:30 in Berlin
        var result = service.RunOnce("default", [SixYears]).ShouldHaveSingleItem();

        result.AlreadyDeleted.ShouldBeFalse();
        var t = result.Tombstone;
        t.RootInstanceId.ShouldBe(id);
        t.Aktenzeichen.ShouldBe("32.10.05-2026-0042");
        t.ProcessId.ShouldBe("Bescheid");
        t.EndedAt.ShouldBe(Models.Start);
        t.DeletedAt.ShouldBe(clock.GetCurrentInstant());
        t.Reason.ShouldContain("Aufbewahrungsfrist P6Y");
        t.Reason.ShouldContain("2032-03-02");
        t.Rule.ShouldBe("service.yaml bescheid: aufbewahrungsfrist P6Y");
        t.DeletedBy.ShouldBe(CaseDeletionService.Scheduled);
        t.Deleted["instances"].ShouldBe(1);
        t.Deleted["history_variables"].ShouldBeGreaterThan(0);
        t.Deleted["case_comments"].ShouldBe(1);
        t.Deleted["citizen_cases"].ShouldBe(1);
        result.UnusedAttachmentHashes.ShouldBe(["aa11"]);

        store.Load("default", id).ShouldBeNull();
        engine.History(id).ShouldBeEmpty();
        engine.VariableHistory(id).ShouldBeEmpty();
        foreach (var table in new[] { "instances", "history_variables", "history_element_instances", "case_comments", "case_attachments", "attachment_blobs", "citizen_cases", "citizen_access_codes", "citizen_inquiries", "citizen_mail_outbox" })
            CommitTests.CountRows(db, table).ShouldBe(0, table);
        var stored = store.Tombstone("default", id)!;
        stored.ShouldBe(t with { Deleted = stored.Deleted }); // as written, read back
        stored.Deleted.ShouldBe(t.Deleted);
        store.Tombstones("default", 0, 10).ShouldHaveSingleItem().RootInstanceId.ShouldBe(id);
    }

    [Theory, MemberData(nameof(Providers))]
    public void Deleting_again_changes_nothing_and_answers_the_first_tombstone(string provider)
    {
        var (db, store, clock, engine) = Setup(provider);
        using var _ = db;
        var id = engine.StartProcess("Bescheid");
        clock.Reset(Instant.FromUtc(2033, 1, 1, 12, 0));
        var first = store.DeleteCase("default", id, new CaseDeletion("Löschung auf Antrag (Art. 17 DSGVO)", "Art. 17 Abs. 1 DSGVO", "erika"), clock.GetCurrentInstant());
        clock.AdvanceDays(1);
        var second = store.DeleteCase("default", id, new CaseDeletion("noch einmal", "—", "max"), clock.GetCurrentInstant());

        second.AlreadyDeleted.ShouldBeTrue();
        second.Tombstone.DeletedBy.ShouldBe("erika");
        second.Tombstone.DeletedAt.ShouldBe(first.Tombstone.DeletedAt);
        CommitTests.CountRows(db, "case_tombstones").ShouldBe(1);
        new CaseDeletionService(store, clock).RunOnce("default", [SixYears]).ShouldBeEmpty(); // the run finds nothing left
    }

    [Theory, MemberData(nameof(Providers))]
    public void A_running_or_unknown_case_is_refused_and_nothing_changes(string provider)
    {
        using var db = TestDatabases.Create(provider);
        var store = db.OpenStore();
        var clock = Models.Clock();
        var engine = Models.Deployed(store, clock, Models.Antrag());
        var running = engine.StartProcess("Antrag", new JsonObject { ["name"] = "Erika" });

        Should.Throw<CaseDeletionRefusedException>(() => store.DeleteCase("default", running, new CaseDeletion("r", "r", "erika"), clock.GetCurrentInstant()))
            .Message.ShouldContain("has not ended");
        Should.Throw<CaseDeletionRefusedException>(() => store.DeleteCase("default", "gibt-es-nicht", new CaseDeletion("r", "r", "erika"), clock.GetCurrentInstant()))
            .Message.ShouldContain("no case");
        engine.GetInstance(running).Variables["name"]!.GetValue<string>().ShouldBe("Erika");
        CommitTests.CountRows(db, "case_tombstones").ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers))]
    public void A_case_whose_aussonderung_finished_is_deleted_at_once_and_one_still_open_is_kept(string provider)
    {
        var (db, store, clock, engine) = Setup(provider);
        using var _ = db;
        var archiviert = engine.StartProcess("Bescheid", new JsonObject
        {
            ["aussonderung"] = new JsonObject { ["phase"] = "abgeschlossen", ["bewertung"] = "A", ["archivkennung"] = "StadtA Best. 32 Nr. 117", ["aktenzeichen"] = "32.10.05-1" },
        });
        var abgelehnt = engine.StartProcess("Bescheid", new JsonObject { ["aussonderung"] = new JsonObject { ["phase"] = "abgelehnt", ["bewertung"] = "A" } });
        var ohne = engine.StartProcess("Bescheid");
        clock.AdvanceDays(1);

        var deleted = new CaseDeletionService(store, clock).RunOnce("default", [SixYears]);

        var t = deleted.ShouldHaveSingleItem().Tombstone;
        t.RootInstanceId.ShouldBe(archiviert);
        t.Aussonderung.ShouldBe("archiviert");
        t.Archivkennung.ShouldBe("StadtA Best. 32 Nr. 117");
        t.Aktenzeichen.ShouldBe("32.10.05-1");
        t.Reason.ShouldContain("vom Archiv übernommen");
        t.Rule.ShouldContain("nach Aussonderung");
        engine.GetInstance(abgelehnt).State.ShouldBe(InstanceState.Completed); // kept: the archive refused it
        engine.GetInstance(ohne).State.ShouldBe(InstanceState.Completed);      // kept: its Aufbewahrungsfrist runs

        clock.Reset(Instant.FromUtc(2040, 1, 1, 0, 0));
        var service = new CaseDeletionService(store, clock);
        service.RunOnce("default", [SixYears]).ShouldHaveSingleItem().Tombstone.RootInstanceId.ShouldBe(ohne);
        service.Kept.ShouldHaveSingleItem().ShouldBe((abgelehnt, "abgelehnt"));
    }

    [Theory, MemberData(nameof(Providers))]
    public void An_attachment_another_case_still_holds_keeps_its_content(string provider)
    {
        var (db, store, clock, engine) = Setup(provider);
        using var _ = db;
        var a = engine.StartProcess("Bescheid");
        var b = engine.StartProcess("Bescheid");
        CaseFile(db, a, "shared");
        Exec(db, $"INSERT INTO case_attachments (tenant_id, root_instance_id, hash, name, content_type, size, user_id, created_at) VALUES ('default', '{b}', 'shared', 'Ausweis.pdf', 'application/pdf', 4, 'erika', 1)");

        var r = store.DeleteCase("default", a, new CaseDeletion("r", "r", "erika"), clock.GetCurrentInstant());

        r.UnusedAttachmentHashes.ShouldBeEmpty();
        CommitTests.CountRows(db, "attachment_blobs").ShouldBe(1);
        CommitTests.CountRows(db, "case_attachments").ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers))]
    public void Other_tenants_and_processes_without_a_rule_are_not_touched(string provider)
    {
        var (db, store, clock, engine) = Setup(provider);
        using var _ = db;
        var other = Models.Deployed(store, clock, Models.Bescheid(), "06412000");
        var theirs = other.StartProcess("Bescheid");
        var frist = Models.Deployed(store, clock, Models.Frist("PT1M"));
        var noRule = frist.StartProcess("Frist");
        clock.AdvanceMinutes(1);
        frist.RunDueJobs();
        clock.Reset(Instant.FromUtc(2040, 1, 1, 0, 0));

        new CaseDeletionService(store, clock).RunOnce("default", [SixYears]).ShouldBeEmpty();
        other.GetInstance(theirs).State.ShouldBe(InstanceState.Completed);
        frist.GetInstance(noRule).State.ShouldBe(InstanceState.Completed);
    }
}
