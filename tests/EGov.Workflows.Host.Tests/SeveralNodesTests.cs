using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Two nodes over one store behind one address (<c>--public-url</c>, as a load balancer gives them): a session signed in
/// on one node holds on the other (data-protection keys and sessions are in the database), a token of one is valid on
/// the other (one issuer, one signing key), and a node learns the versions and forms another deployed after it started.
/// </summary>
public sealed class SeveralNodesTests
{
    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [Fact]
    public async Task TwoNodesBehindOnePublicUrl_ShareSessionsAndTokens_AndEachSeesWhatTheOtherDeployed()
    {
        var db = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "egov.db");
        var port = FreePort();
        var publicUrl = $"http://127.0.0.1:{port}";
        await using var a = await TestServer.StartAsync(store: $"sqlite:{db}", nodeId: "node-a", configure: o => o with { Urls = publicUrl, PublicUrl = publicUrl });
        await using var b = await TestServer.StartAsync(store: $"sqlite:{db}", nodeId: "node-b", configure: o => o with { PublicUrl = publicUrl });
        b.BaseAddress.Port.ShouldNotBe(port);

        // Deployed through node A after node B started: B has never read this model or its form.
        using (var files = new MultipartFormDataContent())
        {
            foreach (var name in new[] { "bauantrag.bpmn", Path.Combine("forms", "pruefung.form") })
                files.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Models", "postkorb", name))), "files", Path.GetFileName(name));
            using var deployed = await a.Http.PostAsync("api/deployments", files);
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        }
        await a.StartProcessAsync("Bauantrag", new { variables = new { antragsteller = "Max Muster", frist = "2099-01-01T00:00:00Z" }, businessKey = "BA-1" });

        // Signed in on A; the same browser's session cookie works on B.
        var erika = await a.PersonAsync("erika", ["bauamt"]);
        Uri OnB(string path) => new(b.BaseAddress, path);
        (await TestServer.GetJsonAsAsync(erika, OnB("api/me").AbsoluteUri))["id"]!.GetValue<string>().ShouldBe("erika");

        // A token from A's token endpoint is valid on B.
        var token = await a.Identities.ClientTokenAsync("pruefer", ["auditor"]);
        using (var request = new HttpRequestMessage(HttpMethod.Get, OnB("api/process-definitions")))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await b.Anonymous.SendAsync(request);
            ((int)answer.StatusCode).ShouldBe(200, await answer.Content.ReadAsStringAsync());
        }

        // B shows and checks the task's form and diagram from A's deployment.
        var task = (await TestServer.GetJsonAsAsync(erika, OnB("api/tasks?view=group").AbsoluteUri))["items"]!.AsArray().ShouldHaveSingleItem()!;
        var id = task["id"]!.GetValue<string>();
        (await TestServer.GetJsonAsAsync(erika, OnB($"api/tasks/{id}/form").AbsoluteUri))["kind"]!.GetValue<string>().ShouldBe("form-js");
        using (var xml = await erika.GetAsync(OnB("api/process-definitions/Bauantrag/versions/1/xml")))
            ((int)xml.StatusCode).ShouldBe(200);
        await TestServer.SendAsAsync(erika, HttpMethod.Post, OnB($"api/tasks/{id}/claim").AbsoluteUri, new { });
        var invalid = await TestServer.ShouldBeProblemAsync(
            await TestServer.SendAsAsync(erika, HttpMethod.Post, OnB($"api/tasks/{id}/complete").AbsoluteUri, new { variables = new { gebuehr = "viel" } }), 400);
        invalid["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ShouldContain("gebuehr");
    }

    [Fact]
    public async Task ANodeStartsNewCasesOnTheVersionAnotherNodeDeployedAfterIt_NotOnAStaleLatest()
    {
        var db = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "egov.db");
        await using var a = await TestServer.StartAsync(store: $"sqlite:{db}", nodeId: "node-a");
        await using var b = await TestServer.StartAsync(store: $"sqlite:{db}", nodeId: "node-b");

        await a.DeployAsync("antrag.bpmn");
        var first = await b.StartProcessAsync("Antrag", new { variables = new { betrag = 1 } }); // B learns version 1
        (await b.InstanceAsync(first))["version"]!.GetValue<int>().ShouldBe(1);

        await a.DeployAsync("antrag-v2.bpmn"); // through A, after B has read the process
        var second = await b.StartProcessAsync("Antrag", new { variables = new { betrag = 2 } });
        (await b.InstanceAsync(second))["version"]!.GetValue<int>().ShouldBe(2);
        (await b.GetJsonAsync("api/process-definitions")).AsArray().Select(d => d!["version"]!.GetValue<int>()).ShouldBe([1, 2], ignoreOrder: true);
    }
}
