using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests.Postkorb;

/// <summary>
/// The Postkorb's HTTP API with real identities (persons signed in through the browser flow): views and counts,
/// visibility across groups and tenants, claim with the holder, form validation, four eyes, Vertretung, the case file
/// with hostile uploads, saved filters.
/// </summary>
public sealed class PostkorbHttpTests
{
    internal static string Processes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        var source = Path.Combine(AppContext.BaseDirectory, "Models", "postkorb");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return dir;
    }

    private static Task<TestServer> Start(long attachmentLimit = 1024) =>
        TestServer.StartAsync(Processes(), configure: o => o with { AttachmentMaxBytes = attachmentLimit });

    private static async Task<string> Case(TestServer s, string key, string? frist = null) =>
        await s.StartProcessAsync("Bauantrag", new { variables = new { antragsteller = "Max Muster", frist }, businessKey = key });

    private static async Task<JsonNode> Json(HttpResponseMessage r, int status)
    {
        var text = await r.Content.ReadAsStringAsync();
        ((int)r.StatusCode).ShouldBe(status, text);
        return JsonNode.Parse(text)!;
    }

    private static Task<HttpResponseMessage> Post(HttpClient c, string path, object body) => TestServer.SendAsAsync(c, HttpMethod.Post, path, body);

    [Fact]
    public async Task Inbox_ViewsCountsAndVisibility_AcrossGroupsAndTenants()
    {
        await using var s = await Start();
        await Case(s, "BA-2", "2099-01-01T00:00:00Z");
        await Case(s, "BA-1", "2020-01-01T00:00:00Z");
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var jan = await s.PersonAsync("jan", ["kasse"]);

        var page = await TestServer.GetJsonAsAsync(erika, "api/tasks?view=group&sort=due&limit=1&columns=antragsteller");
        page["total"]!.GetValue<int>().ShouldBe(2);
        page["limit"]!.GetValue<int>().ShouldBe(1);
        var first = page["items"]![0]!;
        first["businessKey"]!.GetValue<string>().ShouldBe("BA-1");
        first["processName"]!.GetValue<string>().ShouldBe("Bauantrag");
        first["processVersion"]!.GetValue<int>().ShouldBe(1);
        first["priority"]!.GetValue<int>().ShouldBe(60);
        first["variables"]!["antragsteller"]!.GetValue<string>().ShouldBe("Max Muster");
        first["candidateGroups"]![0]!.GetValue<string>().ShouldBe("bauamt");
        var counts = await TestServer.GetJsonAsAsync(erika, "api/tasks/counts");
        (counts["group"]!.GetValue<int>(), counts["overdue"]!.GetValue<int>(), counts["mine"]!.GetValue<int>(), counts["team"]!.GetValue<int>()).ShouldBe((2, 1, 0, 0));

        (await TestServer.GetJsonAsAsync(jan, "api/tasks?view=group"))["items"]!.AsArray().ShouldBeEmpty();
        (await TestServer.GetJsonAsAsync(jan, "api/tasks/counts"))["group"]!.GetValue<int>().ShouldBe(0);
        var id = first["id"]!.GetValue<string>();
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(jan, HttpMethod.Get, $"api/tasks/{id}"), 404);
        await TestServer.ShouldBeProblemAsync(await Post(jan, $"api/tasks/{id}/claim", new { takeOver = true }), 404);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(jan, HttpMethod.Get, $"api/tasks/{id}/case"), 404);
        var otto = await s.PersonAsync("otto", ["bauamt"], tenant: "06411000");
        (await TestServer.GetJsonAsAsync(otto, "api/tasks?view=group"))["items"]!.AsArray().ShouldBeEmpty();
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(otto, HttpMethod.Get, $"api/tasks/{id}"), 404);

        await TestServer.ShouldBeProblemAsync(await s.Anonymous.GetAsync("api/tasks"), 401);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/tasks?view=alle"), 400);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/tasks?limit=100000"), 400);
    }

    [Fact]
    public async Task Claim_HeldTask_409NamesTheHolder_TeamLeadReassigns()
    {
        await using var s = await Start();
        await Case(s, "BA-1");
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var max = await s.PersonAsync("max", ["bauamt"]);
        var lea = await s.PersonAsync("lea", ["bauamt"], ["clerk", "teamlead"]);
        var id = (await TestServer.GetJsonAsAsync(erika, "api/tasks?view=group"))["items"]![0]!["id"]!.GetValue<string>();

        (await Json(await Post(erika, $"api/tasks/{id}/claim", new { takeOver = false }), 200))["assignee"]!.GetValue<string>().ShouldBe("erika");
        var held = await TestServer.ShouldBeProblemAsync(await Post(max, $"api/tasks/{id}/claim", new { takeOver = false }), 409);
        held["holder"]!.GetValue<string>().ShouldBe("erika");
        await TestServer.ShouldBeProblemAsync(await Post(max, $"api/tasks/{id}/assign", new { userId = "max" }), 403);
        (await Json(await Post(lea, $"api/tasks/{id}/assign", new { userId = "max" }), 200))["assignee"]!.GetValue<string>().ShouldBe("max");
        (await TestServer.GetJsonAsAsync(lea, "api/tasks?view=team&assignee=max"))["items"]!.AsArray().Count.ShouldBe(1);
        (await Json(await Post(max, $"api/tasks/{id}/follow-up", new { followUp = "2020-01-01T00:00:00Z" }), 200))["followUp"].ShouldNotBeNull();
        (await TestServer.GetJsonAsAsync(max, "api/tasks/counts"))["followup"]!.GetValue<int>().ShouldBe(1);

        var delegated = await Json(await Post(max, $"api/tasks/{id}/delegate", new { userId = "jan" }), 200);
        (delegated["owner"]!.GetValue<string>(), delegated["assignee"]!.GetValue<string>(), delegated["delegationState"]!.GetValue<string>()).ShouldBe(("max", "jan", "pending"));
        var jan = await s.PersonAsync("jan", ["kasse"]);
        (await Json(await Post(jan, $"api/tasks/{id}/resolve", new { variables = new { geprueft = true } }), 200))["assignee"]!.GetValue<string>().ShouldBe("max");
    }

    [Fact]
    public async Task Complete_ChecksTheForm_ThenFourEyes_TheCaseShowsWhoDidWhat()
    {
        await using var s = await Start();
        var instance = await Case(s, "BA-7");
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var max = await s.PersonAsync("max", ["bauamt"]);
        var id = (await TestServer.GetJsonAsAsync(erika, "api/tasks?view=group"))["items"]![0]!["id"]!.GetValue<string>();

        var form = await TestServer.GetJsonAsAsync(erika, $"api/tasks/{id}/form");
        form["kind"]!.GetValue<string>().ShouldBe("form-js");
        form["data"]!["antragsteller"]!.GetValue<string>().ShouldBe("Max Muster");
        await Post(erika, $"api/tasks/{id}/claim", new { });

        // German for the clerk (title, detail with the fields' messages), the fields' keys machine-readable as before.
        var invalid = await GermanProblem.ShouldBeAsync(await Post(erika, $"api/tasks/{id}/complete", new { variables = new { gebuehr = "viel", genehmigt = "ja" } }), 400,
            "Formular unvollständig oder ungültig", "Die Angaben passen nicht zum Formular der Aufgabe (3 Felder)", "muss eine Zahl sein", "Bitte korrigieren Sie die markierten Felder");
        invalid["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Order().ShouldBe(["begruendung", "gebuehr", "genehmigt"]);
        invalid["errors"]![0]!["message"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        invalid["detail"]!.GetValue<string>().ShouldContain(invalid["errors"]![0]!["message"]!.GetValue<string>());
        (await s.InstanceAsync(instance))["variables"]!.AsObject().ContainsKey("gebuehr").ShouldBeFalse();
        (await TestServer.GetJsonAsAsync(erika, $"api/tasks/{id}"))["id"]!.GetValue<string>().ShouldBe(id); // still open

        (await Json(await Post(erika, $"api/tasks/{id}/complete", new { variables = new { genehmigt = true, gebuehr = 120, begruendung = "Unterlagen vollständig" } }), 200))
            ["variables"]!["gebuehr"]!.GetValue<int>().ShouldBe(120);
        var next = (await TestServer.GetJsonAsAsync(erika, "api/tasks?view=group"))["items"]![0]!["id"]!.GetValue<string>();
        (await TestServer.GetJsonAsAsync(erika, $"api/tasks/{next}/form"))["kind"]!.GetValue<string>().ShouldBe("none");
        await Post(erika, $"api/tasks/{next}/claim", new { });
        var refused = await TestServer.ShouldBeProblemAsync(await Post(erika, $"api/tasks/{next}/complete", new { }), 403);
        refused["detail"]!.GetValue<string>().ShouldContain("Vier-Augen-Prinzip");
        refused["detail"]!.GetValue<string>().ShouldContain("Antrag prüfen");

        var c = await TestServer.GetJsonAsAsync(max, $"api/tasks/{next}/case");
        c["businessKey"]!.GetValue<string>().ShouldBe("BA-7");
        c["currentElementIds"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe(["Task_Freigeben"]);
        c["history"]!.AsArray().ShouldContain(h => h!["kind"]!.GetValue<string>() == "taskCompleted" && h["userId"]!.GetValue<string>() == "erika");
        await Post(max, $"api/tasks/{next}/claim", new { takeOver = true });
        (await Json(await Post(max, $"api/tasks/{next}/complete", new { }), 200))["state"]!.GetValue<string>().ShouldBe("completed");
    }

    [Fact]
    public async Task Vertretung_TheDeputyWorksTheAbsentClerksTask_InVertretungFuer()
    {
        await using var s = await Start();
        var instance = await Case(s, "BA-3");
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var jan = await s.PersonAsync("jan", ["kasse"]);
        var id = (await TestServer.GetJsonAsAsync(erika, "api/tasks?view=group"))["items"]![0]!["id"]!.GetValue<string>();
        await Post(erika, $"api/tasks/{id}/claim", new { });

        await TestServer.ShouldBeProblemAsync(await Post(jan, "api/absences", new { userId = "erika", from = DateTimeOffset.UtcNow.AddHours(-1), to = DateTimeOffset.UtcNow.AddDays(3), deputy = "jan" }), 403);
        var absence = await Json(await Post(erika, "api/absences", new { from = DateTimeOffset.UtcNow.AddHours(-1), to = DateTimeOffset.UtcNow.AddDays(3), deputy = "jan" }), 201);
        absence["userId"]!.GetValue<string>().ShouldBe("erika");
        (await TestServer.GetJsonAsAsync(jan, "api/absences"))["items"]!.AsArray().Count.ShouldBe(1);

        var mine = (await TestServer.GetJsonAsAsync(jan, "api/tasks?view=mine"))["items"]!.AsArray().Single()!;
        mine["onBehalfOf"]!.GetValue<string>().ShouldBe("erika");
        (await Json(await Post(jan, $"api/tasks/{id}/complete", new { variables = new { begruendung = "In Vertretung geprüft" } }), 200)).ShouldNotBeNull();
        var events = (await s.GetJsonAsync($"api/process-instances/{instance}/history/tasks")).AsArray();
        var completed = events.Single(e => e!["event"]!.GetValue<string>() == "completed")!;
        (completed["userId"]!.GetValue<string>(), completed["onBehalfOf"]!.GetValue<string>()).ShouldBe(("jan", "erika"));

        using var delete = await TestServer.SendAsAsync(erika, HttpMethod.Delete, $"api/absences/{absence["id"]!.GetValue<string>()}");
        ((int)delete.StatusCode).ShouldBe(204);
    }

    [Fact]
    public async Task CaseFile_CommentsAndAttachments_HostileUploadsAreRefused_NothingStored()
    {
        await using var s = await Start(attachmentLimit: 1024);
        var instance = await Case(s, "BA-9");
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var jan = await s.PersonAsync("jan", ["kasse"]);
        var files = $"api/process-instances/{instance}/attachments";

        var comment = await Json(await Post(erika, $"api/process-instances/{instance}/comments", new { text = "Unterlagen fehlen" }), 201);
        comment["userId"]!.GetValue<string>().ShouldBe("erika");
        (await TestServer.GetJsonAsAsync(erika, $"api/process-instances/{instance}/comments"))["items"]!.AsArray().Count.ShouldBe(1);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(jan, HttpMethod.Get, $"api/process-instances/{instance}/comments"), 404);
        await TestServer.ShouldBeProblemAsync(await Post(jan, $"api/process-instances/{instance}/comments", new { text = "hallo" }), 404);

        async Task<HttpResponseMessage> Upload(HttpClient c, byte[] content, string name, string type)
        {
            using var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(part, "file", name);
            return await c.PostAsync(files, form);
        }

        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n%%EOF\n");
        var stored = await Json(await Upload(erika, pdf, "plan.pdf", "application/pdf"), 201);
        var hash = stored["hash"]!.GetValue<string>();
        hash.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)));
        await TestServer.ShouldBeProblemAsync(await Upload(erika, [0x4D, 0x5A, 0x90, 0x00, 0x03], "rechnung.pdf", "application/pdf"), 415);
        await TestServer.ShouldBeProblemAsync(await Upload(erika, new byte[2048], "gross.txt", "text/plain"), 413);
        await TestServer.ShouldBeProblemAsync(await Upload(jan, pdf, "plan.pdf", "application/pdf"), 404);
        (await TestServer.GetJsonAsAsync(erika, files))["items"]!.AsArray().Count.ShouldBe(1);

        using var download = await TestServer.SendAsAsync(erika, HttpMethod.Get, $"{files}/{hash}");
        ((int)download.StatusCode).ShouldBe(200);
        download.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        download.Headers.GetValues("X-Content-Type-Options").ShouldContain("nosniff");
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(pdf);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(jan, HttpMethod.Get, $"{files}/{hash}"), 404);
    }

    [Fact]
    public async Task Filters_SavedForOneselfOrSharedWithTheGroup()
    {
        await using var s = await Start();
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var max = await s.PersonAsync("max", ["bauamt"]);
        var jan = await s.PersonAsync("jan", ["kasse"]);
        var shared = await Json(await Post(erika, "api/filters", new { name = "Überfällige Bauanträge", query = new { view = "overdue", q = "BA-" }, columns = new[] { "antragsteller" }, sharedWithGroup = "bauamt" }), 201);
        await Json(await Post(erika, "api/filters", new { name = "Nur meine", query = new { view = "mine" }, columns = Array.Empty<string>(), sharedWithGroup = (string?)null }), 201);
        await TestServer.ShouldBeProblemAsync(await Post(erika, "api/filters", new { name = "Fremd", query = new { }, columns = Array.Empty<string>(), sharedWithGroup = "kasse" }), 403);
        (await TestServer.GetJsonAsAsync(erika, "api/filters"))["items"]!.AsArray().Count.ShouldBe(2);
        (await TestServer.GetJsonAsAsync(max, "api/filters"))["items"]!.AsArray().Single()!["name"]!.GetValue<string>().ShouldBe("Überfällige Bauanträge");
        (await TestServer.GetJsonAsAsync(jan, "api/filters"))["items"]!.AsArray().ShouldBeEmpty();
        var id = shared["id"]!.GetValue<string>();
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(max, HttpMethod.Delete, $"api/filters/{id}"), 403);
        using var deleted = await TestServer.SendAsAsync(erika, HttpMethod.Delete, $"api/filters/{id}");
        ((int)deleted.StatusCode).ShouldBe(204);
    }
}
