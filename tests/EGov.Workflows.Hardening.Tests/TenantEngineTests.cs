using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tests;

namespace EGov.Workflows.Hardening.Tests;

/// <summary>
/// Engines only for known tenants, released when idle (issue 20, item 5): a probe that sent a thousand X-Tenant values left
/// a thousand engines behind for good. An operator's request (every tenant, "*") for an id that is no tenant is 404 and
/// creates nothing; on a durable store an idle tenant's engine goes, and comes back with its deployments when it is used.
/// </summary>
public sealed class TenantEngineTests
{
    private static readonly string[] Probes = [.. Enumerable.Range(0, 50).Select(i => $"probe-{i}")];

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task AnOperatorsRequestForAnUnknownTenant_Is404_AndCreatesNoEngineAndNoState(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        var before = s.Server.Engines.Count;

        foreach (var (method, path) in new[] { (HttpMethod.Get, "api/process-definitions"), (HttpMethod.Get, "api/tasks"), (HttpMethod.Get, "api/incidents") })
        {
            using var response = await s.SendAsync(method, path, tenant: "unbekannt-1");
            var problem = await TestServer.ShouldBeProblemAsync(response, 404);
            problem["detail"]!.GetValue<string>().ShouldContain("no tenant 'unbekannt-1'");
        }
        using (var content = new ByteArrayContent(await File.ReadAllBytesAsync(TestServer.ModelPath("frist-kurz.bpmn"))))
        {
            content.Headers.ContentType = new("application/xml");
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/deployments?name=frist-kurz.bpmn") { Content = content };
            request.Headers.Add("X-Tenant", "unbekannt-1");
            using var deploy = await s.Http.SendAsync(request);
            await TestServer.ShouldBeProblemAsync(deploy, 404);
        }

        s.Server.Engines.Count.ShouldBe(before, "no engine for an unknown tenant");
        s.Server.Engines.All.Select(e => e.TenantId).ShouldNotContain("unbekannt-1");
        (s.Server.Engines.Deployments?.HasVersions("unbekannt-1") ?? false).ShouldBeFalse("nothing was stored for it");
    }

    [Fact]
    public async Task ATenantBecomesKnown_WhenAnIdentityOfItIsCreated()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        using (var unknown = await s.SendAsync(HttpMethod.Get, "api/process-definitions", tenant: "neu-gemeinde")) ((int)unknown.StatusCode).ShouldBe(404);

        await s.Identities.CreateClientAsync("neu-fachverfahren", ["worker"], ["neu-gemeinde"]);

        // The identities' tenants are read again at most every 2 s on a miss: a generous bound, no timing assert.
        var until = DateTime.UtcNow.AddSeconds(30);
        var status = 0;
        while (status != 200 && DateTime.UtcNow < until)
        {
            using var known = await s.SendAsync(HttpMethod.Get, "api/process-definitions", tenant: "neu-gemeinde");
            status = (int)known.StatusCode;
            if (status != 200) await Task.Delay(250);
        }
        status.ShouldBe(200);
        await s.DeployAsync("frist-kurz.bpmn", "neu-gemeinde");
    }

    [Fact]
    public async Task EnginesOfManyTenantIds_AreReleasedWhenIdle_AndATenantComesBackWithItsDeployments()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db",
            configure: o => o with { EngineIdleTimeout = TimeSpan.FromSeconds(5), Tenants = [.. o.Tenants, .. Probes] });
        await s.DeployAsync("frist-kurz.bpmn", "gemeinde-a");
        // Each probed id gets an engine; on a loaded machine the first may already be idle for 5 s before the last
        // request, so the test counts the most seen at once, not all fifty at the end (that failed in CI with 50 of 51).
        var most = 0;
        for (var i = 0; i < 50; i++)
        {
            using (await s.SendAsync(HttpMethod.Get, "api/process-definitions", tenant: $"probe-{i}")) { }
            most = Math.Max(most, s.Server.Engines.Count);
        }
        most.ShouldBeGreaterThan(10, "every probed tenant id got an engine of its own");

        var until = DateTime.UtcNow.AddSeconds(40);
        while (s.Server.Engines.Count > 1 && DateTime.UtcNow < until) await Task.Delay(100);

        s.Server.Engines.Count.ShouldBeLessThanOrEqualTo(1, "only the default tenant's engine stays");
        var definitions = (await s.GetJsonAsync("api/process-definitions", "gemeinde-a")).AsArray();
        definitions.Select(d => d!["processId"]!.GetValue<string>()).ShouldBe(["FristKurz"]);
        var id = await s.StartProcessAsync("FristKurz", tenant: "gemeinde-a");
        (await s.GetJsonAsync($"api/process-instances/{id}", "gemeinde-a"))["state"]!.GetValue<string>().ShouldBe("running");
    }

    [Fact]
    public async Task OnTheMemoryStore_EnginesStay_TheyHoldTheDeployments()
    {
        await using var s = await TestServer.StartAsync(configure: o => o with { EngineIdleTimeout = TimeSpan.FromMilliseconds(200) });
        await s.DeployAsync("frist-kurz.bpmn", "gemeinde-a");
        await Task.Delay(1000);
        (await s.GetJsonAsync("api/process-definitions", "gemeinde-a")).AsArray().Count.ShouldBe(1);
    }
}
