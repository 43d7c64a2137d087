using System.Net;
using System.Net.Http.Json;

namespace EGov.Workflows.Host.Tests;

/// <summary>Who acted comes from the identity (item 7), and who may start a definition from its candidate starters.</summary>
public sealed class AuditTests
{
    [Fact]
    public async Task Start_RecordsTheCallerAsTheActingUser()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var clerk = await s.Identities.ClientAsync("fachverfahren", ["clerk"]);
        using var started = await clerk.PostAsJsonAsync("api/process-definitions/Antrag/start", new { variables = new { betrag = 10 }, userId = "mallory" });
        started.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await started.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<string>();
        var vars = (await s.GetJsonAsync($"api/process-instances/{id}/history/variables")).AsArray();
        vars[0]!["userId"]!.GetValue<string>().ShouldBe("fachverfahren");
    }

    [Fact]
    public async Task Claim_ForSomeoneElse_NeedsTheTeamLeadRole()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        await s.StartProcessAsync("Antrag");
        var taskId = (await s.GetJsonAsync("api/tasks"))[0]!["id"]!.GetValue<string>();
        var clerk = await s.Identities.ClientAsync("erika", ["clerk"]);
        using var forOther = await clerk.PostAsJsonAsync($"api/tasks/{taskId}/claim", new { userId = "max" });
        await TestServer.ShouldBeProblemAsync(forOther, 403);
        var lead = await s.Identities.ClientAsync("chefin", ["teamlead"]);
        using var assigned = await lead.PostAsJsonAsync($"api/tasks/{taskId}/claim", new { userId = "max" });
        assigned.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await s.GetJsonAsync($"api/tasks/{taskId}"))["assignee"]!.GetValue<string>().ShouldBe("max");
    }

    [Fact]
    public async Task CandidateStarters_OnlyTheNamedGroupsAndUsersMayStart()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("starter.bpmn");
        var outsider = await s.Identities.ClientAsync("fremd", ["clerk"]);
        using (var refused = await outsider.PostAsJsonAsync("api/process-definitions/Parkausweis/start", new { }))
            (await TestServer.ShouldBeProblemAsync(refused, 403))["detail"]!.GetValue<string>().ShouldContain("buergerbuero");
        var member = await s.Identities.PersonAsync("erika", ["clerk"], ["kfz"]);
        using (var ok = await member.PostAsJsonAsync("api/process-definitions/Parkausweis/start", new { }))
            ok.StatusCode.ShouldBe(HttpStatusCode.Created);
        var named = await s.Identities.ClientAsync("max", ["clerk"]);
        using (var ok = await named.PostAsJsonAsync("api/process-definitions/Parkausweis/start", new { }))
            ok.StatusCode.ShouldBe(HttpStatusCode.Created);
    }
}
