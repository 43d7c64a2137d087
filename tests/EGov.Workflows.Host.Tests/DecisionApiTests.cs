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
            var task = (await s.GroupTasksAsync()).ShouldHaveSingleItem()!["id"]!.GetValue<string>();
            using (var complete = await s.CompleteAsync(task))
                ((int)complete.StatusCode).ShouldBe(200);
            (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("completed");
        }
    }

    [Theory]
    [InlineData("[1 .. ", "FEEL syntax error at column")]
    [InlineData("2", "not one of the allowed values")]
    public async Task Deploy_BrokenDecision_Is422_WithFileLineColumn_AndNothingIsDeployed(string cell, string reason)
    {
        await using var s = await TestServer.StartAsync();
        var xml = (await File.ReadAllTextAsync(TestServer.ModelPath("gebuehr.dmn")))
            .Replace("<inputEntry><text>2</text></inputEntry>", $"<inputEntry><text>{(reason.StartsWith("FEEL") ? cell : "2")}</text></inputEntry>", StringComparison.Ordinal)
            .Replace("<output id=\"Output_Gebuehr\" name=\"gebuehr\" typeRef=\"number\"/>",
                reason.StartsWith("FEEL") ? "<output id=\"Output_Gebuehr\" name=\"gebuehr\" typeRef=\"number\"/>"
                    : "<output id=\"Output_Gebuehr\" name=\"gebuehr\" typeRef=\"number\"><outputValues><text>30.70</text></outputValues></output>", StringComparison.Ordinal);
        using var response = await s.PostRawAsync("api/deployments?name=kaputt.dmn", xml, "application/xml");
        var problem = await TestServer.ShouldBeProblemAsync(response, 422);
        var errors = problem["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        errors.ShouldContain(e => System.Text.RegularExpressions.Regex.IsMatch(e, @"^kaputt\.dmn:\d+:\d+: error: ") && e.Contains(reason));
        (await s.GetJsonAsync("api/decision-definitions"))["items"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Deploy_ValidDecisionWithARefusedProcess_DeploysNeither()
    {
        await using var s = await TestServer.StartAsync();
        const string refused = """
            <?xml version="1.0" encoding="UTF-8"?>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="urn:test">
              <process id="Ohne" isExecutable="true">
                <startEvent id="S"><timerEventDefinition><timeCycle>R/PT0.001S</timeCycle></timerEventDefinition></startEvent>
                <sequenceFlow id="f1" sourceRef="S" targetRef="E"/><endEvent id="E"/>
              </process>
            </definitions>
            """;
        using var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in new[] { ("gebuehr.dmn", await File.ReadAllBytesAsync(TestServer.ModelPath("gebuehr.dmn"))), ("ohne.bpmn", System.Text.Encoding.UTF8.GetBytes(refused)) })
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/xml");
            form.Add(file, "files", name);
        }
        using var response = await s.Http.PostAsync("api/deployments", form);
        await TestServer.ShouldBeProblemAsync(response, 422);
        (await s.GetJsonAsync("api/decision-definitions"))["items"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task DecisionHistory_OfAnUnknownInstance_Is404()
    {
        await using var s = await TestServer.StartAsync();
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/process-instances/nothing/history/decisions"), 404);
    }
}
