using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Tombstones and the deletion on request (Art. 17 DSGVO, issue 12): an ended case is deleted with a reason, by the
/// calling person, leaving a tombstone that the list (paged, X-Total-Count) and the detail show; deleting again changes
/// nothing; a running case, an unknown one, a missing reason are refused as German problems; only administrators may
/// delete. On SQLite and PostgreSQL (when EGOV_TEST_POSTGRES names one); the memory store keeps no tombstones (409).
/// </summary>
public sealed class CaseDeletionApiTests
{
    public static TheoryData<string> Stores() => StoreUnderTest.Names();

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_ended_case_is_deleted_on_request_by_the_admin_and_its_tombstone_is_listed_and_shown(string store)
    {
        using var db = Db(store);
        await using var s = await TestServer.StartAsync(store: db.Store);
        await s.DeployAsync("skript.bpmn");
        await s.DeployAsync("antrag.bpmn");
        var ended = await s.StartProcessAsync("Skript", new { variables = new { betrag = 21 }, businessKey = "VG-2026-0042" });
        var other = await s.StartProcessAsync("Skript", new { variables = new { betrag = 1 } });
        var running = await s.StartProcessAsync("Antrag", new { businessKey = "VG-2026-0043" });
        var admin = await s.Identities.PersonAsync("datenschutz", ["admin"], tenant: "*");

        // Refused: no reason, a running case, an unknown one — nothing changes.
        (await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(admin, HttpMethod.Post, $"api/cases/{ended}/deletion", new { reason = " " }), 400))["detail"]!
            .GetValue<string>().ShouldContain("Grund");
        (await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(admin, HttpMethod.Post, "api/cases/VG-2026-0043/deletion", new { reason = "Antrag nach Art. 17 DSGVO" }), 409))["detail"]!
            .GetValue<string>().ShouldContain("läuft noch");
        (await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(admin, HttpMethod.Post, "api/cases/gibt-es-nicht/deletion", new { reason = "Antrag nach Art. 17 DSGVO" }), 404))["detail"]!
            .GetValue<string>().ShouldContain("keinen Vorgang");
        (await s.InstanceAsync(ended))["state"]!.GetValue<string>().ShouldBe("completed");

        // A clerk, an operator, an auditor may not delete.
        var clerk = await s.PersonAsync("erika");
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(clerk, HttpMethod.Post, $"api/cases/{ended}/deletion", new { reason = "x" }), 403);

        // The admin deletes the ended case by its Vorgangsnummer.
        using var response = await TestServer.SendAsAsync(admin, HttpMethod.Post, "api/cases/VG-2026-0042/deletion",
            new { reason = "Antrag auf Löschung nach Art. 17 DSGVO vom 01.12.2026" });
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, body);
        var answer = JsonNode.Parse(body)!;
        answer["alreadyDeleted"]!.GetValue<bool>().ShouldBeFalse();
        var tombstone = answer["tombstone"]!;
        tombstone["instanceId"]!.GetValue<string>().ShouldBe(ended);
        tombstone["aktenzeichen"]!.GetValue<string>().ShouldBe("VG-2026-0042");
        tombstone["processId"]!.GetValue<string>().ShouldBe("Skript");
        tombstone["deletedBy"]!.GetValue<string>().ShouldBe("datenschutz");
        tombstone["reason"]!.GetValue<string>().ShouldBe("Antrag auf Löschung nach Art. 17 DSGVO vom 01.12.2026");
        tombstone["rule"]!.GetValue<string>().ShouldBe("Art. 17 Abs. 1 DSGVO");
        tombstone["deleted"]!["instances"]!.GetValue<int>().ShouldBe(1);
        body.ShouldNotContain("\"summe\"");

        // The case is gone; the other one stays.
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, $"api/process-instances/{ended}"), 404);
        (await s.InstanceAsync(other))["state"]!.GetValue<string>().ShouldBe("completed");

        // Again: the first tombstone, nothing changed.
        using (var again = await TestServer.SendAsAsync(admin, HttpMethod.Post, $"api/cases/{ended}/deletion", new { reason = "noch einmal" }))
        {
            var json = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
            ((int)again.StatusCode).ShouldBe(200);
            json["alreadyDeleted"]!.GetValue<bool>().ShouldBeTrue();
            json["tombstone"]!["reason"]!.GetValue<string>().ShouldBe("Antrag auf Löschung nach Art. 17 DSGVO vom 01.12.2026");
        }

        // A second deletion, then the list: newest first, paged, with the total.
        using (var second = await TestServer.SendAsAsync(admin, HttpMethod.Post, $"api/cases/{other}/deletion", new { reason = "Antrag nach Art. 17 DSGVO", rule = "Art. 17 Abs. 1 lit. a DSGVO" }))
            ((int)second.StatusCode).ShouldBe(200, await second.Content.ReadAsStringAsync());
        using (var page = await s.SendAsync(HttpMethod.Get, "api/cases/tombstones?limit=1"))
        {
            ((int)page.StatusCode).ShouldBe(200);
            page.Headers.GetValues("X-Total-Count").Single().ShouldBe("2");
            var items = (await page.Content.ReadFromJsonAsync<JsonArray>())!;
            items.Count.ShouldBe(1);
        }
        var all = (await s.GetJsonAsync("api/cases/tombstones")).AsArray();
        all.Select(t => t!["instanceId"]!.GetValue<string>()).ShouldBe([other, ended], ignoreOrder: true);
        (await s.GetJsonAsync("api/cases/tombstones?offset=2")).AsArray().ShouldBeEmpty();

        // One tombstone, by instance id or Aktenzeichen; an auditor may read it, a clerk may not.
        (await s.GetJsonAsync($"api/cases/tombstones/{ended}"))["reason"]!.GetValue<string>().ShouldContain("Art. 17");
        var auditor = await s.Identities.PersonAsync("pruefer", ["auditor"], tenant: "*");
        (await TestServer.GetJsonAsAsync(auditor, "api/cases/tombstones/VG-2026-0042"))["instanceId"]!.GetValue<string>().ShouldBe(ended);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(clerk, HttpMethod.Get, "api/cases/tombstones"), 403);
        (await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, $"api/cases/tombstones/{running}"), 404))["title"]!.GetValue<string>().ShouldBe("Nicht gefunden");
        (await s.InstanceAsync(running))["state"]!.GetValue<string>().ShouldBe("running");
    }

    [Fact]
    public async Task The_command_line_deletes_an_ended_case_on_request_and_lists_and_shows_its_tombstone()
    {
        using var db = Db("sqlite");
        string ended, running;
        await using (var s = await TestServer.StartAsync(store: db.Store))
        {
            await s.DeployAsync("skript.bpmn");
            await s.DeployAsync("antrag.bpmn");
            ended = await s.StartProcessAsync("Skript", new { variables = new { betrag = 21 }, businessKey = "VG-2026-0042" });
            running = await s.StartProcessAsync("Antrag", new { businessKey = "VG-2026-0043" });
        }

        (int Code, string Out, string Err) Egov(params string[] args)
        {
            var (stdout, stderr) = (new StringWriter(), new StringWriter());
            var code = EGov.Workflows.Cli.CommandLine.Run([.. args, "--store", db.Store], stdout, stderr);
            return (code, stdout.ToString(), stderr.ToString());
        }

        // Refused: no reason (usage), a running case, an unknown one — nothing deleted.
        Egov("cases", "delete", "VG-2026-0042").Code.ShouldBe(2);
        var stillRunning = Egov("cases", "delete", "VG-2026-0043", "--reason", "Antrag nach Art. 17 DSGVO");
        stillRunning.Code.ShouldBe(1);
        stillRunning.Err.ShouldContain("läuft noch");
        Egov("cases", "delete", "gibt-es-nicht", "--reason", "x").Code.ShouldBe(1);
        Egov("cases", "tombstones").Out.ShouldContain(": 0, gezeigt keiner");

        var deleted = Egov("cases", "delete", "VG-2026-0042", "--reason", "Antrag nach Art. 17 DSGVO vom 01.12.2026", "--by", "datenschutz");
        deleted.Code.ShouldBe(0, deleted.Err);
        deleted.Out.ShouldContain("Die personenbezogenen Daten des Vorgangs sind gelöscht");
        deleted.Out.ShouldContain(ended);

        var again = Egov("cases", "delete", ended, "--reason", "noch einmal");
        again.Code.ShouldBe(0, again.Err);
        again.Out.ShouldContain("schon gelöscht");
        again.Out.ShouldContain("Antrag nach Art. 17 DSGVO vom 01.12.2026");

        var list = Egov("cases", "tombstones");
        list.Code.ShouldBe(0, list.Err);
        list.Out.ShouldContain(": 1, gezeigt 1–1");
        list.Out.ShouldContain("von datenschutz: Antrag nach Art. 17 DSGVO vom 01.12.2026");
        list.Out.ShouldNotContain(running);

        var one = Egov("cases", "tombstone", "VG-2026-0042");
        one.Code.ShouldBe(0, one.Err);
        one.Out.ShouldContain("Regel         Art. 17 Abs. 1 DSGVO");
        Egov("cases", "tombstone", running).Code.ShouldBe(1);
    }

    [Fact]
    public async Task The_memory_store_keeps_no_tombstones_and_says_so()
    {
        await using var s = await TestServer.StartAsync();
        var problem = await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/cases/tombstones"), 409);
        problem["detail"]!.GetValue<string>().ShouldContain("dauerhaften Speicher");
    }

    private static StoreUnderTest Db(string store) => StoreUnderTest.Of(store, "tombstones");
}
