using System.Net;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// "E-Mail bei Zuweisung" (issue 10, item 5): a person who asked for it in their settings gets a German e-mail when a team
/// lead assigns them a task; nobody else does, and nobody for what they did themselves. The Notifications pack's transport
/// writes into a pickup folder here, so the test reads the very message that would have gone to the SMTP server.
/// </summary>
public sealed class AssignmentMailTests : IDisposable
{
    private readonly string _pickup = Directory.CreateTempSubdirectory("egov-assign-mail-").FullName;

    public void Dispose() => Directory.Delete(_pickup, recursive: true);

    private Task<TestServer> ServerAsync() => TestServer.StartAsync(configure: o => o with
    {
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Packs:Notifications:From"] = "postkorb@stadt.example",
            ["Packs:Notifications:Delivery"] = "Directory",
            ["Packs:Notifications:Directory"] = _pickup,
        }).Build(),
    });

    private async Task<MimeMessage[]> MailsAsync(int atLeast)
    {
        // Sent in the background after the command: wait for it (a generous bound, not a timing assertion).
        for (var i = 0; i < 100 && Directory.GetFiles(_pickup, "*.eml").Length < atLeast; i++) await Task.Delay(100);
        return Directory.GetFiles(_pickup, "*.eml").Select(f => MimeMessage.Load(f)).ToArray();
    }

    [Fact]
    public async Task ATeamLeadsAssign_MailsThePersonWhoAskedForIt_InGerman_WithTheTaskAndItsAktenzeichen()
    {
        await using var s = await ServerAsync();
        await s.DeployAsync("antrag.bpmn");
        await s.StartProcessAsync("Antrag", new { businessKey = "AZ-2026-0815", variables = new { betrag = 10 } });
        var taskId = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
        var max = await s.PersonAsync("max");
        using (var settings = await TestServer.SendAsAsync(max, HttpMethod.Put, "api/me/settings", new { emailOnAssignment = true, email = "max.mustermann@stadt.example" }))
            settings.IsSuccessStatusCode.ShouldBeTrue(await settings.Content.ReadAsStringAsync());
        var lead = await s.PersonAsync("chefin", roles: ["teamlead"]);

        using var assigned = await TestServer.SendAsAsync(lead, HttpMethod.Post, $"api/tasks/{taskId}/assign", new { userId = "max" });
        assigned.StatusCode.ShouldBe(HttpStatusCode.OK);

        var mail = (await MailsAsync(1)).ShouldHaveSingleItem();
        mail.To.Mailboxes.Select(m => m.Address).ShouldBe(["max.mustermann@stadt.example"]);
        mail.From.Mailboxes.Select(m => m.Address).ShouldBe(["postkorb@stadt.example"]);
        mail.Subject.ShouldStartWith("Neue Aufgabe: ");
        mail.Subject.ShouldEndWith("– Aktenzeichen AZ-2026-0815");
        mail.TextBody!.ShouldContain("chefin hat Ihnen eine Aufgabe im Postkorb zugewiesen.");
        mail.TextBody!.ShouldContain("Aktenzeichen: AZ-2026-0815");
        // No link without --public-url: the request's Host header is the caller's to choose, so it never goes into a mail.
        mail.TextBody!.ShouldNotContain("http");
    }

    [Fact]
    public async Task NoMail_WithoutTheSetting_OrForOnesOwnClaim()
    {
        await using var s = await ServerAsync();
        await s.DeployAsync("antrag.bpmn");
        await s.StartProcessAsync("Antrag", new { variables = new { betrag = 10 } });
        await s.StartProcessAsync("Antrag", new { variables = new { betrag = 20 } });
        var tasks = (await s.GroupTasksAsync()).Select(t => t!["id"]!.GetValue<string>()).ToList();
        var erika = await s.PersonAsync("erika");
        using (var settings = await TestServer.SendAsAsync(erika, HttpMethod.Put, "api/me/settings", new { emailOnAssignment = true, email = "erika@stadt.example" }))
            settings.IsSuccessStatusCode.ShouldBeTrue();
        await s.PersonAsync("max"); // no e-mail setting
        var lead = await s.PersonAsync("chefin", roles: ["teamlead"]);

        using (var own = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{tasks[0]}/claim", new { }))
            own.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var toMax = await TestServer.SendAsAsync(lead, HttpMethod.Post, $"api/tasks/{tasks[1]}/assign", new { userId = "max" }))
            toMax.StatusCode.ShouldBe(HttpStatusCode.OK);
        // The control case proves the pickup folder is watched: erika asked for mail and is assigned by the lead.
        using (var toErika = await TestServer.SendAsAsync(lead, HttpMethod.Post, $"api/tasks/{tasks[1]}/assign", new { userId = "erika" }))
            toErika.StatusCode.ShouldBe(HttpStatusCode.OK);

        var mails = await MailsAsync(1);
        await Task.Delay(500); // anything wrongly sent for the earlier acts was queued before the control mail
        Directory.GetFiles(_pickup, "*.eml").Length.ShouldBe(1);
        mails.ShouldHaveSingleItem().To.Mailboxes.Select(m => m.Address).ShouldBe(["erika@stadt.example"]);
    }
}
