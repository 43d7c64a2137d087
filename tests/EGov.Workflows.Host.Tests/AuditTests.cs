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
    public async Task Assign_ToSomeoneElse_NeedsATeamLeadOfTheTasksGroup()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        await s.StartProcessAsync("Antrag");
        var taskId = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
        var clerk = await s.PersonAsync("erika");
        using var forOther = await TestServer.SendAsAsync(clerk, HttpMethod.Post, $"api/tasks/{taskId}/assign", new { userId = "max" });
        await TestServer.ShouldBeProblemAsync(forOther, 403);
        using var claimForOther = await TestServer.SendAsAsync(clerk, HttpMethod.Post, $"api/tasks/{taskId}/claim", new { userId = "max" });
        (await claimForOther.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["assignee"]!.GetValue<string>().ShouldBe("erika"); // claim is for oneself
        var lead = await s.PersonAsync("chefin", roles: ["teamlead"]);
        using var assigned = await TestServer.SendAsAsync(lead, HttpMethod.Post, $"api/tasks/{taskId}/assign", new { userId = "max" });
        assigned.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await TestServer.GetJsonAsAsync(lead, $"api/tasks/{taskId}"))["assignee"]!.GetValue<string>().ShouldBe("max");
        using (var freed = await TestServer.SendAsAsync(lead, HttpMethod.Post, $"api/tasks/{taskId}/assign", new { userId = (string?)null }))
            freed.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = (await s.GetJsonAsync($"api/process-instances/{taskId.Split('.')[0]}/history/tasks")).AsArray()
            .Select(e => (e!["event"]!.GetValue<string>(), e["userId"]?.GetValue<string>(), e["detail"]?.GetValue<string>())).ToList();
        events.ShouldContain(("assigned", "erika", null)); // her own claim
        events.ShouldContain(("assigned", "chefin", "to max")); // the team lead acted, for max
        events.ShouldContain(("unassigned", "chefin", "from max"));
        var other = await s.PersonAsync("fremdchefin", groups: ["kasse"], roles: ["teamlead"]);
        using var foreign = await TestServer.SendAsAsync(other, HttpMethod.Post, $"api/tasks/{taskId}/assign", new { userId = "fremdchefin" });
        await TestServer.ShouldBeProblemAsync(foreign, 404);
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
