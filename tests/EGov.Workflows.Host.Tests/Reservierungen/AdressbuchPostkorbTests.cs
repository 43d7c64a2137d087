using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests.Reservierungen;

/// <summary>
/// The staff directory (Adressbuch, issue 17 item 6) as the Postkorb's source: a person the directory puts into a unit gets
/// its group (and sees its group tasks) without any group on their account; the unit's lead leads the group of the unit and
/// of every unit below it (team view, reassigning) without the teamlead role on their account, and only those groups; an
/// absence recorded without a deputy gets the first standing deputy. The API itself: paged, searchable, refusing bad input.
/// </summary>
public sealed class AdressbuchPostkorbTests
{
    private static async Task<JsonNode?> Ok(HttpResponseMessage response, int status = 200)
    {
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, body);
        return body.Length == 0 ? null : JsonNode.Parse(body);
    }

    private static async Task Verzeichnis(TestServer s)
    {
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/org-einheiten/amt-32", new { name = "Ordnungsamt", kurzname = "32", gruppe = "ordnungsamt", leitungId = "leiterin" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/org-einheiten/sg-32-1", new { name = "Anträge", uebergeordnetId = "amt-32", gruppe = "sachbearbeitung" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/org-einheiten/amt-20", new { name = "Kämmerei", gruppe = "kaemmerei", leitungId = "kaemmerer" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/personen/leiterin", new { nachname = "Leiterin", vorname = "Lena", orgEinheitId = "amt-32", funktion = "Amtsleitung" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/personen/sachb", new { nachname = "Bearbeiter", vorname = "Sascha", orgEinheitId = "sg-32-1", telefon = "06151 13-3201", raum = "B 1.04" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/personen/kollege", new { nachname = "Kollege", vorname = "Kai", orgEinheitId = "sg-32-1" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/personen/kaemmerer", new { nachname = "Kämmerer", orgEinheitId = "amt-20" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/personen/sachb/vertretung", new { vertreter = new[] { "kollege", "leiterin" } }));
    }

    [Fact]
    public async Task DirectoryUnit_GivesTheCandidateGroup_AndItsLead_LeadsItsGroupsOnly()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await s.DeployAsync("antrag.bpmn"); // Pruefen: candidateGroups="sachbearbeitung"
        await Verzeichnis(s);
        var sachb = await s.PersonAsync("sachb", [], ["clerk"]);
        var leiterin = await s.PersonAsync("leiterin", [], ["clerk"]);
        var kaemmerer = await s.PersonAsync("kaemmerer", ["sachbearbeitung"], ["teamlead"]);
        var fremd = await s.PersonAsync("fremd", [], ["clerk"]);
        await s.StartProcessAsync("Antrag");

        var me = await Ok(await TestServer.SendAsAsync(sachb, HttpMethod.Get, "api/me"));
        me!["groups"]!.AsArray().Select(g => g!.GetValue<string>()).ShouldContain("sachbearbeitung");
        var group = await Ok(await TestServer.SendAsAsync(sachb, HttpMethod.Get, "api/tasks?view=group"));
        var taskId = group!["items"]![0]!["id"]!.GetValue<string>();
        (await Ok(await TestServer.SendAsAsync(fremd, HttpMethod.Get, "api/tasks?view=group")))!["total"]!.GetValue<long>().ShouldBe(0);

        // The lead of amt-32 leads its sub-unit's group: team view and reassigning, with the role from the directory.
        var team = await Ok(await TestServer.SendAsAsync(leiterin, HttpMethod.Get, "api/tasks?view=team"));
        team!["items"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ShouldBe([taskId]);
        (await Ok(await TestServer.SendAsAsync(leiterin, HttpMethod.Post, $"api/tasks/{taskId}/assign", new { userId = "kollege" })))!["assignee"]!.GetValue<string>().ShouldBe("kollege");

        // The Kämmerer has the role teamlead and the group on his account, but the directory says he leads the Kämmerei only.
        (await Ok(await TestServer.SendAsAsync(kaemmerer, HttpMethod.Get, "api/tasks?view=team")))!["total"]!.GetValue<long>().ShouldBe(0);
        await Ok(await TestServer.SendAsAsync(kaemmerer, HttpMethod.Post, $"api/tasks/{taskId}/assign", new { userId = "sachb" }), 403);
    }

    [Fact]
    public async Task AbsenceWithoutDeputy_TakesTheFirstStandingDeputy_FromTheDirectory()
    {
        await using var s = await TestServer.StartAsync();
        await Verzeichnis(s);
        var sachb = await s.PersonAsync("sachb", [], ["clerk"]);
        var kaemmerer = await s.PersonAsync("kaemmerer", [], ["clerk"]);
        var von = DateTimeOffset.UtcNow.AddDays(1);
        var absence = await Ok(await TestServer.SendAsAsync(sachb, HttpMethod.Post, "api/absences", new { from = von, to = von.AddDays(5) }), 201);
        absence!["deputy"]!.GetValue<string>().ShouldBe("kollege");
        var refused = await Ok(await TestServer.SendAsAsync(kaemmerer, HttpMethod.Post, "api/absences", new { from = von, to = von.AddDays(5) }), 400);
        refused!["detail"]!.GetValue<string>().ShouldContain("Adressbuch");
    }

    [Fact]
    public async Task DirectoryApi_IsPagedAndSearchable_AndRefusesBadInput()
    {
        await using var s = await TestServer.StartAsync();
        await Verzeichnis(s);
        var sachb = await s.PersonAsync("sachb", [], ["clerk"]);
        var found = await Ok(await TestServer.SendAsAsync(sachb, HttpMethod.Get, "api/adressbuch/personen?q=1.04"));
        found!["items"]!.AsArray().Single()!["name"]!.GetValue<string>().ShouldBe("Sascha Bearbeiter");
        var page = await Ok(await TestServer.SendAsAsync(sachb, HttpMethod.Get, "api/adressbuch/personen?orgEinheit=sg-32-1&limit=1"));
        page!["total"]!.GetValue<long>().ShouldBe(2);
        (await Ok(await TestServer.SendAsAsync(sachb, HttpMethod.Get, "api/adressbuch/personen/sachb")))!["vertreter"]!.AsArray().Select(v => v!.GetValue<string>()).ShouldBe(["kollege", "leiterin"]);
        (await Ok(await TestServer.SendAsAsync(sachb, HttpMethod.Get, "api/adressbuch/org-einheiten?limit=2")))!["total"]!.GetValue<long>().ShouldBe(3);
        await Ok(await TestServer.SendAsAsync(sachb, HttpMethod.Put, "api/adressbuch/personen/sachb", new { nachname = "X", orgEinheitId = "amt-32" }), 403);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/personen/neu", new { nachname = "Neu", orgEinheitId = "gibtsnicht" }), 409);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/personen/neu", new { orgEinheitId = "amt-32" }), 400);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/personen/sachb/vertretung", new { vertreter = new[] { "sachb" } }), 400);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/personen/sachb/vertretung", new { vertreter = new[] { "niemand" } }), 409);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/org-einheiten/amt-32", new { name = "Ordnungsamt", gruppe = "ordnungsamt", uebergeordnetId = "sg-32-1" }), 400);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/adressbuch/org-einheiten/amt-99", new { name = "Doppelt", gruppe = "ordnungsamt" }), 409);
    }
}
