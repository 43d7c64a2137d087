using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>§42a (2) sentence 3 VwVfG over HTTP: the clerk who holds the decision extends the Fiktion's Frist once, with a reason.</summary>
public sealed class FristApiTests
{
    [Fact]
    public async Task TheClerkHoldingTheDecision_ExtendsTheFiktionsfristOnce_WithAReason()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("fiktion.bpmn");
        var id = await s.StartProcessAsync("Fiktion");
        var taskId = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
        var erika = await s.PersonAsync();
        var body = new { verlaengerung = "P1M", begruendung = "Gutachten steht aus" };

        using (var free = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{taskId}/fiktionsfrist/verlaengerung", body))
            ((int)free.StatusCode).ShouldBe(409, "a free task is claimed first");
        using (var claim = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{taskId}/claim", new { }))
            ((int)claim.StatusCode).ShouldBe(200);
        using (var noReason = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{taskId}/fiktionsfrist/verlaengerung", new { verlaengerung = "P1M" }))
        {
            ((int)noReason.StatusCode).ShouldBe(400);
            (await noReason.Content.ReadAsStringAsync()).ShouldContain("Bitte begründen Sie die Verlängerung (begruendung)");
        }
        using (var ok = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{taskId}/fiktionsfrist/verlaengerung", body))
        {
            var json = JsonNode.Parse(await ok.Content.ReadAsStringAsync())!;
            ((int)ok.StatusCode).ShouldBe(200, json.ToJsonString());
            json["verlaengerung"]!.GetValue<string>().ShouldBe("P1M");
            json["verlaengerungGrund"]!.GetValue<string>().ShouldBe("Gutachten steht aus");
        }
        using (var twice = await s.SendAsync(HttpMethod.Post, $"api/process-instances/{id}/fristen/Timer_Fiktion/verlaengerung", body))
        {
            ((int)twice.StatusCode).ShouldBe(400);
            (await twice.Content.ReadAsStringAsync()).ShouldContain("erlaubt nur eine Verlängerung");
        }
        var instance = await s.InstanceAsync(id);
        instance["fristen"]![0]!["verlaengerung"]!.GetValue<string>().ShouldBe("P1M");
        var history = (await s.GetJsonAsync($"api/process-instances/{id}/history/variables")).AsArray();
        history.ShouldContain(v => v!["name"]!.GetValue<string>() == "fiktionsfristVerlaengerung" && v["userId"]!.GetValue<string>() == "erika");
    }
}
