using EGov.Workflows.Host.Lifecycle;
using EGov.Workflows.Host.Tests;

namespace EGov.Workflows.Hardening.Tests;

/// <summary>
/// (Issue 21, item 6) With the command lane switched on (<c>ServeOptions.CommandThreads</c>), the API's handlers run on its
/// dedicated threads and answer as on the pool: starts, the instance and task lists, readiness, an error as its problem.
/// </summary>
public sealed class CommandLaneTests
{
    [Fact]
    public async Task WithTheCommandLane_TheHotEndpointsAnswerAsOnThePool_AndAnErrorIsItsProblem()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db", configure: o => o with { CommandThreads = 4, CommandQueue = 64 });
        await s.DeployAsync("warten.bpmn");
        var started = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => s.StartProcessAsync("Warten")));
        started.Distinct().Count().ShouldBe(20);
        (await s.GetJsonAsync("api/process-instances?processId=Warten&limit=50"))["total"]!.GetValue<long>().ShouldBe(20);
        await s.GetJsonAsync("api/tasks?limit=20");
        using (var ready = await s.SendAsync(HttpMethod.Get, "health/ready"))
            ((int)ready.StatusCode).ShouldBe(200, await ready.Content.ReadAsStringAsync());
        using var unknown = await s.SendAsync(HttpMethod.Post, "api/process-definitions/Gibtsnicht/start", new { });
        await TestServer.ShouldBeProblemAsync(unknown, 404);
    }

    [Fact]
    public async Task ALaneWhoseQueueIsFull_RefusesAtOnce_AndRunsWhatItTook()
    {
        using var lane = new CommandLane(threads: 1, capacity: 1);
        using var hold = new ManualResetEventSlim();
        var first = lane.RunAsync(() => { hold.Wait(); return 1; }); // on the thread
        var until = DateTime.UtcNow.AddSeconds(10);
        while (lane.Queued > 0 && DateTime.UtcNow < until) await Task.Delay(10);
        var second = lane.RunAsync(() => 2); // waits in the queue
        Should.Throw<CommandLaneFullException>(() => lane.RunAsync(() => 3));
        hold.Set();
        (await first).ShouldBe(1);
        (await second).ShouldBe(2);
        await Should.ThrowAsync<InvalidOperationException>(lane.RunAsync<int>(() => throw new InvalidOperationException("im Befehl")));
    }
}
