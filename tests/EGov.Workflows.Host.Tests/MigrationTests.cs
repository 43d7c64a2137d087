using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>Migration of running instances from Antrag v1 (Pruefen) to v2 (Vorpruefen → Bescheiden).</summary>
public sealed class MigrationTests
{
    private static async Task<(TestServer, List<string>)> TwoVersionsAsync(int instances)
    {
        var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var ids = new List<string>();
        for (var n = 0; n < instances; n++) ids.Add(await s.StartProcessAsync("Antrag", new { businessKey = $"A-{n}" }));
        await s.DeployAsync("antrag-v2.bpmn");
        return (s, ids);
    }

    private static object Plan(object mapping, string[]? instanceIds = null, int batchSize = 2) =>
        new { processId = "Antrag", fromVersion = 1, toVersion = 2, mapping, instanceIds, batchSize };

    [Fact]
    public async Task Validate_UnmappedActiveElement_IsAnError()
    {
        var (s, _) = await TwoVersionsAsync(2);
        await using var __ = s;
        using var response = await s.SendAsync(HttpMethod.Post, "api/migrations/validate", Plan(new { }));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        body["valid"]!.GetValue<bool>().ShouldBeFalse();
        body["instances"]!.GetValue<int>().ShouldBe(2);
        body["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldContain(e => e.Contains("'Pruefen'") && e.Contains("not mapped"));
    }

    [Fact]
    public async Task Validate_KindMismatchAndUnknownElements_AreErrors()
    {
        var (s, _) = await TwoVersionsAsync(1);
        await using var __ = s;
        using var response = await s.SendAsync(HttpMethod.Post, "api/migrations/validate", Plan(new Dictionary<string, string> { ["Pruefen"] = "Ende", ["Gibtsnicht"] = "Vorpruefen" }));
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        errors.ShouldContain(e => e.Contains("'Pruefen' (userTask) cannot move to 'Ende' (endEvent)"));
        errors.ShouldContain(e => e.Contains("'Gibtsnicht' is no element of Antrag version 1"));
    }

    [Fact]
    public async Task Validate_UnknownVersion_IsAnError()
    {
        var (s, _) = await TwoVersionsAsync(1);
        await using var __ = s;
        using var response = await s.SendAsync(HttpMethod.Post, "api/migrations/validate",
            new { processId = "Antrag", fromVersion = 1, toVersion = 7, mapping = new { } });
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![0]!.GetValue<string>().ShouldContain("version 7 is not deployed");
    }

    [Fact]
    public async Task Run_MovesEveryInstanceInBatches_AndTheyContinueOnTheNewVersion()
    {
        var (s, ids) = await TwoVersionsAsync(5);
        await using var __ = s;
        var mapping = new Dictionary<string, string> { ["Pruefen"] = "Vorpruefen" };
        using (var validate = await s.SendAsync(HttpMethod.Post, "api/migrations/validate", Plan(mapping)))
        {
            var v = JsonNode.Parse(await validate.Content.ReadAsStringAsync())!;
            v["valid"]!.GetValue<bool>().ShouldBeTrue(v.ToJsonString());
            v["activeElements"]![0]!["mappedTo"]!.GetValue<string>().ShouldBe("Vorpruefen");
        }
        using (var run = await s.SendAsync(HttpMethod.Post, "api/migrations", Plan(mapping)))
        {
            var text = await run.Content.ReadAsStringAsync();
            ((int)run.StatusCode).ShouldBe(200, text);
            var result = JsonNode.Parse(text)!;
            result["migrated"]!.GetValue<int>().ShouldBe(5);
            result["batches"]!.GetValue<int>().ShouldBe(3);
            result["failed"]!.AsArray().ShouldBeEmpty();
        }
        var instance = await s.InstanceAsync(ids[0]);
        instance["version"]!.GetValue<int>().ShouldBe(2);
        instance["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Vorpruefen"]);

        var task = (await s.GroupTasksAsync(query: $"processInstanceId={ids[0]}"))[0]!;
        task["elementId"]!.GetValue<string>().ShouldBe("Vorpruefen");
        using (var complete = await s.CompleteAsync(task["id"]!.GetValue<string>()))
            ((int)complete.StatusCode).ShouldBe(200);
        (await s.InstanceAsync(ids[0]))["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Bescheiden"]);
    }

    [Fact]
    public async Task Run_OnlySelectedInstances_AndAnInvalidPlanIs422()
    {
        var (s, ids) = await TwoVersionsAsync(3);
        await using var __ = s;
        using (var invalid = await s.SendAsync(HttpMethod.Post, "api/migrations", Plan(new { })))
        {
            var problem = await TestServer.ShouldBeProblemAsync(invalid, 422);
            problem["errors"]!.AsArray().ShouldNotBeEmpty();
        }
        using (var run = await s.SendAsync(HttpMethod.Post, "api/migrations", Plan(new Dictionary<string, string> { ["Pruefen"] = "Vorpruefen" }, [ids[1]])))
            JsonNode.Parse(await run.Content.ReadAsStringAsync())!["migrated"]!.GetValue<int>().ShouldBe(1);
        (await s.InstanceAsync(ids[0]))["version"]!.GetValue<int>().ShouldBe(1);
        (await s.InstanceAsync(ids[1]))["version"]!.GetValue<int>().ShouldBe(2);
        using var again = await s.SendAsync(HttpMethod.Post, "api/migrations/validate", Plan(new Dictionary<string, string> { ["Pruefen"] = "Vorpruefen" }, [ids[1], "nope"]));
        var errors = JsonNode.Parse(await again.Content.ReadAsStringAsync())!["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        errors.ShouldContain(e => e.Contains("runs Antrag version 2"));
        errors.ShouldContain(e => e.Contains("'nope': no such process instance"));
    }

    [Fact]
    public async Task Run_FindsInstancesThatWaitWithoutAnyIndexRow_AndLeavesEndedOnesAlone()
    {
        // A receive task without a message waits with no task, job or subscription: only the instance rows find it.
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await s.DeployAsync("warten.bpmn");
        var waiting = await s.StartProcessAsync("Warten");
        var ended = await s.StartProcessAsync("Warten");
        using (var cancel = await s.SendAsync(HttpMethod.Delete, $"api/process-instances/{ended}"))
            ((int)cancel.StatusCode).ShouldBe(200);
        await s.DeployAsync("warten-v2.bpmn");
        var plan = new { processId = "Warten", fromVersion = 1, toVersion = 2, mapping = new Dictionary<string, string> { ["Bereit"] = "Abwarten" } };

        using (var run = await s.SendAsync(HttpMethod.Post, "api/migrations", plan))
            JsonNode.Parse(await run.Content.ReadAsStringAsync())!["migrated"]!.GetValue<int>().ShouldBe(1);

        var moved = await s.InstanceAsync(waiting);
        moved["version"]!.GetValue<int>().ShouldBe(2);
        moved["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Abwarten"]);
        (await s.InstanceAsync(ended))["version"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task MissingFields_Are400OrErrors()
    {
        await using var s = await TestServer.StartAsync();
        using var empty = await s.PostRawAsync("api/migrations/validate", "{}");
        var body = JsonNode.Parse(await empty.Content.ReadAsStringAsync())!;
        body["valid"]!.GetValue<bool>().ShouldBeFalse();
        body["errors"]!.AsArray().Count.ShouldBe(3);
        using var malformed = await s.PostRawAsync("api/migrations", "{\"mapping\": []}");
        (await TestServer.ShouldBeProblemAsync(malformed, 400))["expected"]!.GetValue<string>().ShouldContain("fromVersion");
    }
}
