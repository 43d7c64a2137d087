using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Decisions through the API on a SQLite file (issue 14, items 4 and 8): deployed from processes/, evaluated by a business
/// rule task and directly, and after a restart still answering "why was this fee charged" — the inputs, the matched rule,
/// the output and the warning of the instance's evaluation.
/// </summary>
public sealed class DecisionApiTests
{
    private static string Processes(params string[] models)
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        Directory.CreateDirectory(dir);
        foreach (var m in models) File.Copy(TestServer.ModelPath(m), Path.Combine(dir, m));
        return dir;
    }

    [Fact]
    public async Task WhyWasThisFeeCharged_IsAnsweredAfterARestart()
    {
        var processes = Processes("gebuehr.dmn", "parkausweis-gebuehr.bpmn");
        var db = Path.Combine(Path.GetDirectoryName(processes)!, "data", "egov.db");
        string id, direct;
        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            id = await s.StartProcessAsync("Parkausweis", new { variables = new { laufzeitJahre = 2, teiler = 0 }, businessKey = "P-1" });
            (await s.InstanceAsync(id))["variables"]!["gebuehr"]!.GetValue<decimal>().ShouldBe(61.40m);
            using var evaluate = await s.SendAsync(HttpMethod.Post, "api/decision-definitions/Gebuehr/evaluate", new { variables = new { laufzeitJahre = 1, teiler = 4 } });
            var body = JsonNode.Parse(await evaluate.Content.ReadAsStringAsync())!;
            ((int)evaluate.StatusCode).ShouldBe(200, body.ToJsonString());
            body["result"]!.GetValue<decimal>().ShouldBe(30.70m);
            direct = body["id"]!.GetValue<string>();
        }

        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            var definitions = (await s.GetJsonAsync("api/decision-definitions"))["items"]!.AsArray();
            definitions.ShouldHaveSingleItem()!["version"]!.GetValue<int>().ShouldBe(1); // unchanged at restart: same version
            definitions[0]!["inputs"]!.AsArray().Select(i => i!["label"]!.GetValue<string>()).ShouldBe(["Laufzeit", "Anteil"]);

            var why = (await s.GetJsonAsync($"api/process-instances/{id}/history/decisions")).AsArray().ShouldHaveSingleItem()!;
            why["decisionKey"]!.GetValue<string>().ShouldBe("Gebuehr");
            why["processInstanceId"]!.GetValue<string>().ShouldBe(id);
            why["elementId"]!.GetValue<string>().ShouldBe("Task_Gebuehr");
            why["inputs"]!["laufzeitJahre"]!.GetValue<int>().ShouldBe(2);
            why["matchedRules"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["Rule_Zwei_Jahre"]);
            why["result"]!.GetValue<decimal>().ShouldBe(61.40m);
            why["resultList"]!.AsArray().ShouldHaveSingleItem()!["gebuehr"]!.GetValue<decimal>().ShouldBe(61.40m);
            why["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldContain("division by zero");
            why["decisions"]![0]!["inputs"]!["Laufzeit"]!.GetValue<decimal>().ShouldBe(2m);

            var page = await s.GetJsonAsync($"api/decision-evaluations?processInstanceId={id}");
            page["items"]!.AsArray().ShouldHaveSingleItem()!["id"]!.GetValue<string>().ShouldBe(why["id"]!.GetValue<string>());
            (await s.GetJsonAsync("api/decision-evaluations?decisionKey=Gebuehr"))["items"]!.AsArray().Count.ShouldBe(2);
            (await s.GetJsonAsync($"api/decision-evaluations/{direct}"))["result"]!.GetValue<decimal>().ShouldBe(30.70m);
            await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/decision-evaluations/nothing"), 404);

            // The case goes on with the fee it was charged.
            var task = (await s.GetJsonAsync("api/tasks")).AsArray().ShouldHaveSingleItem()!["id"]!.GetValue<string>();
            using (var complete = await s.SendAsync(HttpMethod.Post, $"api/tasks/{task}/complete", new { }))
                ((int)complete.StatusCode).ShouldBe(200);
            (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("completed");
        }
    }

    [Fact]
    public async Task DecisionHistory_OfAnUnknownInstance_Is404()
    {
        await using var s = await TestServer.StartAsync();
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/process-instances/nothing/history/decisions"), 404);
    }
}
