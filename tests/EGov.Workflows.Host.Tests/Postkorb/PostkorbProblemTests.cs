using System.Net.Http.Headers;
using System.Text;

namespace EGov.Workflows.Host.Tests.Postkorb;

/// <summary>
/// What the Postkorb refuses, it refuses in German (clerks read title and detail): the commands on a task (unknown, no longer open,
/// held by a colleague, free, delegated, not delegated, assigning without being a team lead), absences (Vertretung), saved filters and the
/// case file (comments, uploads too large or of a type not accepted). The machine fields stay: status, holder, owner, code, errors.
/// </summary>
public sealed class PostkorbProblemTests
{
    private const string Ungueltig = "Ungültige Anfrage", NichtGefunden = "Nicht gefunden", Konflikt = "Konflikt", KeineBerechtigung = "Keine Berechtigung",
        NichtMoeglich = "Nicht möglich";

    private static Task<TestServer> Start(long attachmentLimit = 1024) =>
        TestServer.StartAsync(PostkorbHttpTests.Processes(), configure: o => o with { AttachmentMaxBytes = attachmentLimit });

    private static async Task<System.Text.Json.Nodes.JsonNode> Json(HttpResponseMessage r, int status)
    {
        var text = await r.Content.ReadAsStringAsync();
        ((int)r.StatusCode).ShouldBe(status, text);
        return System.Text.Json.Nodes.JsonNode.Parse(text)!;
    }

    private static Task<HttpResponseMessage> Post(HttpClient c, string path, object body) => TestServer.SendAsAsync(c, HttpMethod.Post, path, body);

    [Fact]
    public async Task TaskCommands_AreRefusedInGerman_WithHolderOwnerAndCode()
    {
        await using var s = await Start();
        var instance = await s.StartProcessAsync("Bauantrag", new { variables = new { antragsteller = "Max Muster" }, businessKey = "BA-1" });
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var max = await s.PersonAsync("max", ["bauamt"]);
        var jan = await s.PersonAsync("jan", ["kasse"]);
        var id = (await TestServer.GetJsonAsAsync(erika, "api/tasks?view=group"))["items"]![0]!["id"]!.GetValue<string>();
        var T = $"api/tasks/{id}";

        (await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(jan, HttpMethod.Get, T), 404, NichtGefunden, $"Die Aufgabe „{id}“ gibt es in Ihrem Postkorb nicht"))
            ["code"]!.GetValue<string>().ShouldBe("taskNotFound");
        await GermanProblem.ShouldBeAsync(await Post(erika, "api/tasks/garbage/claim", new { }), 404, NichtGefunden, "„garbage“");
        await GermanProblem.ShouldBeAsync(await Post(erika, $"{T}/complete", new { variables = new { } }), 400, "Formular unvollständig oder ungültig"); // the form first
        await GermanProblem.ShouldBeAsync(await Post(erika, $"{T}/delegate", new { userId = "jan" }), 409, Konflikt, "ist frei", "übernehmen Sie sie zuerst", "delegieren");
        await GermanProblem.ShouldBeAsync(await Post(erika, $"{T}/delegate", new { userId = " " }), 400, Ungueltig, "an wen Sie die Aufgabe delegieren", "(userId)");

        (await Post(erika, $"{T}/claim", new { })).EnsureSuccessStatusCode();
        var held = await GermanProblem.ShouldBeAsync(await Post(max, $"{T}/claim", new { takeOver = false }), 409, Konflikt, "bearbeitet inzwischen „erika“", "takeOver: true");
        (held["holder"]!.GetValue<string>(), held["code"]!.GetValue<string>()).ShouldBe(("erika", "taskHeld"), "the page asks to take it over by these");
        (await GermanProblem.ShouldBeAsync(await Post(max, $"{T}/unclaim", new { }), 403, KeineBerechtigung, "bearbeitet „erika“", "zurückgeben", "Teamleitung"))
            ["holder"]!.GetValue<string>().ShouldBe("erika");
        await GermanProblem.ShouldBeAsync(await Post(max, $"{T}/assign", new { userId = "max" }), 403, KeineBerechtigung, "„max“ fehlt die Berechtigung");
        await GermanProblem.ShouldBeAsync(await Post(max, $"{T}/delegate", new { userId = "jan" }), 409, Konflikt, "bearbeitet „erika“", "nur wer sie bearbeitet, kann sie delegieren");
        (await GermanProblem.ShouldBeAsync(await Post(erika, $"{T}/resolve", new { variables = new { } }), 400, NichtMoeglich, "ist nicht delegiert", "Schließen Sie sie stattdessen ab"))
            ["code"]!.GetValue<string>().ShouldBe("taskNotDelegated");

        (await Post(erika, $"{T}/delegate", new { userId = "jan" })).EnsureSuccessStatusCode();
        var delegated = await GermanProblem.ShouldBeAsync(await Post(jan, $"{T}/unclaim", new { }), 400, NichtMoeglich, "ist delegiert", "an „erika“ zurück");
        (delegated["owner"]!.GetValue<string>(), delegated["code"]!.GetValue<string>()).ShouldBe(("erika", "taskDelegated"));
        await GermanProblem.ShouldBeAsync(await Post(erika, $"{T}/complete", new { variables = new { } }), 409, Konflikt, "bearbeitet „jan“", "abschließen");

        await s.SendAsync(HttpMethod.Delete, $"api/process-instances/{instance}");
        (await GermanProblem.ShouldBeAsync(await Post(erika, $"{T}/claim", new { }), 409, Konflikt, "ist nicht mehr offen", "erledigt oder abgebrochen"))
            ["code"]!.GetValue<string>().ShouldBe("taskNoLongerOpen");
    }

    [Fact]
    public async Task AbsencesAndFilters_AreRefusedInGerman_NothingWritten()
    {
        await using var s = await Start();
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var max = await s.PersonAsync("max", ["bauamt"]);
        var from = "2027-03-01T08:00:00+01:00";
        var to = "2027-03-05T17:00:00+01:00";

        await GermanProblem.ShouldBeAsync(await Post(erika, "api/absences", new { from, to }), 400, Ungueltig, "die Vertretung (deputy)", "für „erika“ keine ständige Vertretung");
        await GermanProblem.ShouldBeAsync(await Post(erika, "api/absences", new { from, to, deputy = "erika" }), 400, Ungueltig, "„erika“ kann sich nicht selbst vertreten");
        await GermanProblem.ShouldBeAsync(await Post(erika, "api/absences", new { to, deputy = "max" }), 400, Ungueltig, "Beginn und Ende der Abwesenheit", "(from)");
        await GermanProblem.ShouldBeAsync(await Post(erika, "api/absences", new { from = to, to = from, deputy = "max" }), 400, Ungueltig,
            "endet (01.03.2027 08:00), bevor sie beginnt (05.03.2027 17:00)");
        await GermanProblem.ShouldBeAsync(await Post(max, "api/absences", new { userId = "erika", from, to, deputy = "max" }), 403, KeineBerechtigung,
            "Die Abwesenheit von „erika“ tragen nur „erika“ selbst", "Teamleitung");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Delete, "api/absences/gibtsnicht"), 404, NichtGefunden, "Abwesenheit „gibtsnicht“");
        var absence = await Post(erika, "api/absences", new { from, to, deputy = "max" });
        var absenceId = (await Json(absence, 201))["id"]!.GetValue<string>();
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(max, HttpMethod.Delete, $"api/absences/{absenceId}"), 403, KeineBerechtigung,
            "Als Vertretung beenden Sie die Abwesenheit von „erika“ nicht");

        await GermanProblem.ShouldBeAsync(await Post(erika, "api/filters", new { name = " ", query = new { } }), 400, Ungueltig, "einen Namen (name)");
        await GermanProblem.ShouldBeAsync(await Post(erika, "api/filters", new { name = new string('x', 201), query = new { } }), 400, Ungueltig, "201 Zeichen", "höchstens 200");
        await GermanProblem.ShouldBeAsync(await Post(erika, "api/filters", new { name = "F", query = new { frist = "heute" } }), 400, Ungueltig, "„frist“ kann ein Filter nicht speichern", "view, sort");
        await GermanProblem.ShouldBeAsync(await Post(erika, "api/filters", new { name = "F", query = new { q = 5 } }), 400, Ungueltig, "„q“ im Filter muss ein Text");
        await GermanProblem.ShouldBeAsync(await Post(erika, "api/filters", new { name = "F", query = new { }, columns = Enumerable.Range(1, 21).Select(i => $"c{i}") }), 400, Ungueltig,
            "21 Spalten", "höchstens 20");
        await GermanProblem.ShouldBeAsync(await Post(erika, "api/filters", new { name = "F", query = new { }, sharedWithGroup = "kasse" }), 403, KeineBerechtigung,
            "zur Gruppe „kasse“ gehören Sie nicht");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Delete, "api/filters/gibtsnicht"), 404, NichtGefunden, "Filter „gibtsnicht“");
        var shared = await Post(erika, "api/filters", new { name = "Bauanträge", query = new { view = "group" }, sharedWithGroup = "bauamt" });
        var filterId = (await Json(shared, 201))["id"]!.GetValue<string>();
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(max, HttpMethod.Delete, $"api/filters/{filterId}"), 403, KeineBerechtigung,
            "Den Filter „Bauanträge“ hat „erika“ mit Ihrer Gruppe geteilt", "nur „erika“");
        (await TestServer.GetJsonAsAsync(erika, "api/filters"))["items"]!.AsArray().Count.ShouldBe(1, "only the good one was saved");
    }

    [Fact]
    public async Task CaseFile_CommentsAndUploads_AreRefusedInGerman_NothingStored()
    {
        await using var s = await Start(attachmentLimit: 1024);
        var instance = await s.StartProcessAsync("Bauantrag", new { variables = new { antragsteller = "Max Muster" }, businessKey = "BA-2" });
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var jan = await s.PersonAsync("jan", ["kasse"]);
        var files = $"api/process-instances/{instance}/attachments";

        await GermanProblem.ShouldBeAsync(await Post(jan, $"api/process-instances/{instance}/comments", new { text = "hallo" }), 404, NichtGefunden, $"Einen Vorgang „{instance}“ gibt es für Sie nicht");
        await GermanProblem.ShouldBeAsync(await Post(erika, $"api/process-instances/{instance}/comments", new { text = "  " }), 400, Ungueltig, "Der Kommentar ist leer");
        await GermanProblem.ShouldBeAsync(await Post(erika, $"api/process-instances/{instance}/comments", new { text = new string('x', 10_001) }), 400, Ungueltig,
            "10001 Zeichen", "höchstens 10000");

        async Task<HttpResponseMessage> Upload(byte[] content, string name, string type)
        {
            using var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(part, "file", name);
            return await erika.PostAsync(files, form);
        }

        var tooLarge = await GermanProblem.ShouldBeAsync(await Upload(new byte[2048], "gross.txt", "text/plain"), 413, "Datei zu groß",
            "„gross.txt“ ist 2 KB groß", "höchstens 1 KB");
        tooLarge["maxBytes"]!.GetValue<long>().ShouldBe(1024);
        await GermanProblem.ShouldBeAsync(await Upload([], "leer.pdf", "application/pdf"), 400, Ungueltig, "„leer.pdf“ ist leer");
        var exe = await GermanProblem.ShouldBeAsync(await Upload([0x4D, 0x5A, 0x90, 0x00, 0x03], "rechnung.pdf", "application/pdf"), 415, "Dateityp nicht erlaubt",
            "„rechnung.pdf“ ist keine der erlaubten Dateiarten", "PDF");
        exe["accepted"]!.AsArray().ShouldContain(a => a!.GetValue<string>() == "application/pdf");
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n%%EOF\n");
        await GermanProblem.ShouldBeAsync(await Upload(pdf, "plan.pdf", "image/png"), 415, "Dateityp nicht erlaubt", "als image/png angegeben", "PDF (application/pdf)");
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
        await GermanProblem.ShouldBeAsync(await Upload(png, "bild.txt", "application/octet-stream"), 415, "Dateityp nicht erlaubt", "„bild.txt“ passt nicht zum Inhalt", "Endung .png");
        using (var json = new StringContent("{}", Encoding.UTF8, "application/json"))
            await GermanProblem.ShouldBeAsync(await erika.PostAsync(files, json), 400, Ungueltig, "multipart/form-data", "„file“");
        using (var noFile = new MultipartFormDataContent { { new StringContent("x"), "anderes" } })
            await GermanProblem.ShouldBeAsync(await erika.PostAsync(files, noFile), 400, Ungueltig, "keine Datei im Feld „file“");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, $"{files}/{new string('0', 64)}"), 404, NichtGefunden, "Diesen Anhang");
        (await TestServer.GetJsonAsAsync(erika, files))["items"]!.AsArray().ShouldBeEmpty("nothing was stored");
    }
}
