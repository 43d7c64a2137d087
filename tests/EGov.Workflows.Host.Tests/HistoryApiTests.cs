using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>GET /api/process-instances/{id}/history/variables|tasks|incidents on the memory and the SQLite store.</summary>
public sealed class HistoryApiTests
{
    public static TheoryData<string> Stores() => new() { "memory", "sqlite:{dir}/egov.db" };

    [Theory, MemberData(nameof(Stores))]
    public async Task VariableAndTaskHistory_TellWhoChangedWhat(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag", new { variables = new { betrag = 10 } });
        var taskId = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
        // The history names who acted from the identity (erika's session), never from a userId in the body.
        var erika = await s.PersonAsync();
        using (var claim = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{taskId}/claim", new { }))
            ((int)claim.StatusCode).ShouldBe(200, await claim.Content.ReadAsStringAsync());
        using (var complete = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{taskId}/complete",
                   new { variables = new { betrag = 12, entscheidung = "genehmigt" }, userId = "mallory" }))
            ((int)complete.StatusCode).ShouldBe(200);

        var vars = (await s.GetJsonAsync($"api/process-instances/{id}/history/variables")).AsArray();
        vars.Select(v => (v!["name"]!.GetValue<string>(), v["change"]!.GetValue<string>())).ShouldBe([
            ("betrag", "created"), ("betrag", "updated"), ("entscheidung", "created"),
        ]);
        vars[1]!["oldValue"]!.GetValue<int>().ShouldBe(10);
        vars[1]!["newValue"]!.GetValue<int>().ShouldBe(12);
        vars[1]!["userId"]!.GetValue<string>().ShouldBe("erika");
        vars[1]!["command"]!.GetValue<string>().ShouldBe("CompleteUserTask");
        vars[0]!["oldValue"].ShouldBeNull();

        var tasks = (await s.GetJsonAsync($"api/process-instances/{id}/history/tasks")).AsArray();
        tasks.Select(t => t!["event"]!.GetValue<string>()).ShouldBe(["created", "assigned", "completed"]);
        tasks[2]!["userId"]!.GetValue<string>().ShouldBe("erika");
        tasks.ShouldAllBe(t => t!["taskId"]!.GetValue<string>() == taskId && t["kind"]!.GetValue<string>() == "user");

        // the element-instance history keeps its shape
        var elements = (await s.GetJsonAsync($"api/process-instances/{id}/history")).AsArray();
        elements.Select(h => h!["elementId"]!.GetValue<string>()).ShouldBe(["Start", "Pruefen", "Ende"]);
    }

    [Fact]
    public async Task IncidentHistory_ShowsTheRetryThatResolvedIt_AndTheNewOne()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("skript.bpmn");
        var id = await s.StartProcessAsync("Skript");
        var incidentId = (await s.GetJsonAsync("api/incidents"))[0]!["id"]!.GetValue<string>();
        using (var retry = await s.SendAsync(HttpMethod.Post, $"api/incidents/{incidentId}/retry"))
            ((int)retry.StatusCode).ShouldBe(200);

        var events = (await s.GetJsonAsync($"api/process-instances/{id}/history/incidents")).AsArray();
        events.Select(e => (e!["incidentId"]!.GetValue<string>() == incidentId, e["event"]!.GetValue<string>())).ShouldBe([
            (true, "created"), (true, "resolved"), (false, "created"),
        ]);
        events.ShouldAllBe(e => e!["elementId"]!.GetValue<string>() == "Rechnen" && e["kind"]!.GetValue<string>() == "FailedScript");
    }

    [Fact]
    public async Task DetailedHistory_OfAnUnknownInstance_Is404_AndTheRoutesAreInOpenApi()
    {
        await using var s = await TestServer.StartAsync();
        foreach (var part in new[] { "variables", "tasks", "incidents" })
        {
            using var response = await s.SendAsync(HttpMethod.Get, $"api/process-instances/nope/history/{part}");
            await TestServer.ShouldBeProblemAsync(response, 404);
        }
        var paths = (await s.GetJsonAsync("openapi/v1.json"))["paths"]!.AsObject().Select(kv => kv.Key).ToList();
        paths.ShouldContain("/api/process-instances/{id}/history/variables");
        paths.ShouldContain("/api/process-instances/{id}/history/tasks");
        paths.ShouldContain("/api/process-instances/{id}/history/incidents");
    }
}
