using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Citizens;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Simulators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// The citizens' e-mails through the outbox (migration 0028), against a real SMTP server on loopback: a clerk's Rückfrage
/// tells the citizen with a link to the case and nothing else of it; the confirmation of an application recorded in the
/// same transaction as the case survives a crash between that commit and the sending and arrives once; a mail server that
/// is down delays the mail, it does not lose it.
/// </summary>
public sealed class CitizenMailTests
{
    private const string Process = "Process_Buerger_Status";
    private const string Address = "erika.mustermann@example.org";

    private static async Task<TestServer> ServerAsync(int smtpPort)
    {
        var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db", configure: o => o with
        {
            AssignmentMailRetry = TimeSpan.FromMilliseconds(200),
            Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Packs:Notifications:From"] = "buergerservice@stadt.example",
                ["Packs:Notifications:Smtp:Host"] = "127.0.0.1",
                ["Packs:Notifications:Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
                ["Packs:Notifications:Smtp:Security"] = "None",
                ["Packs:Notifications:Smtp:TimeoutSeconds"] = "5",
            }).Build(),
        });
        await s.DeployAsync("citizen-status.bpmn");
        return s;
    }

    private static T Service<T>(TestServer s) where T : notnull => s.Server.App.Services.GetRequiredService<T>();

    /// <summary>Records a citizen case (with its contact address and, when <paramref name="mailId"/> is given, the confirmation in the outbox) as the start does — without sending.</summary>
    private static async Task<(string Id, string Az)> CaseAsync(TestServer s, string? email, string? mailId = null, bool start = true)
    {
        var id = Guid.NewGuid().ToString("N");
        var az = "B-2026-MAIL-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();
        await Service<CitizenCaseStore>(s).AddAsync("default", "buerger:mail-owner", id, Process, az, email, mailId);
        if (start)
            s.Server.Engines.Get("default").Engine.StartProcessAs(id, Process, new JsonObject { ["buerger"] = new JsonObject { ["id"] = "buerger:mail-owner" } }, az, "buerger:mail-owner");
        return (id, az);
    }

    private static async Task<IReadOnlyList<MimeMessage>> ReceivedAsync(SmtpSimulator smtp, int count)
    {
        for (var i = 0; i < 200 && smtp.Messages.Count < count; i++) await Task.Delay(50);
        return smtp.Messages;
    }

    private static Task<IReadOnlyList<(string InstanceId, string Kind, string Status, int Attempts, string? LastError)>> OutboxAsync(TestServer s) =>
        Service<CitizenMailOutbox>(s).ListAsync("default");

    [Fact]
    public async Task Rueckfrage_MailsTheCitizen_ALinkToTheCase_NeverTheQuestionOrTheClerk()
    {
        await using var smtp = SmtpSimulator.Start();
        await using var s = await ServerAsync(smtp.Port);
        var (id, az) = await CaseAsync(s, Address);
        var (silent, _) = await CaseAsync(s, email: null);
        var engine = s.Server.Engines.Get("default").Engine;
        var clerk = await s.PersonAsync("sb-" + Guid.NewGuid().ToString("N")[..6], groups: ["sachbearbeitung"], roles: ["clerk"], tenant: "default");

        var task = engine.OpenUserTasks(id).Single(t => t.ElementId == "Pruefen").Id;
        using (var asked = await clerk.PostAsJsonAsync($"/api/tasks/{task}/rueckfragen", new { frage = "Bitte senden Sie den Mietvertrag von Frau Schmidt." }))
            asked.StatusCode.ShouldBe(HttpStatusCode.Created, await asked.Content.ReadAsStringAsync());

        var mail = (await ReceivedAsync(smtp, 1)).ShouldHaveSingleItem();
        mail.To.Mailboxes.Single().Address.ShouldBe(Address);
        mail.Subject.ShouldBe($"Rückfrage zu Ihrem Antrag – Aktenzeichen {az}");
        var text = mail.TextBody!;
        text.ShouldContain($"{s.BaseAddress.AbsoluteUri.TrimEnd('/')}/buerger/vorgaenge/{id}");
        text.ShouldContain($"/status/{az}");
        text.ShouldContain("Statusleistung");
        foreach (var secret in new[] { "Mietvertrag", "Schmidt", "sb-", "buerger:", "mail-owner", "Pruefen" })
            mail.ToString().ShouldNotContain(secret, Case.Sensitive, $"'{secret}' is not for an e-mail");
        for (var i = 0; i < 100 && (await OutboxAsync(s)).Count > 0; i++) await Task.Delay(50);
        (await OutboxAsync(s)).ShouldBeEmpty("a sent mail leaves the outbox");

        // A case without an address: the Rückfrage is recorded, no mail is queued.
        var other = engine.OpenUserTasks(silent).Single(t => t.ElementId == "Pruefen").Id;
        using (var asked = await clerk.PostAsJsonAsync($"/api/tasks/{other}/rueckfragen", new { frage = "Noch eine Frage?" }))
            asked.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await OutboxAsync(s)).ShouldBeEmpty();
        await Task.Delay(300);
        smtp.Messages.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Confirmation_RecordedWithTheCase_SurvivesACrashBeforeSending_AndIsSentOnce()
    {
        await using var smtp = SmtpSimulator.Start();
        await using var s = await ServerAsync(smtp.Port);
        // The start's transaction wrote the case and its confirmation; the node "died" before sending it (no SendNow).
        var (id, az) = await CaseAsync(s, Address, Guid.NewGuid().ToString("N"));
        var mail = (await ReceivedAsync(smtp, 1)).ShouldHaveSingleItem("the background sender sends what the dead node did not");
        mail.Subject.ShouldBe($"Ihr Antrag ist eingegangen – Aktenzeichen {az}");
        mail.TextBody!.ShouldContain($"/buerger/vorgaenge/{id}");
        for (var i = 0; i < 100 && (await OutboxAsync(s)).Count > 0; i++) await Task.Delay(50);
        (await OutboxAsync(s)).ShouldBeEmpty();
        await Task.Delay(500); // longer than a poll and a back-off step: a second mail would show now
        smtp.Messages.Count.ShouldBe(1, "sent once");

        // A confirmation whose case never started (the start failed after the commit) is not sent.
        var (never, _) = await CaseAsync(s, Address, Guid.NewGuid().ToString("N"), start: false);
        await Task.Delay(500);
        smtp.Messages.Count.ShouldBe(1);
        (await OutboxAsync(s)).ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            r => r.InstanceId.ShouldBe(never), r => r.Status.ShouldBe("pending"), r => r.LastError!.ShouldContain("not started"));
    }

    [Fact]
    public async Task Confirmation_WhileTheMailServerIsDown_ArrivesOnceItIsUp()
    {
        var port = FreePort();
        await using var s = await ServerAsync(port);
        var (_, az) = await CaseAsync(s, Address, Guid.NewGuid().ToString("N"));
        // Until a try at the mail server failed (a sender may first have found the case not started yet: not a try).
        for (var i = 0; i < 200 && !(await OutboxAsync(s) is [{ Attempts: > 0, LastError: { } e }] && e.Contains("127.0.0.1", StringComparison.Ordinal)); i++) await Task.Delay(50);
        var waiting = (await OutboxAsync(s)).ShouldHaveSingleItem();
        waiting.Status.ShouldBe("pending");
        waiting.LastError!.ShouldContain($"127.0.0.1:{port}");
        waiting.LastError!.ShouldNotContain(Address, Case.Insensitive, "no address in the outbox row");

        await using var smtp = SmtpSimulator.Start(port);
        (await ReceivedAsync(smtp, 1)).ShouldHaveSingleItem().Subject!.ShouldContain(az);
        for (var i = 0; i < 100 && (await OutboxAsync(s)).Count > 0; i++) await Task.Delay(50);
        (await OutboxAsync(s)).ShouldBeEmpty();
        await Task.Delay(500);
        smtp.Messages.Count.ShouldBe(1);
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
