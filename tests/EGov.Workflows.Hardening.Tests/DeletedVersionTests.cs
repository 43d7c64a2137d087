using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tests;

namespace EGov.Workflows.Hardening.Tests;

/// <summary>
/// (Issue 20, item 6) Deleting a version on one node of several over one store: every node forgets it (as every node learns
/// of a new deployment), new cases start on the version before it everywhere, and that version's timer start events are
/// scheduled again.
/// </summary>
public sealed class DeletedVersionTests
{
    private static async Task<long> CountAsync(TestServer s, string query) =>
        (await s.GetJsonAsync($"api/process-instances?{query}"))["total"]!.GetValue<long>();

    [Fact]
    public async Task AVersionDeletedOnOneNode_IsGoneOnTheOther_NewCasesStartOnTheVersionBefore_ItsTimerStartsAgain()
    {
        var db = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "egov.db");
        await using var a = await TestServer.StartAsync(store: $"sqlite:{db}", nodeId: "node-a");
        await using var b = await TestServer.StartAsync(store: $"sqlite:{db}", nodeId: "node-b");
        await a.DeployAsync("zeitstart-v1.bpmn");
        await a.DeployAsync("zeitstart-v2.bpmn"); // version 2 has no timer: version 1's timer start is replaced
        (await b.GetJsonAsync("api/process-definitions")).AsArray().Count(d => d!["processId"]!.GetValue<string>() == "Zeitstart").ShouldBe(2, "B learned of both versions");
        var firedBefore = await CountAsync(a, "processId=Zeitstart&version=1");

        using (var deleted = await a.SendAsync(HttpMethod.Delete, "api/process-definitions/Zeitstart/versions/2"))
            ((int)deleted.StatusCode).ShouldBe(204, await deleted.Content.ReadAsStringAsync());

        // Node B forgets version 2 without a restart: its list and its starts.
        var onB = (await b.GetJsonAsync("api/process-definitions")).AsArray()
            .Where(d => d!["processId"]!.GetValue<string>() == "Zeitstart").ToList();
        onB.Select(d => d!["version"]!.GetValue<int>()).ShouldBe([1]);
        using (var versionTwo = await b.SendAsync(HttpMethod.Get, "api/process-definitions/Zeitstart/versions/2/xml"))
            ((int)versionTwo.StatusCode).ShouldBe(404);
        // Version 1's timer start fires again (on whichever node takes the job).
        var until = DateTime.UtcNow.AddSeconds(60);
        while (await CountAsync(b, "processId=Zeitstart&version=1") <= firedBefore && DateTime.UtcNow < until) await Task.Delay(200);
        (await CountAsync(b, "processId=Zeitstart&version=1")).ShouldBeGreaterThan(firedBefore, "version 1's timer start was scheduled again");
        (await CountAsync(b, "processId=Zeitstart&version=2")).ShouldBe(0);
    }

    /// <summary>
    /// A version deleted on one node and deployed again under the same number with another model before the other node
    /// looked: the other node compares the stored content hash with the model it runs, not only process and version, and
    /// runs the new model from then on — its starts, the cases started elsewhere and its diagram.
    /// </summary>
    [Theory]
    [MemberData(nameof(SharedStore.Kinds), MemberType = typeof(SharedStore))]
    public async Task AVersionDeletedAndDeployedAgainUnderItsNumber_IsTheNewModelOnTheOtherNode(string kind)
    {
        using var store = SharedStore.For(kind);
        await using var a = await TestServer.StartAsync(store: store.Store, nodeId: "node-a");
        // B looks only when asked (a start, a list): nothing it does by itself may catch the moment between delete and deploy.
        await using var b = await TestServer.StartAsync(store: store.Store, nodeId: "node-b", configure: o => o with { DeploymentCatchUpInterval = TimeSpan.FromHours(1) });
        await a.DeployAsync("neuauflage-v1.bpmn");
        await a.DeployAsync("neuauflage-v2.bpmn");
        (await b.GetJsonAsync("api/process-definitions")).AsArray().Count(d => d!["processId"]!.GetValue<string>() == "Neuauflage")
            .ShouldBe(2, "B runs both versions as first deployed");

        using (var deleted = await a.SendAsync(HttpMethod.Delete, "api/process-definitions/Neuauflage/versions/2"))
            ((int)deleted.StatusCode).ShouldBe(204, await deleted.Content.ReadAsStringAsync());
        (await a.DeployAsync("neuauflage-v2-neu.bpmn")).Single()!["version"]!.GetValue<int>().ShouldBe(2, "the number is free again");

        static async Task<string[]> WaitingAsync(TestServer s, string id) =>
            (await s.InstanceAsync(id))["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ToArray();
        var startedOnB = await b.StartProcessAsync("Neuauflage");
        (await b.InstanceAsync(startedOnB))["version"]!.GetValue<int>().ShouldBe(2);
        (await WaitingAsync(b, startedOnB)).ShouldBe(["ZweiNeu"], "B starts on the new model, not on the one it had under that number");
        var startedOnA = await a.StartProcessAsync("Neuauflage");
        (await WaitingAsync(b, startedOnA)).ShouldBe(["ZweiNeu"]);
        using var xml = await b.SendAsync(HttpMethod.Get, "api/process-definitions/Neuauflage/versions/2/xml");
        var text = await xml.Content.ReadAsStringAsync();
        ((int)xml.StatusCode).ShouldBe(200, text);
        text.ShouldContain("id=\"ZweiNeu\"");
        text.ShouldNotContain("id=\"Zwei\"");
    }
}
