using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tests;

namespace EGov.Workflows.Hardening.Tests;

/// <summary>
/// Engines are released when idle (issue 20, item 5): a probe that sent a thousand X-Tenant values left a thousand engines
/// behind for good. On a durable store an idle tenant's engine goes, and comes back with its deployments when it is used.
/// </summary>
public sealed class TenantEngineTests
{
    [Fact]
    public async Task EnginesOfManyTenantIds_AreReleasedWhenIdle_AndATenantComesBackWithItsDeployments()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db",
            configure: o => o with { EngineIdleTimeout = TimeSpan.FromMilliseconds(500) });
        await s.DeployAsync("frist-kurz.bpmn", "gemeinde-a");
        for (var i = 0; i < 50; i++)
            using (await s.SendAsync(HttpMethod.Get, "api/process-definitions", tenant: $"probe-{i}")) { }
        s.Server.Engines.Count.ShouldBeGreaterThan(50);

        var until = DateTime.UtcNow.AddSeconds(20);
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
