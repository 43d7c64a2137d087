using System.Text.Json.Nodes;
using EGov.Workflows.Persistence.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Issue 15, item 8: a commit that creates due work wakes the job executor (no wait for its poll); the job lease is an option
/// of serve; a migration writes history — who moved the instance from which version to which, and when.
/// </summary>
public sealed class LooseEndsTests
{
    private const string AsyncAfterStart = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://example.org/t">
          <process id="Eingang" isExecutable="true">
            <startEvent id="Start" /><sequenceFlow id="F1" sourceRef="Start" targetRef="Erfassen" />
            <scriptTask id="Erfassen" scriptFormat="javascript" camunda:asyncBefore="true"><script>execution.setVariable('erfasst', true);</script></scriptTask>
            <sequenceFlow id="F2" sourceRef="Erfassen" targetRef="End" /><endEvent id="End" />
          </process>
        </definitions>
        """;

    [Fact]
    public async Task ANewInstanceWithAnAsyncStep_WakesTheJobExecutor_InsteadOfWaitingForItsPoll()
    {
        // The executor polls every ten minutes: the step can only run this soon because the start's commit woke it.
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db", jobPoll: TimeSpan.FromMinutes(10));
        using (var deployed = await s.PostRawAsync("api/deployments?name=eingang.bpmn", AsyncAfterStart, "application/xml"))
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        var executor = s.Server.App.Services.GetRequiredService<JobExecutor>();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (executor.LastProgress is null && DateTime.UtcNow < until) await Task.Delay(20); // its first round, then it sleeps
        await Task.Delay(200);

        var id = await s.StartProcessAsync("Eingang");
        var done = await s.WaitForStateAsync(id, "completed", TimeSpan.FromSeconds(30));
        done["state"]!.GetValue<string>().ShouldBe("completed", done.ToJsonString());
        done["variables"]!["erfasst"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task TheJobLease_IsAnOptionOfServe()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db", configure: o => o with { JobLease = TimeSpan.FromSeconds(7) });
        var executor = s.Server.App.Services.GetRequiredService<JobExecutor>();
        executor.Options.Lease.ShouldBe(NodaTime.Duration.FromSeconds(7));
        executor.Options.HeartbeatInterval.ShouldBeLessThan(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task AMigration_WritesHistory_WhoFromWhichVersionToWhichAndWhen()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await s.DeployAsync("warten.bpmn");
        var id = await s.StartProcessAsync("Warten");
        await s.DeployAsync("warten-v2.bpmn");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var plan = new { processId = "Warten", fromVersion = 1, toVersion = 2, mapping = new Dictionary<string, string> { ["Bereit"] = "Abwarten" } };
        using (var run = await s.SendAsync(HttpMethod.Post, "api/migrations", plan))
            JsonNode.Parse(await run.Content.ReadAsStringAsync())!["migrated"]!.GetValue<int>().ShouldBe(1);

        var history = (await s.GetJsonAsync($"api/process-instances/{id}/history")).AsArray();
        var migration = history.Single(h => h!["elementType"]!.GetValue<string>() == "migration")!;
        migration["elementId"]!.GetValue<string>().ShouldBe("Warten");
        var text = migration["elementName"]!.GetValue<string>();
        text.ShouldStartWith("Migration von Version 1 auf Version 2 durch test-superuser-");
        migration["endedAt"]!.GetValue<DateTimeOffset>().ShouldBeGreaterThan(before);
    }
}
