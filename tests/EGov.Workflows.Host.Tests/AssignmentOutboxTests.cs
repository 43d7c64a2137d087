using System.Globalization;
using System.Net;
using EGov.Workflows.Persistence;
using EGov.Workflows.Simulators;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// E-mail on assignment through the store's outbox (issue 10, item 5), against a real SMTP server on loopback: a task the
/// model assigns (camunda:assignee) mails its assignee who asked for it, and nobody who did not; a team lead's assignment
/// and a delegation mail too, one's own claim does not; a mail written while the mail server is
/// down arrives once it is up, exactly once.
/// </summary>
public sealed class AssignmentOutboxTests
{
    private static Task<TestServer> ServerAsync(int smtpPort) => TestServer.StartAsync(store: "sqlite:{dir}/egov.db", configure: o => o with
    {
        AssignmentMailRetry = TimeSpan.FromMilliseconds(200),
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Packs:Notifications:From"] = "postkorb@stadt.example",
            ["Packs:Notifications:Smtp:Host"] = "127.0.0.1",
            ["Packs:Notifications:Smtp:Port"] = smtpPort.ToString(CultureInfo.InvariantCulture),
            ["Packs:Notifications:Smtp:Security"] = "None",
            ["Packs:Notifications:Smtp:TimeoutSeconds"] = "5",
        }).Build(),
    });

    private static async Task WantsMailAsync(TestServer s, string name, bool wants = true)
    {
        var person = await s.PersonAsync(name);
        using var settings = await TestServer.SendAsAsync(person, HttpMethod.Put, "api/me/settings", new { emailOnAssignment = wants, email = $"{name}@stadt.example" });
        settings.IsSuccessStatusCode.ShouldBeTrue(await settings.Content.ReadAsStringAsync());
    }

    /// <summary>Polls (bounded) until <paramref name="smtp"/> holds <paramref name="count"/> messages.</summary>
    private static async Task<IReadOnlyList<MimeMessage>> ReceivedAsync(SmtpSimulator smtp, int count)
    {
        for (var i = 0; i < 200 && smtp.Messages.Count < count; i++) await Task.Delay(50);
        return smtp.Messages;
    }

    private static IReadOnlyList<(string TaskId, string Assignee, string Status, int Attempts, string? LastError)> Outbox(TestServer s) =>
        ((EfRuntimeStore)s.Server.App.Services.GetService(typeof(StoreChoice)).ShouldBeOfType<StoreChoice>().Store).AssignmentOutbox("default");

    [Fact]
    public async Task ATaskTheModelAssigns_MailsTheAssigneeWhoAskedForIt_AndNobodyWhoDidNot()
    {
        await using var smtp = SmtpSimulator.Start();
        await using var s = await ServerAsync(smtp.Port);
        await WantsMailAsync(s, "max");
        await WantsMailAsync(s, "erika", wants: false);
        await s.DeployAsync("zuweisung.bpmn");

        await s.StartProcessAsync("Zuweisung", new { businessKey = "GEW-2026-17", variables = new { bearbeitung = "erika" } });
        await s.StartProcessAsync("Zuweisung", new { businessKey = "GEW-2026-18", variables = new { bearbeitung = "max" } });

        var mail = (await ReceivedAsync(smtp, 1)).ShouldHaveSingleItem();
        mail.To.Mailboxes.Select(m => m.Address).ShouldBe(["max@stadt.example"]);
        mail.Subject.ShouldBe("Neue Aufgabe: Anmeldung prüfen – Aktenzeichen GEW-2026-18");
        mail.TextBody!.ShouldContain("Ihnen wurde eine neue Aufgabe im Postkorb zugewiesen.");
        mail.TextBody!.ShouldContain("Vorgang: Gewerbeanmeldung");
        // Only the person who asked for mail got an outbox row, and it is gone once sent.
        for (var i = 0; i < 100 && Outbox(s).Count > 0; i++) await Task.Delay(50);
        Outbox(s).ShouldBeEmpty();
        smtp.Messages.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ATeamLeadsAssignOrADelegation_Mails_OnesOwnClaimDoesNot()
    {
        await using var smtp = SmtpSimulator.Start();
        await using var s = await ServerAsync(smtp.Port);
        await WantsMailAsync(s, "max");
        await WantsMailAsync(s, "erika");
        await s.DeployAsync("antrag.bpmn");
        await s.StartProcessAsync("Antrag", new { variables = new { betrag = 10 } });
        await s.StartProcessAsync("Antrag", new { variables = new { betrag = 20 } });
        var tasks = (await s.GroupTasksAsync()).Select(t => t!["id"]!.GetValue<string>()).ToList();
        var lead = await s.PersonAsync("chefin", roles: ["teamlead"]);
        var max = await s.PersonAsync("max");

        using (var own = await TestServer.SendAsAsync(max, HttpMethod.Post, $"api/tasks/{tasks[0]}/claim", new { }))
            own.StatusCode.ShouldBe(HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
        using (var toMax = await TestServer.SendAsAsync(lead, HttpMethod.Post, $"api/tasks/{tasks[1]}/assign", new { userId = "max" }))
            toMax.StatusCode.ShouldBe(HttpStatusCode.OK, await toMax.Content.ReadAsStringAsync());
        var assigned = (await ReceivedAsync(smtp, 1)).ShouldHaveSingleItem();
        assigned.To.Mailboxes.Select(m => m.Address).ShouldBe(["max@stadt.example"]);
        assigned.TextBody!.ShouldContain("chefin hat Ihnen eine Aufgabe im Postkorb zugewiesen.");

        using (var delegated = await TestServer.SendAsAsync(max, HttpMethod.Post, $"api/tasks/{tasks[0]}/delegate", new { userId = "erika" }))
            delegated.StatusCode.ShouldBe(HttpStatusCode.OK, await delegated.Content.ReadAsStringAsync());
        var both = await ReceivedAsync(smtp, 2);
        both.Count.ShouldBe(2);
        both[1].To.Mailboxes.Select(m => m.Address).ShouldBe(["erika@stadt.example"]);
        both[1].TextBody!.ShouldContain("max hat eine Aufgabe im Postkorb an Sie delegiert.");
        for (var i = 0; i < 100 && Outbox(s).Count > 0; i++) await Task.Delay(50);
        Outbox(s).ShouldBeEmpty(); // the own claim's row was dropped without a mail
        smtp.Messages.Count.ShouldBe(2);
    }

    [Fact]
    public async Task AMailWhileTheMailServerIsDown_ArrivesOnceItIsUp_ExactlyOnce()
    {
        var port = FreePort();
        await using var s = await ServerAsync(port);
        await WantsMailAsync(s, "max");
        await s.DeployAsync("zuweisung.bpmn");

        // The command is not held up by the mail server: the task is assigned at once.
        await s.StartProcessAsync("Zuweisung", new { businessKey = "GEW-2026-19", variables = new { bearbeitung = "max" } });

        // Wait (bounded) until a try failed: the row is still there, pending, with the reason (no mail text in it).
        for (var i = 0; i < 200 && Outbox(s) is not [{ Attempts: > 0 }]; i++) await Task.Delay(50);
        var waiting = Outbox(s).ShouldHaveSingleItem();
        waiting.Status.ShouldBe("pending");
        waiting.Attempts.ShouldBeGreaterThan(0);
        waiting.LastError!.ShouldContain($"127.0.0.1:{port}");

        await using var smtp = SmtpSimulator.Start(port);
        var mail = (await ReceivedAsync(smtp, 1)).ShouldHaveSingleItem();
        mail.Subject.ShouldBe("Neue Aufgabe: Anmeldung prüfen – Aktenzeichen GEW-2026-19");
        for (var i = 0; i < 100 && Outbox(s).Count > 0; i++) await Task.Delay(50);
        Outbox(s).ShouldBeEmpty();
        await Task.Delay(300); // longer than a back-off step: a second mail for the same assignment would show now
        smtp.Messages.Count.ShouldBe(1);
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
