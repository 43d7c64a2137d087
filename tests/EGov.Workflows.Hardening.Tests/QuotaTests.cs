using EGov.Workflows.Host.Tests;

namespace EGov.Workflows.Hardening.Tests;

/// <summary>Per-tenant quotas (issue 20, item 6): a municipality deploying in a loop is refused with a clear problem, the others are not.</summary>
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
}
