namespace EGov.Workflows.Host.Tests;

/// <summary>Timers and async continuations run by themselves: the memory loop, and the persistence JobExecutor on SQLite.</summary>
public sealed class JobTests
{
    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task TimerAndAsyncContinuation_RunWithoutAnyCall(string store)
    {
        await using var s = await TestServer.StartAsync(store: store, jobPoll: TimeSpan.FromMilliseconds(100));
        await s.DeployAsync("frist.bpmn");
        var id = await s.StartProcessAsync("Frist");
        (await s.InstanceAsync(id))["waiting"]![0]!.GetValue<string>().ShouldBe("Warten");
        var done = await s.WaitForStateAsync(id, "completed", TimeSpan.FromSeconds(20));
        done["state"]!.GetValue<string>().ShouldBe("completed", done.ToJsonString());
        done["variables"]!["gebucht"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Health_OnADurableStore_NamesTheNodeAndCountsTheJobsItRan()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db", jobPoll: TimeSpan.FromMilliseconds(100), nodeId: "node-a");
        (await s.GetJsonAsync("api/health"))["jobsExecuted"]!.GetValue<long>().ShouldBe(0);
        await s.DeployAsync("frist.bpmn");
        var id = await s.StartProcessAsync("Frist");
        (await s.WaitForStateAsync(id, "completed", TimeSpan.FromSeconds(20)))["state"]!.GetValue<string>().ShouldBe("completed");
        var health = await s.GetJsonAsync("api/health");
        health["node"]!.GetValue<string>().ShouldBe("node-a");
        health["jobsExecuted"]!.GetValue<long>().ShouldBe(2); // the timer Warten and the continuation before Buchen
    }

    [Fact]
    public async Task Health_OnTheMemoryStore_HasNoJobCount()
    {
        await using var s = await TestServer.StartAsync(nodeId: "node-m");
        var health = await s.GetJsonAsync("api/health");
        health["node"]!.GetValue<string>().ShouldBe("node-m");
        health["jobsExecuted"].ShouldBeNull();
    }
}
