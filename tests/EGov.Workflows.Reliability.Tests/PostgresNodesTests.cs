using System.Diagnostics;
using Xunit.Abstractions;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// (Issue 4, item 11b, c) Three <c>egov serve</c> nodes on one PostgreSQL: they share the jobs (leases with FOR UPDATE SKIP
/// LOCKED), every instance completes exactly once, and a task completed through all nodes at once completes once.
/// </summary>
public sealed class PostgresNodesTests(PostgresCluster cluster, ITestOutputHelper output) : IClassFixture<PostgresCluster>
{
    [PostgresFact]
    public async Task ThreeNodes_ShareTheJobs_EveryInstanceCompletesExactlyOnce_NoStepTwice_NoVariableLost()
    {
        var settings = ReliabilitySettings.For(ciInstances: 90, fullInstances: 2000, ciKills: 0, fullKills: 0);
        var replay = settings.Replay;
        output.WriteLine($"PostgreSQL cluster run: {settings.Instances} instances over {cluster.Nodes.Count} nodes");
        var clock = Stopwatch.StartNew();
        var load = new InstanceLoad(settings.Instances);

        // Starts go round-robin to the nodes; any node may run any instance's jobs afterwards.
        await load.StartAsync(cluster.Clients, settings.Instances, parallel: 6, CancellationToken.None);
        load.AllStarted.ShouldBeTrue($"every start answered; refused: {string.Join("; ", load.Refused.Take(3))}");
        output.WriteLine($"all started at {clock.Elapsed.TotalSeconds:0.0} s");
        await EndState.WaitUntilCompletedAsync(cluster.Probe, settings.Instances, stall: TimeSpan.FromMinutes(3), replay);
        output.WriteLine($"all {settings.Instances} completed at {clock.Elapsed.TotalSeconds:0.0} s");

        var problems = await EndState.ProblemsAsync(load, cluster.Clients, cluster.Probe);
        problems.ShouldBeEmpty(EndState.Describe(problems, replay));

        // Who did the work: each node reports the jobs it ran to a commit (/api/health, under its --node-id).
        var executed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in cluster.Nodes)
        {
            var health = await node.Client.HealthAsync();
            executed[health["node"]!.GetValue<string>()] = health["jobsExecuted"]!.GetValue<long>();
        }
        output.WriteLine($"jobs per node: {string.Join(", ", executed.Select(kv => $"{kv.Key} {kv.Value}"))}");
        executed.Keys.Order(StringComparer.Ordinal).ShouldBe(cluster.Nodes.Select(n => n.NodeId!).Order(StringComparer.Ordinal));
        executed.Values.ShouldAllBe(n => n > 0, "every node ran part of the jobs");
        // Each job of each instance ran to a commit on exactly one node: none twice, none lost.
        executed.Values.Sum().ShouldBe((long)settings.Instances * ReliabilityModel.JobsPerInstance);
        output.WriteLine($"checked in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [PostgresFact]
    public async Task FiftyConcurrentCompletions_ThroughThreeNodes_ExactlyOneSucceeds_OthersGet409()
    {
        var clients = cluster.Clients;
        var id = await clients[0].StartAsync("Approval", new { }, "approval-1");
        // A clerk of the task's group, signed in on every node: tasks are worked by persons who see them.
        var clerks = await ClerkSession.SignInOnAllAsync(cluster.Store, cluster.WorkDir, cluster.Nodes.Select(n => n.BaseAddress).ToList());
        (await clerks[2].TasksAsync(id)).Count.ShouldBe(1, "the session is valid on every node");
        var taskId = (await clerks[1].TasksAsync(id)).ShouldHaveSingleItem()!["id"]!.GetValue<string>();
        using var gate = new SemaphoreSlim(0);
        var calls = Enumerable.Range(0, 50).Select(async n =>
        {
            await gate.WaitAsync();
            return await clerks[n % clerks.Count].PostAsync($"api/tasks/{taskId}/complete", new { variables = new { by = n } });
        }).ToList();
        gate.Release(50);
        var answers = await Task.WhenAll(calls);

        answers.Count(a => a.Status == 200).ShouldBe(1, string.Join("\n", answers.Where(a => a.Status is not (200 or 409)).Select(a => $"{a.Status} {a.Body}")));
        answers.Count(a => a.Status == 409).ShouldBe(49);
        var winner = int.Parse(System.Text.Json.Nodes.JsonNode.Parse(answers.Single(a => a.Status == 200).Body)!["variables"]!["by"]!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
        var instance = await clients[2].InstanceAsync(id);
        instance["state"]!.GetValue<string>().ShouldBe("completed");
        instance["variables"]!["by"]!.GetValue<int>().ShouldBe(winner, "the variables of the one completion that won, and only those");
        (await clients[0].HistoryAsync(id)).Count(h => h!["elementId"]!.GetValue<string>() == "Approve").ShouldBe(1);
        foreach (var c in clerks) c.Dispose();
    }
}
