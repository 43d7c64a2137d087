using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Stadtplanung;
using EGov.Workflows.Persistence.Stadtplanung;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Stadtplanung;

/// <summary>
/// The eAkte Stadtplanung (issue 17 item 3) with the repository's Bauleitplan model: the case files each step's document and the
/// case file's uploads under the Aktenplan-Kennzeichen; /api/stadtplanung finds procedures by their metadata and reads them with
/// their documents — a confidential one only for its read groups (404 and not counted for everyone else), by role otherwise.
/// </summary>
public sealed class StadtplanungApiTests
{
    private static string CopyOfModel()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) dir = dir.Parent;
        var source = Path.Combine(dir!.FullName, "processes", "stadtplanung");
        var target = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.Contains("scenarios", StringComparison.Ordinal)))
        {
            var to = Path.Combine(target, "stadtplanung", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    private static async Task<JsonNode> Ok(HttpResponseMessage response, int status = 200)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        return JsonNode.Parse(text)!;
    }

    private static object Start(string planNummer, bool vertraulich, string lesegruppen = "") => new
    {
        businessKey = planNummer,
        variables = new
        {
            planNummer, titel = $"Bebauungsplan {planNummer} „Am Stadtpark“", planart = "Bebauungsplan", gemarkung = "Musterstadt",
            flur = "Flur 3, Flurstücke 12/1", grundflaeche = 45000, innenentwicklung = false, uvpPflicht = false, natura2000 = false,
            gewaesser = false, denkmal = false, klassifizierteStrasse = false, vertraulich, lesegruppen,
        },
    };

    private static async Task<string> TaskOf(HttpClient person, string instance, string elementId)
    {
        for (var i = 0; i < 50; i++)
        {
            var tasks = await TestServer.GetJsonAsAsync(person, "api/tasks?view=group");
            var t = tasks["items"]!.AsArray().FirstOrDefault(x => x!["rootInstanceId"]!.GetValue<string>() == instance && x["elementId"]!.GetValue<string>() == elementId);
            if (t is not null) return t["id"]!.GetValue<string>();
            await Task.Delay(100);
        }
        throw new ShouldAssertException($"no task {elementId} in {instance}");
    }

    private static async Task Complete(HttpClient person, string instance, string elementId, object variables)
    {
        var id = await TaskOf(person, instance, elementId);
        using var response = await TestServer.SendAsAsync(person, HttpMethod.Post, $"api/tasks/{id}/claim", new { });
        ((int)response.StatusCode).ShouldBeOneOf(200, 204);
        await Ok(await TestServer.SendAsAsync(person, HttpMethod.Post, $"api/tasks/{id}/complete", new { variables }));
    }

    [Fact]
    public async Task TheCase_FilesItsDocumentsAndTheCaseFile_WithTheAktenplan_AndTheProcedureIsFoundByItsMetadata()
    {
        await using var s = await TestServer.StartAsync(CopyOfModel());
        var paula = await s.PersonAsync("paula", ["stadtplanung-bauleitplanung"], ["clerk"]);
        var buero = await s.PersonAsync("bruno", ["buero-stvv"], ["sitzungsdienst"]);
        var auditor = await s.PersonAsync("anna", ["revision"], ["auditor"]);
        var instance = await s.StartProcessAsync("Process_Bauleitplan", Start("BP-7", vertraulich: false));

        // A plan drawing uploaded to the case file while the Aufstellungsbeschluss is prepared.
        await TaskOf(paula, instance, "Task_Aufstellungsbeschluss_Vorbereiten");
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n% Planzeichnung\n%%EOF\n");
        using (var form = new MultipartFormDataContent())
        {
            var part = new ByteArrayContent(pdf);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(part, "file", "planzeichnung.pdf");
            using var upload = await paula.PostAsync($"api/process-instances/{instance}/attachments", form);
            ((int)upload.StatusCode).ShouldBe(201, await upload.Content.ReadAsStringAsync());
        }
        await Complete(paula, instance, "Task_Aufstellungsbeschluss_Vorbereiten", new { planungsziele = "Wohnen und Grünzug" });
        await Complete(buero, instance, "Task_Aufstellungsbeschluss_Fassen", new { aufstellungBeschlossen = true, beschlussDatum = "2026-03-12", beschlussNummer = "StVV-2026-031" });
        await TaskOf(paula, instance, "Task_Fruehzeitige_Beteiligung");

        var v = await TestServer.GetJsonAsAsync(auditor, "api/stadtplanung/verfahren/BP-7");
        (v["aktenzeichen"]!.GetValue<string>(), v["aktenplanKennzeichen"]!.GetValue<string>(), v["status"]!.GetValue<string>(), v["vertraulich"]!.GetValue<bool>())
            .ShouldBe(("61.20.01-BP-7", "61.20.01", "aufgestellt", false));
        var docs = v["dokumente"]!.AsArray();
        docs.Select(d => (d!["nr"]!.GetValue<int>(), d["schritt"]!.GetValue<string>(), d["aktenzeichen"]!.GetValue<string>(), d["aktenplanKennzeichen"]!.GetValue<string>()))
            .ShouldBe([(1, "aufstellungsbeschluss", "61.20.01-BP-7/1", "61.20.01"), (2, "aufstellungsbeschluss", "61.20.01-BP-7/2", "61.20.01")]);
        docs[0]!["titel"]!.GetValue<string>().ShouldBe("Aufstellungsbeschluss StVV-2026-031 vom 2026-03-12");
        docs[1]!["dateiName"]!.GetValue<string>().ShouldBe("planzeichnung.pdf");

        using var file = await TestServer.SendAsAsync(auditor, HttpMethod.Get, "api/stadtplanung/verfahren/BP-7/dokumente/2/datei");
        ((int)file.StatusCode).ShouldBe(200);
        (await file.Content.ReadAsByteArrayAsync()).ShouldBe(pdf);
        file.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(auditor, HttpMethod.Get, "api/stadtplanung/verfahren/BP-7/dokumente/1/datei"), 404); // a text, no file

        // Found by Plan-Nummer, title, Gemarkung and Aktenzeichen.
        foreach (var q in new[] { "bp-7", "stadtpark", "MUSTERSTADT", "61.20.01-BP-7", "flurstücke 12/1" })
            (await TestServer.GetJsonAsAsync(paula, $"api/stadtplanung/verfahren?q={Uri.EscapeDataString(q)}"))["items"]!.AsArray().Single()!["id"]!.GetValue<string>().ShouldBe("BP-7", q);
        (await TestServer.GetJsonAsAsync(paula, "api/stadtplanung/verfahren?q=nordring"))["total"]!.GetValue<long>().ShouldBe(0);
        (await TestServer.GetJsonAsAsync(paula, "api/stadtplanung/verfahren?status=aufgestellt&gemarkung=Musterstadt"))["total"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task AConfidentialProcedure_IsReadAndFoundOnlyByItsReadGroups_ForAnyoneElseItDoesNotExist()
    {
        await using var s = await TestServer.StartAsync(CopyOfModel());
        var paula = await s.PersonAsync("paula", ["stadtplanung-bauleitplanung"], ["clerk"]);
        var dora = await s.PersonAsync("dora", ["dezernat-iv"], ["clerk"]);
        var otto = await s.PersonAsync("otto", ["bauaufsicht"], ["clerk"]);
        var anna = await s.PersonAsync("anna", ["revision"], ["auditor"]);
        var alex = await s.PersonAsync("alex", ["stadtplanung-bauleitplanung"], ["analyst"]);
        await s.StartProcessAsync("Process_Bauleitplan", Start("BP-20", vertraulich: true, lesegruppen: "dezernat-iv, amtsleitung-61"));
        await s.StartProcessAsync("Process_Bauleitplan", Start("BP-21", vertraulich: false));

        (await TestServer.GetJsonAsAsync(paula, "api/stadtplanung/verfahren/BP-20"))["lesegruppen"]!.AsArray().Select(g => g!.GetValue<string>())
            .ShouldBe(["amtsleitung-61", "dezernat-iv"], ignoreOrder: true);
        (await TestServer.GetJsonAsAsync(dora, "api/stadtplanung/verfahren/BP-20"))["vertraulich"]!.GetValue<bool>().ShouldBeTrue();
        (await TestServer.GetJsonAsAsync(dora, "api/stadtplanung/verfahren?q=bp-2"))["total"]!.GetValue<long>().ShouldBe(2);

        foreach (var outsider in new[] { otto, anna })
        {
            await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(outsider, HttpMethod.Get, "api/stadtplanung/verfahren/BP-20"), 404);
            await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(outsider, HttpMethod.Get, "api/stadtplanung/verfahren/BP-20/dokumente/1/datei"), 404);
            var found = await TestServer.GetJsonAsAsync(outsider, "api/stadtplanung/verfahren?q=bp-2");
            (found["total"]!.GetValue<long>(), found["items"]!.AsArray().Single()!["id"]!.GetValue<string>()).ShouldBe((1L, "BP-21"));
            (await TestServer.GetJsonAsAsync(outsider, "api/stadtplanung/verfahren/BP-21"))["id"]!.GetValue<string>().ShouldBe("BP-21");
        }
        // By role: a role without PlanningRead reads nothing, even in the lead group.
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(alex, HttpMethod.Get, "api/stadtplanung/verfahren/BP-21"), 403);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(alex, HttpMethod.Get, "api/stadtplanung/verfahren"), 403);
    }

    [Fact]
    public async Task BadSearch_UnknownProcedures_AndMissingRights_AreRefusedInGerman()
    {
        await using var s = await TestServer.StartAsync();
        const string Ungueltig = "Ungültige Anfrage", NichtGefunden = "Nicht gefunden";
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/stadtplanung/verfahren?status=beschlossen"), 400, Ungueltig,
            "Den Verfahrensstand „beschlossen“ gibt es nicht", "auslegung");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, $"api/stadtplanung/verfahren?q={new string('x', 201)}"), 400, Ungueltig,
            "Suchbegriff (q) ist 201 Zeichen lang", "höchstens 200");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, $"api/stadtplanung/verfahren?gemarkung={new string('x', 201)}"), 400, Ungueltig, "Gemarkung");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/stadtplanung/verfahren?limit=501"), 400, Ungueltig, "limit 501", "1 bis 500");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/stadtplanung/verfahren?offset=-1"), 400, Ungueltig, "offset -1");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/stadtplanung/verfahren?limit=viele"), 400, Ungueltig, "„viele“", "ganze Zahl");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/stadtplanung/verfahren/BP-404"), 404, NichtGefunden, "Ein Verfahren „BP-404“ gibt es nicht");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/stadtplanung/verfahren/BP-404/dokumente/1/datei"), 404, NichtGefunden, "„BP-404“");
        var alex = await s.PersonAsync("alex", ["stadtplanung-bauleitplanung"], ["analyst"]);
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(alex, HttpMethod.Get, "api/stadtplanung/verfahren"), 403, "Keine Berechtigung", "„alex“");
        s.Server.App.Services.GetRequiredService<StadtplanungRegister>().Store.ShouldBeOfType<InMemoryStadtplanungStore>();
    }

    [Fact]
    public async Task TheSearch_GivesTheEndOfThePublicDisplay_OneMonthAndAtLeast30Days_OffWeekendsAndHolidays()
    {
        await using var s = await TestServer.StartAsync();
        var store = s.Server.App.Services.GetRequiredService<StadtplanungRegister>().Store;
        var t = NodaTime.Instant.FromUtc(2026, 3, 2, 9, 0);
        Verfahren V(string id, NodaTime.LocalDate? beginn) => new(id, null, id, "T " + id, "Bebauungsplan", "Fristhausen", null, "regel", "61.20.01", null,
            "61.20.01-" + id, "stadtplanung-bauleitplanung", false, [], beginn is null ? VerfahrenStatus.Aufgestellt : VerfahrenStatus.Auslegung, beginn, t, t);
        store.PutVerfahren("default", V("BP-M", new NodaTime.LocalDate(2026, 3, 2)));   // a month to 1 April (Wed), 30 days to 31 March: 1 April
        store.PutVerfahren("default", V("BP-F", new NodaTime.LocalDate(2027, 2, 1)));   // a month to 28 Feb (Sun), 30 days to 2 March (Tue): 2 March
        store.PutVerfahren("default", V("BP-O", new NodaTime.LocalDate(2026, 3, 6)));   // a month to 5 April (Easter Sunday) → 7 April (after Easter Monday)
        store.PutVerfahren("default", V("BP-N", null));
        var found = (await s.GetJsonAsync("api/stadtplanung/verfahren?gemarkung=Fristhausen"))["items"]!.AsArray()
            .ToDictionary(v => v!["id"]!.GetValue<string>(), v => v!["auslegungEnde"]?.GetValue<string>());
        found.ShouldBe(new Dictionary<string, string?> { ["BP-M"] = "2026-04-01", ["BP-F"] = "2027-03-02", ["BP-O"] = "2026-04-07", ["BP-N"] = null }, ignoreOrder: true);
        (await s.GetJsonAsync("api/stadtplanung/verfahren/BP-F"))["auslegungEnde"]!.GetValue<string>().ShouldBe("2027-03-02");
    }

    [Fact]
    public void MayRead_OpenForEveryone_ConfidentialForTheLeadAndReadGroups()
    {
        var t = NodaTime.Instant.FromUtc(2026, 3, 2, 9, 0);
        var v = new Verfahren("BP-1", null, "BP-1", "T", "Bebauungsplan", "G", null, "regel", "61.20.01", null, "61.20.01-BP-1", "stadtplanung-bauleitplanung",
            true, ["dezernat-iv"], VerfahrenStatus.Eingeleitet, null, t, t);
        static Security.Caller C(params string[] groups) => new("u", "u", Security.CallerKind.Person, new HashSet<string> { "clerk" }, new HashSet<string>(groups), []);
        StadtplanungEndpoints.MayRead(C("dezernat-iv"), v).ShouldBeTrue();
        StadtplanungEndpoints.MayRead(C("stadtplanung-bauleitplanung"), v).ShouldBeTrue();
        StadtplanungEndpoints.MayRead(C("bauaufsicht"), v).ShouldBeFalse();
        StadtplanungEndpoints.MayRead(C(), v with { Vertraulich = false }).ShouldBeTrue();
    }
}
