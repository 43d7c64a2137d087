using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// GET /api/process-definitions/{id}/versions/{v}/xml (the task page's diagram), and what a stored version keeps across
/// a restart: its model (diagram, candidate starters) and who deployed it.
/// </summary>
public sealed class ModelXmlTests
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    private static string Processes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        Directory.CreateDirectory(dir);
        foreach (var name in new[] { "urlaubsantrag" })
        {
            var source = Path.Combine(RepositoryRoot(), "processes", name);
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(dir, name, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
        return dir;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task Xml_AClerkWhoSeesATask_LoadsItsDiagram_AnotherTenantOrAnUnknownVersion_Is404()
    {
        await using var s = await TestServer.StartAsync(TestServer.ModelPath("postkorb"));
        await s.StartProcessAsync("Bauantrag", new { variables = new { antragsteller = "Max Muster", frist = "2099-01-01T00:00:00Z" }, businessKey = "BA-1" });
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var task = (await TestServer.GetJsonAsAsync(erika, "api/tasks?view=group"))["items"]![0]!;
        var path = $"api/process-definitions/{task["processId"]}/versions/{task["processVersion"]}/xml";

        using var response = await TestServer.SendAsAsync(erika, HttpMethod.Get, path);
        var xml = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, xml);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/xml");
        var process = XDocument.Parse(xml).Root!.Element(Bpmn + "process")!;
        process.Attribute("id")!.Value.ShouldBe("Bauantrag");
        process.Elements(Bpmn + "userTask").Select(e => e.Attribute("id")!.Value).ShouldContain(task["elementId"]!.GetValue<string>());

        var otto = await s.PersonAsync("otto", ["bauamt"], tenant: "06411000");
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(otto, HttpMethod.Get, path), 404);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/process-definitions/Bauantrag/versions/2/xml"), 404);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/process-definitions/Bauantrag/versions/eins/xml"), 404);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/process-definitions/Unbekannt/versions/1/xml"), 404);
        await TestServer.ShouldBeProblemAsync(await s.Anonymous.GetAsync(path), 401);
        var worker = await s.Identities.ClientAsync("arbeiter", ["worker"]);
        await TestServer.ShouldBeProblemAsync(await worker.GetAsync(path), 403);
    }

    [Fact]
    public async Task Xml_OfAServiceFromTheProcessesFolder_CarriesTheDiagram()
    {
        await using var s = await TestServer.StartAsync(Processes());
        var auditor = await s.Identities.ClientAsync("pruefer", ["auditor"]);
        var xml = await auditor.GetStringAsync("api/process-definitions/Process_Urlaubsantrag/versions/1/xml");
        XDocument.Parse(xml).Descendants(XNamespace.Get("http://www.omg.org/spec/BPMN/20100524/DI") + "BPMNShape").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task ApiDeployedVersion_AfterARestart_KeepsItsDiagram_ItsCandidateStarters_AndWhoDeployedIt()
    {
        var db = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "egov.db");
        await using (var s = await TestServer.StartAsync(store: $"sqlite:{db}"))
        {
            var analyst = await s.Identities.ClientAsync("modelliererin", ["analyst"]);
            using var content = new ByteArrayContent(await File.ReadAllBytesAsync(TestServer.ModelPath("starter.bpmn")));
            content.Headers.ContentType = new("application/xml");
            using var deployed = await analyst.PostAsync("api/deployments?name=starter.bpmn", content);
            var body = await deployed.Content.ReadAsStringAsync();
            ((int)deployed.StatusCode).ShouldBe(201, body);
            JsonNode.Parse(body)![0]!["deployedBy"]!.GetValue<string>().ShouldBe("modelliererin");
        }
        await using (var s = await TestServer.StartAsync(store: $"sqlite:{db}"))
        {
            var definition = (await s.GetJsonAsync("api/process-definitions")).AsArray().Single(d => d!["processId"]!.GetValue<string>() == "Parkausweis")!;
            definition["deployedBy"]!.GetValue<string>().ShouldBe("modelliererin");
            definition["name"]!.GetValue<string>().ShouldBe("Anwohnerparkausweis");
            var xml = await s.Http.GetStringAsync("api/process-definitions/Parkausweis/versions/1/xml");
            XDocument.Parse(xml).Root!.Element(Bpmn + "process")!.Attribute("id")!.Value.ShouldBe("Parkausweis");

            var outsider = await s.Identities.ClientAsync("fremd", ["clerk"]);
            using (var refused = await outsider.PostAsJsonAsync("api/process-definitions/Parkausweis/start", new { }))
                await TestServer.ShouldBeProblemAsync(refused, 403);
            var member = await s.Identities.ClientAsync("max", ["clerk"]);
            using var started = await member.PostAsJsonAsync("api/process-definitions/Parkausweis/start", new { });
            ((int)started.StatusCode).ShouldBe(201, await started.Content.ReadAsStringAsync());
        }
    }
}
