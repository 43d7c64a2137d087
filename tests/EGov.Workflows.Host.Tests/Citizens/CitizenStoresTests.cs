using EGov.Workflows.Identity;
using EGov.Workflows.Identity.Citizens;
using Npgsql;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// The citizens' tables on SQLite and — when EGOV_TEST_POSTGRES names one (scripts/postgres.sh start) — PostgreSQL:
/// drafts and their files (migration 0017), access codes, the guessing limit's failures and Rückfragen (0020), the case
/// index with its contact address (0019, 0028) and the e-mail outbox (0028), each on a fresh database.
/// </summary>
public sealed class CitizenStoresTests
{
    public static TheoryData<string> Providers()
    {
        var data = new TheoryData<string> { "sqlite" };
        if (Postgres is not null) data.Add("postgres");
        return data;
    }

    private static string? Postgres => Environment.GetEnvironmentVariable("EGOV_TEST_POSTGRES") is { Length: > 0 } c ? c : null;

    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A fresh identity database: a temp SQLite file, or a new PostgreSQL schema (dropped afterwards).</summary>
    private sealed class Database : IDisposable
    {
        private readonly Action _drop;

        public Database(string provider)
        {
            if (provider == "sqlite")
            {
                var dir = Path.Combine(Path.GetTempPath(), "egov-citizen-stores", Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(dir);
                Identity = IdentityDatabase.Open($"sqlite:{Path.Combine(dir, "egov.db")}");
                _drop = () => { try { Directory.Delete(dir, recursive: true); } catch (IOException) { } };
                return;
            }
            var schema = "c_" + Guid.NewGuid().ToString("N")[..16];
            Exec(Postgres!, $"CREATE SCHEMA \"{schema}\"");
            Identity = IdentityDatabase.Open($"postgres:{new NpgsqlConnectionStringBuilder(Postgres) { SearchPath = schema }}");
            _drop = () => Exec(Postgres!, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        }

        public IdentityDatabase Identity { get; }

        public void Dispose()
        {
            Identity.Dispose();
            NpgsqlConnection.ClearAllPools();
            _drop();
        }

        private static void Exec(string connection, string sql)
        {
            using var c = new NpgsqlConnection(connection);
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
    }

    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(Providers))]
    public async Task Drafts_ArePerCitizenAndService_WithTheirFiles_AndExpire(string provider)
    {
        using var db = new Database(provider);
        var clock = new Clock(T0);
        var drafts = new CitizenDraftStore(db.Identity, TimeSpan.FromDays(30), clock);
        await drafts.SaveAsync("t1", "buerger:a", "Antrag", """{"kennzeichen":"MS-A 1"}""");
        await drafts.AddFileAsync("t1", "buerger:a", "Antrag", "h1", "schein.pdf", "application/pdf", "%PDF-1.4"u8.ToArray());
        clock.Now = T0.AddDays(1);
        var again = await drafts.SaveAsync("t1", "buerger:a", "Antrag", """{"kennzeichen":"MS-A 2"}""");
        again.ExpiresAt.ShouldBe(T0.AddDays(31));
        (await drafts.FindAsync("t1", "buerger:a", "Antrag"))!.Data.ShouldContain("MS-A 2");
        (await drafts.FindAsync("t1", "buerger:b", "Antrag")).ShouldBeNull("another citizen never sees it");
        (await drafts.FindAsync("t2", "buerger:a", "Antrag")).ShouldBeNull("nor another tenant");
        (await drafts.FilesWithContentAsync("t1", "buerger:a", "Antrag")).Single().Content.ShouldBe("%PDF-1.4"u8.ToArray());
        (await drafts.FilesAsync("t1", "buerger:b", "Antrag")).ShouldBeEmpty();
        clock.Now = T0.AddDays(32);
        (await drafts.FindAsync("t1", "buerger:a", "Antrag")).ShouldBeNull("past its time");
        await drafts.SaveAsync("t1", "buerger:c", "Antrag", "{}"); // a save purges what expired
        (await drafts.FilesAsync("t1", "buerger:a", "Antrag")).ShouldBeEmpty();
        await drafts.DeleteAsync("t1", "buerger:c", "Antrag");
        (await drafts.FindAsync("t1", "buerger:c", "Antrag")).ShouldBeNull();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task AccessCodes_GuessingFailures_AndRueckfragen_AreKeptPerTenant(string provider)
    {
        using var db = new Database(provider);
        var clock = new Clock(T0);
        var status = new CitizenStatusStore(db.Identity, clock);
        var cases = new CitizenCaseStore(db.Identity, clock);
        await cases.AddAsync("t1", "buerger:a", "i1", "Antrag", "B-2026-AAAA-BBBB", "a@example.org", null);

        await status.PutCodeAsync("t1", "B-2026-AAAA-BBBB", "i1", "hash-1", null);
        await status.PutCodeAsync("t1", "B-2026-AAAA-BBBB", "i1", "hash-2", T0.AddDays(1)); // a new code replaces the old one
        var code = (await status.FindCodeAsync("t1", "B-2026-AAAA-BBBB")).ShouldNotBeNull();
        (code.CodeHash, code.InstanceId, code.ExpiresAt).ShouldBe(("hash-2", "i1", (DateTimeOffset?)T0.AddDays(1)));
        (await status.FindCodeAsync("t2", "B-2026-AAAA-BBBB")).ShouldBeNull();
        await status.DeleteCodeAsync("t1", "B-2026-AAAA-BBBB");
        (await status.FindCodeAsync("t1", "B-2026-AAAA-BBBB")).ShouldBeNull();

        for (var i = 0; i < 5; i++) await status.AddFailureAsync("addr-1");
        await status.AddFailureAsync("addr-2");
        (await status.CountFailuresAsync("addr-1", T0.AddMinutes(-1))).ShouldBe(5);
        clock.Now = T0.AddMinutes(2);
        (await status.CountFailuresAsync("addr-1", clock.Now.AddMinutes(-1))).ShouldBe(0, "the window moved on (and old rows are deleted)");

        (await status.FindCaseAsync("t1", "i1")).ShouldNotBeNull().Owner.ShouldBe("buerger:a");
        var inquiry = new InquiryRecord("q1", "i1", "task-1", "Bitte den Fahrzeugschein.", "clerk", T0, null, null, null);
        await status.AddInquiryAsync("t1", inquiry, noticeId: "m1");
        (await status.AnswerInquiryAsync("t1", "i1", "q1", "Anbei.", "[]")).ShouldBeTrue();
        (await status.AnswerInquiryAsync("t1", "i1", "q1", "Nochmal.", "[]")).ShouldBeFalse("answered once");
        (await status.InquiriesAsync("t1", "i1")).Single().Answer.ShouldBe("Anbei.");
        (await status.InquiriesAsync("t2", "i1")).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task MailOutbox_RowsComeWithTheirCase_OneSenderLeasesARow_OnlyTheLeaseHolderFinishesIt(string provider)
    {
        using var db = new Database(provider);
        var clock = new Clock(T0);
        var cases = new CitizenCaseStore(db.Identity, clock);
        var outbox = new CitizenMailOutbox(db.Identity, clock);
        await cases.AddAsync("t1", "buerger:a", "i1", "Antrag", "B-2026-AAAA-CCCC", "a@example.org", "m1");
        await cases.AddAsync("t1", "buerger:b", "i2", "Antrag", "B-2026-AAAA-DDDD", null, "m2"); // no address: no e-mail
        (await outbox.ListAsync("t1")).Select(r => (r.InstanceId, r.Kind, r.Status)).ShouldBe([("i1", CitizenMailKinds.Confirmation, "pending")]);
        (await outbox.CaseAsync("t1", "i1"))!.ContactEmail.ShouldBe("a@example.org");

        var leased = (await outbox.LeaseAsync("node-a", TimeSpan.FromMinutes(2), 10)).ShouldHaveSingleItem();
        (await outbox.LeaseAsync("node-b", TimeSpan.FromMinutes(2), 10)).ShouldBeEmpty("held by node-a");
        (await outbox.LeaseAsync("node-b", TimeSpan.FromMinutes(2), 1, "t1", "m1")).ShouldBeEmpty("also when asked for by id");
        await outbox.DoneAsync(leased with { LeaseOwner = "node-b" });
        (await outbox.ListAsync("t1")).Count.ShouldBe(1, "only the lease holder finishes a row");

        await outbox.RetryAsync(leased, T0.AddMinutes(1), "the SMTP server 127.0.0.1:25 is down");
        (await outbox.LeaseAsync("node-b", TimeSpan.FromMinutes(2), 10)).ShouldBeEmpty("not due before its next try");
        clock.Now = T0.AddMinutes(1);
        var again = (await outbox.LeaseAsync("node-b", TimeSpan.FromMinutes(2), 10)).ShouldHaveSingleItem();
        again.Attempts.ShouldBe(1);
        clock.Now = T0.AddMinutes(4); // node-b died: its lease ran out, node-a takes over
        var takeover = (await outbox.LeaseAsync("node-a", TimeSpan.FromMinutes(2), 10)).ShouldHaveSingleItem();
        await outbox.DoneAsync(again);
        (await outbox.ListAsync("t1")).Count.ShouldBe(1, "node-b's lease is gone: its late finish changes nothing");
        await outbox.DoneAsync(takeover);
        (await outbox.ListAsync("t1")).ShouldBeEmpty();

        // A case whose start failed is taken back with its e-mail; a Rückfrage on a case with an address queues one.
        await cases.AddAsync("t1", "buerger:c", "i3", "Antrag", "B-2026-AAAA-EEEE", "c@example.org", "m3");
        await cases.RemoveAsync("t1", "buerger:c", "i3");
        (await outbox.ListAsync("t1")).ShouldBeEmpty();
        await new CitizenStatusStore(db.Identity, clock).AddInquiryAsync("t1", new InquiryRecord("q1", "i1", "task", "?", "clerk", T0, null, null, null), "m4");
        await new CitizenStatusStore(db.Identity, clock).AddInquiryAsync("t1", new InquiryRecord("q2", "i2", "task", "?", "clerk", T0, null, null, null), "m5");
        (await outbox.ListAsync("t1")).Select(r => (r.InstanceId, r.Kind)).ShouldBe([("i1", CitizenMailKinds.Inquiry)]);
        var failing = (await outbox.LeaseAsync("node-a", TimeSpan.FromMinutes(2), 10)).ShouldHaveSingleItem();
        await outbox.FailedAsync(failing, "550 mailbox unavailable");
        (await outbox.ListAsync("t1")).Single().ShouldSatisfyAllConditions(r => r.Status.ShouldBe("failed"), r => r.LastError.ShouldBe("550 mailbox unavailable"));
        (await outbox.LeaseAsync("node-a", TimeSpan.FromMinutes(2), 10)).ShouldBeEmpty("a failed e-mail is not tried again");
    }
}
