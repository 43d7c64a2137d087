using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Ratsinfo;
using EGov.Workflows.Persistence.Ratsinfo;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Duration = NodaTime.Duration;

namespace EGov.Workflows.Host.Tests.Ratsinfo;

/// <summary>
/// The Ratsinformationssystem (issue 17): a Beschlussvorlage worked in the Postkorb from draft to publication, the public
/// OParl 1.1 interface (anonymous, paged, checked against docs/oparl/oparl-1.1.schema.json, non-public papers never there),
/// who may read a non-public paper and its minutes, and the Sitzungskalender's API refusing bad input.
/// </summary>
public sealed class RatsinfoTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    private static string Processes()
    {
        var target = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        var source = Path.Combine(Root(), "processes", "ratsinfo");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.Contains("scenarios", StringComparison.Ordinal)))
        {
            var to = Path.Combine(target, "ratsinfo", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    private static readonly Dictionary<string, JsonSchema> Schemas = [];

    /// <summary>The schema file with its root pointing at one definition, built once per type.</summary>
    private static JsonSchema SchemaFor(string type)
    {
        lock (Schemas)
        {
            if (Schemas.TryGetValue(type, out var cached)) return cached;
            var root = JsonNode.Parse(File.ReadAllText(Path.Combine(Root(), "docs", "oparl", "oparl-1.1.schema.json")))!.AsObject();
            root["$id"] = $"https://egov-workflows.example/schema/oparl-{type}.json";
            root["$ref"] = $"#/$defs/{type}";
            return Schemas[type] = JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
    }

    /// <summary>Checks one object against the schema's definition of its type.</summary>
    private static void ShouldMatchOParl(JsonNode node, string type)
    {
        using var doc = JsonDocument.Parse(node.ToJsonString());
        var result = SchemaFor(type).Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        result.IsValid.ShouldBeTrue($"{type}: {node.ToJsonString()} — " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    private static void ShouldBeOParlList(JsonNode list, string itemType)
    {
        ShouldMatchOParl(list, "List");
        foreach (var item in list["data"]!.AsArray()) ShouldMatchOParl(item!, itemType);
    }

    private static async Task<JsonNode> Anonymous(TestServer s, string path, int status = 200)
    {
        using var response = await s.Anonymous.GetAsync(new Uri(path, UriKind.RelativeOrAbsolute));
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, path + " " + text);
        return JsonNode.Parse(text)!;
    }

    private static async Task Ok(HttpResponseMessage response, int status = 200)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
    }

    private static string Tenant(TestServer s) => s.Server.App.Services.GetRequiredService<ServeOptions>().Tenant;

    private static async Task Sitzungskalender(TestServer s, Instant frist, Instant beginn)
    {
        await Ok(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/koerperschaft", new { name = "Stadt Musterstadt", kurzname = "Musterstadt", ags = "06411000", website = "https://www.musterstadt.example" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/gremien/bauausschuss", new { name = "Bau- und Planungsausschuss", kurzname = "BPA", art = "ausschuss", lesegruppe = "gremium-bpa", vorsitzGruppe = "vorsitz-bpa" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/sitzungen/bpa-2027-01", new
        {
            gremiumId = "bauausschuss", name = "3. Sitzung des Bau- und Planungsausschusses", beginn = beginn.ToDateTimeOffset(),
            ende = (beginn + Duration.FromHours(3)).ToDateTimeOffset(), ort = "Rathaus, Saal 1", einreichungsfrist = frist.ToDateTimeOffset(),
        }));
    }

    private static async Task<string> OneTask(HttpClient who, string view = "group")
    {
        var page = await TestServer.GetJsonAsAsync(who, $"api/tasks?view={view}");
        var items = page["items"]!.AsArray();
        items.Count.ShouldBe(1, page.ToJsonString());
        return items[0]!["id"]!.GetValue<string>();
    }

    private static async Task Complete(HttpClient who, string taskId, object variables) =>
        await Ok(await TestServer.SendAsAsync(who, HttpMethod.Post, $"api/tasks/{taskId}/complete", new { variables }));

    [Fact]
    public async Task Vorlage_IsWorkedInThePostkorb_FromDraftToPublication_AndOnlyThePublicOneAppearsInOParl()
    {
        await using var s = await TestServer.StartAsync(Processes());
        var now = SystemClock.Instance.GetCurrentInstant();
        await Sitzungskalender(s, now + Duration.FromDays(20), now + Duration.FromDays(30));
        var planer = await s.PersonAsync("planer", ["fb-61-stadtplanung"], ["clerk"]);
        var kaemmerin = await s.PersonAsync("kaemmerin", ["fb-20-finanzen"], ["clerk"]);
        var amtsleiter = await s.PersonAsync("amtsleiter", ["amtsleitung-61"], ["clerk"]);
        var dezernent = await s.PersonAsync("dezernent", ["dezernat-iv"], ["clerk"]);
        var buero = await s.PersonAsync("buero", ["buero-stvv"], ["sitzungsdienst"]);

        foreach (var (key, oeffentlich) in new[] { ("VL-2027-0001", true), ("VL-2027-0002", false) })
        {
            await s.StartProcessAsync("Process_Ratsinfo_Vorlage", new
            {
                businessKey = key,
                variables = new { betreff = $"Bebauungsplan {key}", vorlagenart = "Beschlussvorlage", federfuehrend = "fb-61-stadtplanung", sitzung = "bpa-2027-01", oeffentlich },
            });
            await Complete(planer, await OneTask(planer), new
            {
                betreff = $"Bebauungsplan {key}", sachverhalt = "Neuordnung am Stadtpark", beschlussvorschlag = "Die Aufstellung wird beschlossen.",
                mitzeichnung = new[] { "fb-20-finanzen" }, oeffentlich,
            });
            await Complete(kaemmerin, await OneTask(kaemmerin), new { mitgezeichnet = true });
            await Complete(amtsleiter, await OneTask(amtsleiter), new { amtsleitungEntscheidung = "freigegeben" });
            await Complete(dezernent, await OneTask(dezernent), new { dezernatEntscheidung = "freigegeben" });
            await Complete(buero, await OneTask(buero), new { tagesordnungspunkt = oeffentlich ? "Ö 3" : "N 1" });
        }

        var register = s.Server.App.Services.GetRequiredService<RatsinfoRegister>().Store;
        register.GetVorlage(Tenant(s), "VL-2027-0001")!.Status.ShouldBe(VorlageStatus.Eingereicht);
        register.GetVorlage(Tenant(s), "VL-2027-0001")!.VeroeffentlichtAm.ShouldNotBeNull();
        register.GetVorlage(Tenant(s), "VL-2027-0002")!.Status.ShouldBe(VorlageStatus.Eingereicht);
        register.GetVorlage(Tenant(s), "VL-2027-0002")!.VeroeffentlichtAm.ShouldBeNull();

        var body = $"oparl/v1/bodies/{Tenant(s)}";
        var papers = await Anonymous(s, $"{body}/papers");
        ShouldBeOParlList(papers, "Paper");
        papers["data"]!.AsArray().Select(p => p!["reference"]!.GetValue<string>()).ShouldBe(["VL-2027-0001"]);
        papers["data"]![0]!["name"]!.GetValue<string>().ShouldBe("Bebauungsplan VL-2027-0001");
        var paper = await Anonymous(s, $"{body}/papers/VL-2027-0001");
        ShouldMatchOParl(paper, "Paper");
        // The non-public paper answers exactly like a number that does not exist.
        var hidden = await Anonymous(s, $"{body}/papers/VL-2027-0002", 404);
        var missing = await Anonymous(s, $"{body}/papers/VL-2027-9999", 404);
        hidden["detail"]!.GetValue<string>().Replace("0002", "9999", StringComparison.Ordinal).ShouldBe(missing["detail"]!.GetValue<string>());
        (await s.Anonymous.GetStringAsync(new Uri($"{body}/papers?limit=100", UriKind.Relative))).ShouldNotContain("VL-2027-0002");
    }

    [Fact]
    public async Task OParl_IsAnonymousReadOnlyPaged_AndEveryAnswerMatchesTheSchema()
    {
        await using var s = await TestServer.StartAsync();
        var now = SystemClock.Instance.GetCurrentInstant();
        await Anonymous(s, $"oparl/v1/bodies/{Tenant(s)}", 404); // nothing published before the Körperschaft is set
        await Sitzungskalender(s, now + Duration.FromDays(5), now + Duration.FromDays(10));
        var store = s.Server.App.Services.GetRequiredService<RatsinfoRegister>().Store;
        for (var i = 1; i <= 5; i++)
            store.PutVorlage(Tenant(s), new Vorlage($"VL-{i}", $"Vorlage {i}", "Beschlussvorlage", "fb-61-stadtplanung", Oeffentlich: i != 3, VorlageStatus.Eingereicht,
                "bauausschuss", "bpa-2027-01", Nachtrag: i == 5, "Sachverhalt", "Beschluss", null, null, now, i != 3 ? now + Duration.FromSeconds(i) : null, now));
        store.PutVorlage(Tenant(s), new Vorlage("VL-6", "Entwurf", "Beschlussvorlage", "fb-61-stadtplanung", true, VorlageStatus.Entwurf,
            "bauausschuss", "bpa-2027-01", false, null, null, null, null, null, null, now));

        var system = await Anonymous(s, "oparl/v1/system");
        ShouldMatchOParl(system, "System");
        var bodies = await Anonymous(s, system["body"]!.GetValue<string>());
        ShouldBeOParlList(bodies, "Body");
        var body = bodies["data"]![0]!;
        body["ags"]!.GetValue<string>().ShouldBe("06411000");
        ShouldBeOParlList(await Anonymous(s, body["organization"]!.GetValue<string>()), "Organization");
        var meetings = await Anonymous(s, body["meeting"]!.GetValue<string>());
        ShouldBeOParlList(meetings, "Meeting");
        ShouldMatchOParl(await Anonymous(s, meetings["data"]![0]!["id"]!.GetValue<string>()), "Meeting");
        ShouldMatchOParl(await Anonymous(s, body["person"]!.GetValue<string>()), "List");

        // Paged: 4 published (the non-public VL-3 and the draft VL-6 are not), two per page, following the links.
        var first = await Anonymous(s, body["paper"]!.GetValue<string>() + "?limit=2");
        ShouldBeOParlList(first, "Paper");
        first["pagination"]!["totalElements"]!.GetValue<int>().ShouldBe(4);
        first["pagination"]!["totalPages"]!.GetValue<int>().ShouldBe(2);
        var second = await Anonymous(s, first["links"]!["next"]!.GetValue<string>());
        ShouldBeOParlList(second, "Paper");
        second["links"]!["next"].ShouldBeNull();
        first["data"]!.AsArray().Concat(second["data"]!.AsArray()).Select(p => p!["reference"]!.GetValue<string>()).ShouldBe(["VL-1", "VL-2", "VL-4", "VL-5"]);
        second["data"]![1]!["keyword"]!.AsArray().Select(k => k!.GetValue<string>()).ShouldBe(["Nachtrag"]);
        await Anonymous(s, body["paper"]!.GetValue<string>() + "?limit=101", 400);
        await Anonymous(s, body["paper"]!.GetValue<string>() + "?page=0", 400);
        await Anonymous(s, "oparl/v1/bodies/kein-mandant/papers", 404);

        // Read-only: nothing but GET is mapped there.
        using var post = await s.Anonymous.PostAsync(new Uri(body["paper"]!.GetValue<string>()), new StringContent("{}"));
        ((int)post.StatusCode).ShouldBeOneOf(404, 405);
    }

    [Fact]
    public async Task NonPublicPaperAndItsMinutes_AreReadableOnlyByTheGremiumTheFachbereichAndTheSitzungsdienst()
    {
        await using var s = await TestServer.StartAsync();
        var now = SystemClock.Instance.GetCurrentInstant();
        await Sitzungskalender(s, now + Duration.FromDays(5), now + Duration.FromDays(10));
        var store = s.Server.App.Services.GetRequiredService<RatsinfoRegister>().Store;
        store.PutVorlage(Tenant(s), new Vorlage("VL-N", "Grundstücksverkauf Flur 7", "Beschlussvorlage", "fb-20-finanzen", false, VorlageStatus.Eingereicht,
            "bauausschuss", "bpa-2027-01", false, "Kaufpreis 1,2 Mio.", "Verkauf", null, null, now, null, now));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/vorlagen/VL-N/niederschrift", new { text = "Einstimmig beschlossen." }));

        var mitglied = await s.PersonAsync("mitglied", ["gremium-bpa"], ["clerk"]);
        var fachbereich = await s.PersonAsync("kaemmerin", ["fb-20-finanzen"], ["clerk"]);
        var fremd = await s.PersonAsync("fremd", ["fb-51-jugend"], ["clerk"]);
        foreach (var reader in new[] { mitglied, fachbereich })
        {
            var full = await TestServer.GetJsonAsAsync(reader, "api/ratsinfo/vorlagen/VL-N");
            full["lesbar"]!.GetValue<bool>().ShouldBeTrue();
            full["niederschrift"]!.GetValue<string>().ShouldBe("Einstimmig beschlossen.");
        }
        var redacted = await TestServer.GetJsonAsAsync(fremd, "api/ratsinfo/vorlagen/VL-N");
        redacted["lesbar"]!.GetValue<bool>().ShouldBeFalse();
        redacted["betreff"].ShouldBeNull();
        redacted["sachverhalt"].ShouldBeNull();
        redacted["niederschrift"].ShouldBeNull();
        var list = await TestServer.GetJsonAsAsync(fremd, "api/ratsinfo/vorlagen");
        list.ToJsonString().ShouldNotContain("Grundstück");
        list.ToJsonString().ShouldNotContain("Einstimmig");
        // Nor through OParl.
        (await s.Anonymous.GetStringAsync(new Uri($"oparl/v1/bodies/{Tenant(s)}/papers", UriKind.Relative))).ShouldNotContain("VL-N");
        await TestServer.ShouldBeProblemAsync(await s.Anonymous.GetAsync(new Uri("api/ratsinfo/vorlagen/VL-N", UriKind.Relative)), 401);
    }

    [Fact]
    public async Task Sitzungskalender_RefusesBadInput_WithAProblem_AndOnlyTheSitzungsdienstKeepsIt()
    {
        await using var s = await TestServer.StartAsync();
        var now = SystemClock.Instance.GetCurrentInstant();
        await Sitzungskalender(s, now + Duration.FromDays(5), now + Duration.FromDays(10));
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/sitzungen/x", new
        {
            gremiumId = "bauausschuss", name = "Frist nach Beginn", beginn = now.ToDateTimeOffset(), einreichungsfrist = (now + Duration.FromDays(1)).ToDateTimeOffset(),
        }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/sitzungen/x", new
        {
            gremiumId = "gibt-es-nicht", name = "Unbekanntes Gremium", beginn = now.ToDateTimeOffset(), einreichungsfrist = (now - Duration.FromDays(1)).ToDateTimeOffset(),
        }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/gremien/zweiter", new
        {
            name = "Bau- und Planungsausschuss", art = "ausschuss", lesegruppe = "g", vorsitzGruppe = "v",
        }), 409);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/gremien/x", new { name = "Ohne Gruppen" }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/gremien/..%2f", new { name = "x", lesegruppe = "g", vorsitzGruppe = "v" }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/koerperschaft", new { name = "Musterstadt", ags = "123" }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/vorlagen/unbekannt/niederschrift", new { text = "x" }), 404);

        var clerk = await s.PersonAsync("clerk", ["buero-stvv"], ["clerk"]);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(clerk, HttpMethod.Put, "api/ratsinfo/gremien/neu", new { name = "Neu", lesegruppe = "g", vorsitzGruppe = "v" }), 403);
        var sitzungen = await TestServer.GetJsonAsAsync(clerk, "api/ratsinfo/sitzungen?gremium=bauausschuss");
        sitzungen["items"]!.AsArray().Single()!["einreichungsfrist"].ShouldNotBeNull();
        (await s.Anonymous.GetAsync(new Uri("api/ratsinfo/sitzungen", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
