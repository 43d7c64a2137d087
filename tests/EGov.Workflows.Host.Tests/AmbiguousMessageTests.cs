using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// A message without a correlation key once moved 105,135 waiting cases at once (issue 20). Like Camunda's
/// correlate(), the API delivers to exactly one receiver unless the sender says "all".
/// </summary>
public class AmbiguousMessageTests
{
    [Fact]
    public async Task MessageMatchingSeveralWaitingCases_IsRefusedWith409_AndMovesNothing()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("nachweis.bpmn");
        var first = await s.StartProcessAsync("Nachweis", new { businessKey = "N-1" });
        var second = await s.StartProcessAsync("Nachweis", new { businessKey = "N-2" });

        using (var ambiguous = await s.SendAsync(HttpMethod.Post, "api/messages", new { name = "NachweisEingegangen" }))
        {
            var problem = await TestServer.ShouldBeProblemAsync(ambiguous, 409);
            problem["detail"]!.GetValue<string>().ShouldContain("correlation key");
        }
        foreach (var id in new[] { first, second })
            (await s.InstanceAsync(id))["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldContain("Warten");

        using (var keyed = await s.SendAsync(HttpMethod.Post, "api/messages", new { name = "NachweisEingegangen", correlationKey = "N-2" }))
            JsonNode.Parse(await keyed.Content.ReadAsStringAsync())!["correlated"]!.GetValue<int>().ShouldBe(1);
        (await s.InstanceAsync(first))["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldContain("Warten");
    }

    [Fact]
    public async Task MessageWithAllTrue_ReachesEveryWaitingCase()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("nachweis.bpmn");
        await s.StartProcessAsync("Nachweis", new { businessKey = "N-1" });
        await s.StartProcessAsync("Nachweis", new { businessKey = "N-2" });
        using var all = await s.SendAsync(HttpMethod.Post, "api/messages", new { name = "NachweisEingegangen", all = true });
        ((int)all.StatusCode).ShouldBe(200);
        JsonNode.Parse(await all.Content.ReadAsStringAsync())!["correlated"]!.GetValue<int>().ShouldBe(2);
    }
}
