using EGov.Workflows.Host.Tests;

namespace EGov.Workflows.Hardening.Tests;

/// <summary>
/// Per-tenant quotas (issue 20, item 6): a municipality deploying or starting in a loop is refused with a clear problem, the
/// others are not; a version no case ran on can be deleted to make room.
/// </summary>
public sealed class QuotaTests
{
    [Fact]
    public async Task ADeploymentBeyondTheTenantsVersionQuota_Is422QuotaExceeded_AndOtherTenantsStillDeploy()
    {
        await using var s = await TestServer.StartAsync(configure: o => o with { MaxProcessVersionsPerTenant = 2 });
        await s.DeployAsync("frist-kurz.bpmn", "gemeinde-a");
        await s.DeployAsync("schleife.bpmn", "gemeinde-a");

        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(TestServer.ModelPath("last.bpmn")));
        content.Headers.ContentType = new("application/xml");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/deployments?name=last.bpmn") { Content = content };
        request.Headers.Add("X-Tenant", "gemeinde-a");
        using var response = await s.Http.SendAsync(request);

        var problem = await TestServer.ShouldBeProblemAsync(response, 422);
        problem["title"]!.GetValue<string>().ShouldBe("Quota exceeded");
        problem["detail"]!.GetValue<string>().ShouldContain("quota is 2");
        (await s.GetJsonAsync("api/process-definitions", "gemeinde-a")).AsArray().Count.ShouldBe(2);
        await s.DeployAsync("last.bpmn", "gemeinde-b");
    }

    private static async Task<HttpResponseMessage> DeployRawAsync(TestServer s, string model, string tenant)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(TestServer.ModelPath(model)));
        content.Headers.ContentType = new("application/xml");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/deployments?name={model}") { Content = content };
        request.Headers.Add("X-Tenant", tenant);
        return await s.Http.SendAsync(request);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task ADeploymentBeyondTheTenantsByteQuota_Is422QuotaExceeded_NamingTheFigures_AndOtherTenantsStillDeploy(string store)
    {
        var size = new FileInfo(TestServer.ModelPath("warten.bpmn")).Length;
        await using var s = await TestServer.StartAsync(store: store, configure: o => o with { MaxDeploymentBytesPerTenant = size + 300 });
        await s.DeployAsync("warten.bpmn", "gemeinde-a");

        using var response = await DeployRawAsync(s, "warten-v2.bpmn", "gemeinde-a");

        var problem = await TestServer.ShouldBeProblemAsync(response, 422);
        problem["title"]!.GetValue<string>().ShouldBe("Quota exceeded");
        problem["quota"]!.GetValue<string>().ShouldBe("deploymentBytes");
        problem["used"]!.GetValue<long>().ShouldBeGreaterThan(0);
        problem["requested"]!.GetValue<long>().ShouldBeGreaterThan(0);
        (await s.GetJsonAsync("api/process-definitions", "gemeinde-a")).AsArray().Count.ShouldBe(1, "nothing was deployed");
        await s.DeployAsync("warten-v2.bpmn", "gemeinde-b");
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task AStartBeyondTheTenantsOpenCaseQuota_Is409QuotaExceeded_AndOtherTenantsStillStart(string store)
    {
        await using var s = await TestServer.StartAsync(store: store, configure: o => o with { MaxOpenInstancesPerTenant = 2 });
        await s.DeployAsync("warten.bpmn", "gemeinde-a");
        await s.DeployAsync("warten.bpmn", "gemeinde-b");
        await s.StartProcessAsync("Warten", tenant: "gemeinde-a");
        await s.StartProcessAsync("Warten", tenant: "gemeinde-a");

        using var third = await s.SendAsync(HttpMethod.Post, "api/process-definitions/Warten/start", new { }, "gemeinde-a");
        using var keyed = new HttpRequestMessage(HttpMethod.Post, "api/process-definitions/Warten/start") { Content = System.Net.Http.Json.JsonContent.Create(new { }) };
        keyed.Headers.Add("X-Tenant", "gemeinde-a");
        keyed.Headers.Add("Idempotency-Key", "viertens");
        using var fourth = await s.Http.SendAsync(keyed);

        var problem = await TestServer.ShouldBeProblemAsync(third, 409);
        problem["title"]!.GetValue<string>().ShouldBe("Quota exceeded");
        problem["quota"]!.GetValue<string>().ShouldBe("openInstances");
        problem["limit"]!.GetValue<long>().ShouldBe(2);
        await TestServer.ShouldBeProblemAsync(fourth, 409);
        await s.StartProcessAsync("Warten", tenant: "gemeinde-b");
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task AVersionNoCaseRanOn_CanBeDeleted_AVersionWithCases_Is409(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("warten.bpmn", "gemeinde-a");
        var id = await s.StartProcessAsync("Warten", tenant: "gemeinde-a");
        (await s.DeployAsync("warten-v2.bpmn", "gemeinde-a"))[0]!["version"]!.GetValue<int>().ShouldBe(2);

        using (var inUse = await s.SendAsync(HttpMethod.Delete, "api/process-definitions/Warten/versions/1", tenant: "gemeinde-a"))
        {
            var problem = await TestServer.ShouldBeProblemAsync(inUse, 409);
            problem["title"]!.GetValue<string>().ShouldBe("Version in use");
        }
        using (var deleted = await s.SendAsync(HttpMethod.Delete, "api/process-definitions/Warten/versions/2", tenant: "gemeinde-a"))
            ((int)deleted.StatusCode).ShouldBe(204);
        using (var again = await s.SendAsync(HttpMethod.Delete, "api/process-definitions/Warten/versions/2", tenant: "gemeinde-a"))
            await TestServer.ShouldBeProblemAsync(again, 404);

        (await s.GetJsonAsync("api/process-definitions", "gemeinde-a")).AsArray().Select(d => d!["version"]!.GetValue<int>()).ShouldBe([1]);
        var next = await s.StartProcessAsync("Warten", tenant: "gemeinde-a");
        (await s.GetJsonAsync($"api/process-instances/{next}", "gemeinde-a"))["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Bereit"], "new cases start on version 1 again");
        (await s.GetJsonAsync($"api/process-instances/{id}", "gemeinde-a"))["state"]!.GetValue<string>().ShouldBe("running");
        (await s.DeployAsync("warten-v2.bpmn", "gemeinde-a"))[0]!["version"]!.GetValue<int>().ShouldBe(2, "the deleted version's number is free again");
    }
    private static async Task<long> RunningAsync(TestServer s, string processId, string tenant) =>
        (await s.GetJsonAsync($"api/process-instances?processId={processId}&state=running", tenant))["total"]!.GetValue<long>();

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task AMessageStartBeyondTheOpenInstanceQuota_Is409QuotaExceeded_AndStartsNothing(string store)
    {
        await using var s = await TestServer.StartAsync(store: store, configure: o => o with { MaxOpenInstancesPerTenant = 2 });
        await s.DeployAsync("quota-nachricht.bpmn", "gemeinde-a");
        await s.DeployAsync("quota-nachricht.bpmn", "gemeinde-b");
        for (var n = 0; n < 2; n++)
            using (var ok = await s.SendAsync(HttpMethod.Post, "api/messages", new { name = "Antrag_eingegangen" }, "gemeinde-a"))
                ((int)ok.StatusCode).ShouldBe(200, await ok.Content.ReadAsStringAsync());

        using var third = await s.SendAsync(HttpMethod.Post, "api/messages", new { name = "Antrag_eingegangen" }, "gemeinde-a");

        var problem = await TestServer.ShouldBeProblemAsync(third, 409);
        problem["title"]!.GetValue<string>().ShouldBe("Quota exceeded");
        problem["quota"]!.GetValue<string>().ShouldBe("openInstances");
        (await RunningAsync(s, "QuotaNachricht", "gemeinde-a")).ShouldBe(2);
        using (var other = await s.SendAsync(HttpMethod.Post, "api/messages", new { name = "Antrag_eingegangen" }, "gemeinde-b"))
            ((int)other.StatusCode).ShouldBe(200, "another tenant still starts by message");
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task ACallActivitysChildCountsAgainstTheOpenInstanceQuota_AStartThatWouldPassItIs409_NothingStarted(string store)
    {
        await using var s = await TestServer.StartAsync(store: store, configure: o => o with { MaxOpenInstancesPerTenant = 3 });
        await s.DeployAsync("warten.bpmn", "gemeinde-a");
        await s.DeployAsync("quota-aufruf.bpmn", "gemeinde-a");
        await s.StartProcessAsync("QuotaAufruf", tenant: "gemeinde-a"); // two open: the caller and its child
        await s.StartProcessAsync("Warten", tenant: "gemeinde-a");      // three: the quota is full, the child counted

        using var refused = await s.SendAsync(HttpMethod.Post, "api/process-definitions/Warten/start", new { }, "gemeinde-a");
        await TestServer.ShouldBeProblemAsync(refused, 409);

        await using var roomy = await TestServer.StartAsync(store: store, configure: o => o with { MaxOpenInstancesPerTenant = 2 });
        await roomy.DeployAsync("warten.bpmn", "gemeinde-a");
        await roomy.DeployAsync("quota-aufruf.bpmn", "gemeinde-a");
        await roomy.StartProcessAsync("Warten", tenant: "gemeinde-a");
        using var caller = await roomy.SendAsync(HttpMethod.Post, "api/process-definitions/QuotaAufruf/start", new { }, "gemeinde-a");
        var problem = await TestServer.ShouldBeProblemAsync(caller, 409);
        problem["elementId"]!.GetValue<string>().ShouldBe("Unterfall", "the call activity's child would pass the quota");
        (await RunningAsync(roomy, "QuotaAufruf", "gemeinde-a")).ShouldBe(0, "the caller was rolled back with its child");
        (await RunningAsync(roomy, "Warten", "gemeinde-a")).ShouldBe(1);
    }

    [Fact]
    public async Task AStartTimerAtTheOpenInstanceQuota_SkipsItsFirings_AndStartsNoMore()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db", configure: o => o with { MaxOpenInstancesPerTenant = 1 });
        await s.DeployAsync("quota-zeitstart.bpmn", "gemeinde-a");
        var until = DateTime.UtcNow.AddSeconds(30);
        while (await RunningAsync(s, "QuotaZeitstart", "gemeinde-a") == 0 && DateTime.UtcNow < until) await Task.Delay(100);
        (await RunningAsync(s, "QuotaZeitstart", "gemeinde-a")).ShouldBe(1, "the first firing started a case");

        await Task.Delay(TimeSpan.FromSeconds(3.5)); // three more firings of the one-second cycle, each at the quota

        (await RunningAsync(s, "QuotaZeitstart", "gemeinde-a")).ShouldBe(1, "the firings at the quota were skipped");
        (await s.GetJsonAsync("api/incidents", "gemeinde-a")).AsArray().ShouldBeEmpty("a skipped firing is no incident");
    }

    /// <summary>
    /// Two nodes over one store race starts at the quota: each node's own count would let it start the quota's worth alone,
    /// but the count in the store is checked in the start's transaction, so together they start exactly the quota; every
    /// other start is 409 "Quota exceeded", none a server error.
    /// </summary>
    [Theory]
    [MemberData(nameof(SharedStore.Kinds), MemberType = typeof(SharedStore))]
    public async Task TwoNodesRacingStarts_TogetherStartExactlyTheOpenInstanceQuota_TheRestIs409(string kind)
    {
        const int quota = 10, startsPerNode = 16;
        using var store = SharedStore.For(kind);
        await using var a = await TestServer.StartAsync(store: store.Store, nodeId: "node-a", configure: o => o with { MaxOpenInstancesPerTenant = quota });
        await using var b = await TestServer.StartAsync(store: store.Store, nodeId: "node-b", configure: o => o with { MaxOpenInstancesPerTenant = quota });
        await a.DeployAsync("warten.bpmn", "gemeinde-a");
        (await RunningAsync(b, "Warten", "gemeinde-a")).ShouldBe(0); // both nodes counted: no case open

        async Task<int> StartAsync(TestServer node)
        {
            using var r = await node.SendAsync(HttpMethod.Post, "api/process-definitions/Warten/start", new { }, "gemeinde-a");
            if ((int)r.StatusCode == 409)
                (await TestServer.ShouldBeProblemAsync(r, 409))["title"]!.GetValue<string>().ShouldBe("Quota exceeded");
            return (int)r.StatusCode;
        }
        var answers = await Task.WhenAll(Enumerable.Range(0, startsPerNode).SelectMany(_ => new[] { StartAsync(a), StartAsync(b) }));

        answers.Where(c => c is not (201 or 409)).ShouldBeEmpty("every start is admitted or refused, none fails");
        answers.Count(c => c == 201).ShouldBe(quota, "the two nodes together admitted exactly the quota");
        (await RunningAsync(a, "Warten", "gemeinde-a")).ShouldBe(quota);
        using var another = await b.SendAsync(HttpMethod.Post, "api/process-definitions/Warten/start", new { }, "gemeinde-a");
        await TestServer.ShouldBeProblemAsync(another, 409);
    }
}
