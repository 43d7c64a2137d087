using System.Net;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// The designer's server side (issue 11): the process catalogue (/api/processes), drafts per person and process,
/// the server's check with positioned problems, and "Bereitstellen" — version n+1 with the change note and its author,
/// refused with the same problem list when the model does not validate.
/// </summary>
public sealed class DesignerApiTests
{
    private static string Antrag => File.ReadAllText(TestServer.ModelPath("antrag.bpmn"));

    private static string Renamed(string name) => Antrag.Replace("name=\"Antrag prüfen\" camunda:candidateGroups", $"name=\"{name}\" camunda:candidateGroups", StringComparison.Ordinal);

    /// <summary>The user task becomes a service task without any implementation: readable, but it cannot run.</summary>
    private static string NotExecutable => Antrag
        .Replace("<bpmn:userTask id=\"Pruefen\" name=\"Antrag prüfen\" camunda:candidateGroups=\"sachbearbeitung\">", "<bpmn:serviceTask id=\"Pruefen\" name=\"Prüfen\">", StringComparison.Ordinal)
        .Replace("</bpmn:userTask>", "</bpmn:serviceTask>", StringComparison.Ordinal);

    private static async Task<HttpClient> AnalystAsync(TestServer s, string name) => await s.Identities.PersonAsync(name, ["analyst"], tenant: "*");

    [Fact]
    public async Task Catalogue_ListsEveryProcess_WithItsVersions_Instances_Incidents_AndSearchesAndPages()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        await s.DeployAsync("antrag-v2.bpmn");
        await s.DeployAsync("zahlung.bpmn");
        await s.StartProcessAsync("Antrag");
        var ended = await s.StartProcessAsync("Antrag");
        (await s.SendAsync(HttpMethod.Delete, $"api/process-instances/{ended}")).EnsureSuccessStatusCode();

        var page = await s.GetJsonAsync("api/processes");
        page["total"]!.GetValue<long>().ShouldBe(2);
        var antrag = page["items"]!.AsArray().Single(p => p!["processId"]!.GetValue<string>() == "Antrag")!;
        antrag["latestVersion"]!.GetValue<int>().ShouldBe(2);
        antrag["name"]!.GetValue<string>().ShouldBe("Antrag prüfen (v2)");
        antrag["running"]!.GetValue<long>().ShouldBe(1);
        antrag["ended"]!.GetValue<long>().ShouldBe(1);
        antrag["openIncidents"]!.GetValue<int>().ShouldBe(0);
        var versions = antrag["versions"]!.AsArray();
        versions.Select(v => v!["version"]!.GetValue<int>()).ShouldBe([2, 1]);
        versions[0]!["running"]!.GetValue<long>().ShouldBe(2 - 1); // both started on the latest version
        versions[0]!["deployedBy"]!.GetValue<string>().ShouldStartWith("test-superuser");
        versions[1]!["running"]!.GetValue<long>().ShouldBe(0);

        (await s.GetJsonAsync("api/processes?q=antrag%20pr"))["items"]!.AsArray().Count.ShouldBe(1);
        (await s.GetJsonAsync("api/processes?q=nichts"))["total"]!.GetValue<long>().ShouldBe(0);
        var second = await s.GetJsonAsync("api/processes?offset=1&limit=1");
        second["items"]!.AsArray().Count.ShouldBe(1);
        second["total"]!.GetValue<long>().ShouldBe(2);
        await TestServer.ShouldBeProblemAsync(await s.Http.GetAsync(new Uri("api/processes?limit=501", UriKind.Relative)), 400);
        await TestServer.ShouldBeProblemAsync(await s.Http.GetAsync(new Uri("api/processes/Unbekannt", UriKind.Relative)), 404);
        (await s.GetJsonAsync("api/processes/Antrag"))["versions"]!.AsArray().Count.ShouldBe(2);
    }

    [Fact]
    public async Task Draft_IsKeptPerPersonAndProcess_AndSurvivesARestart_ABrokenModelIsRefusedAndNothingSaved()
    {
        var db = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "egov.db");
        await using (var s = await TestServer.StartAsync(store: $"sqlite:{db}", configure: o => o with { Create = true }))
        {
            await s.DeployAsync("antrag.bpmn");
            var anna = await AnalystAsync(s, "anna");
            var ben = await AnalystAsync(s, "ben");
            using (var saved = await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft", new { xml = Renamed("Antrag sorgfältig prüfen"), basedOnVersion = 1 }))
                ((int)saved.StatusCode).ShouldBe(200, await saved.Content.ReadAsStringAsync());
            (await anna.GetAsync(new Uri("api/designer/Antrag/draft", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
            await TestServer.ShouldBeProblemAsync(await ben.GetAsync(new Uri("api/designer/Antrag/draft", UriKind.Relative)), 404);

            // Not BPMN, a DOCTYPE (hostile), another process: 422 with positions, the draft before stays.
            foreach (var bad in new[] { "kein XML", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"e\">]><x>&e;</x>", Antrag.Replace("id=\"Antrag\"", "id=\"Anderer\"", StringComparison.Ordinal) })
            {
                var problem = await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft", new { xml = bad }), 422);
                problem["detail"]!.GetValue<string>().ShouldContain("nothing was saved");
            }
            await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft", new { }), 400);
        }
        await using (var again = await TestServer.StartAsync(store: $"sqlite:{db}"))
        {
            var anna = await again.PersonAsync("anna", roles: ["analyst"]);
            var draft = await TestServer.GetJsonAsAsync(anna, "api/designer/Antrag/draft");
            draft["xml"]!.GetValue<string>().ShouldContain("Antrag sorgfältig prüfen");
            draft["basedOnVersion"]!.GetValue<int>().ShouldBe(1);
            draft["owner"]!.GetValue<string>().ShouldBe("anna");
            (await anna.DeleteAsync(new Uri("api/designer/Antrag/draft", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            await TestServer.ShouldBeProblemAsync(await anna.GetAsync(new Uri("api/designer/Antrag/draft", UriKind.Relative)), 404);
        }
    }

    [Fact]
    public async Task Deploy_CreatesVersionNPlus1_WithTheNoteAndTheAuthor_AndDiscardsTheDraft()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var anna = await AnalystAsync(s, "anna");
        (await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft", new { xml = Renamed("Antrag sorgfältig prüfen"), basedOnVersion = 1 })).EnsureSuccessStatusCode();

        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(anna, HttpMethod.Post, "api/designer/Antrag/deploy", new { changeNote = " " }), 400);
        using var deployed = await TestServer.SendAsAsync(anna, HttpMethod.Post, "api/designer/Antrag/deploy", new { changeNote = "Prüfschritt umbenannt" });
        var body = await deployed.Content.ReadAsStringAsync();
        ((int)deployed.StatusCode).ShouldBe(201, body);
        JsonNode.Parse(body)!["version"]!.GetValue<int>().ShouldBe(2);

        var v2 = (await s.GetJsonAsync("api/processes/Antrag"))["versions"]!.AsArray()[0]!;
        v2["version"]!.GetValue<int>().ShouldBe(2);
        v2["changeNote"]!.GetValue<string>().ShouldBe("Prüfschritt umbenannt");
        v2["deployedBy"]!.GetValue<string>().ShouldBe("anna");
        (await s.GetJsonAsync("api/process-definitions")).AsArray().Single(d => d!["version"]!.GetValue<int>() == 2)!["changeNote"]!.GetValue<string>().ShouldBe("Prüfschritt umbenannt");
        var xml = await s.Http.GetStringAsync(new Uri("api/process-definitions/Antrag/versions/2/xml", UriKind.Relative));
        xml.ShouldContain("Antrag sorgfältig prüfen");
        await TestServer.ShouldBeProblemAsync(await anna.GetAsync(new Uri("api/designer/Antrag/draft", UriKind.Relative)), 404);

        // The same model again: unchanged, nothing deployed.
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(anna, HttpMethod.Post, "api/designer/Antrag/deploy",
            new { changeNote = "nochmal", xml = Renamed("Antrag sorgfältig prüfen") }), 409);
    }

    [Fact]
    public async Task Deploy_OfAModelThatDoesNotValidate_IsRefusedWithTheValidationsPositionedProblems_AndNothingIsDeployed()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var anna = await AnalystAsync(s, "anna");
        (await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft", new { xml = NotExecutable })).EnsureSuccessStatusCode();

        var check = await TestServer.GetJsonAsAsync(anna, "api/designer/Antrag/draft"); // saved: a draft may be unfinished
        check["xml"]!.GetValue<string>().ShouldContain("serviceTask");
        using var validated = await TestServer.SendAsAsync(anna, HttpMethod.Post, "api/designer/Antrag/validate", new { });
        var validation = JsonNode.Parse(await validated.Content.ReadAsStringAsync())!;
        validation["valid"]!.GetValue<bool>().ShouldBeFalse();
        var problem = validation["problems"]!.AsArray().First(p => p!["severity"]!.GetValue<string>() == "error")!;
        problem["elementId"]!.GetValue<string>().ShouldBe("Pruefen");
        problem["line"]!.GetValue<int>().ShouldBe(6);
        problem["text"]!.GetValue<string>().ShouldStartWith("antrag.bpmn:6:");

        var refused = await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(anna, HttpMethod.Post, "api/designer/Antrag/deploy", new { changeNote = "kaputt" }), 422);
        refused["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldContain(problem["text"]!.GetValue<string>());
        refused["problems"]!.AsArray().ShouldContain(p => p!["elementId"]!.GetValue<string>() == "Pruefen");
        (await s.GetJsonAsync("api/processes/Antrag"))["latestVersion"]!.GetValue<int>().ShouldBe(1);
        (await anna.GetAsync(new Uri("api/designer/Antrag/draft", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DesignerRoutes_NeedDeploy_AClerkIsRefused_TheCatalogueNeedsProcessRead()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var clerk = await s.Identities.PersonAsync("karl", ["clerk"], tenant: "*");
        (await TestServer.SendAsAsync(clerk, HttpMethod.Put, "api/designer/Antrag/draft", new { xml = Antrag })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await TestServer.SendAsAsync(clerk, HttpMethod.Post, "api/designer/Antrag/deploy", new { changeNote = "x", xml = Renamed("y") })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var worker = await s.Identities.ClientAsync("arbeiter", ["worker"]);
        (await worker.GetAsync(new Uri("api/processes", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await s.Anonymous.GetAsync(new Uri("api/processes", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await s.GetJsonAsync("api/processes/Antrag"))["latestVersion"]!.GetValue<int>().ShouldBe(1);
    }
}
