using System.Text.Json.Nodes;
using EGov.Workflows.Host;

namespace EGov.Workflows.Host.Tests;

/// <summary>The server on a temp SQLite file: state survives a restart, conflicts are 409, locks are durable, jobs run.</summary>
public sealed class SqliteTests
{
    private static string Processes(params string[] models)
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        Directory.CreateDirectory(dir);
        foreach (var m in models) File.Copy(TestServer.ModelPath(m), Path.Combine(dir, m));
        return dir;
    }

    [Fact]
    public async Task Restart_KeepsInstancesTasksAndLocks()
    {
        var processes = Processes("antrag.bpmn", "zahlung.bpmn");
        var db = Path.Combine(Path.GetDirectoryName(processes)!, "data", "egov.db");
        string id, paymentId, taskId;
        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            (await s.GetJsonAsync("api/health"))["durable"]!.GetValue<bool>().ShouldBeTrue();
            id = await s.StartProcessAsync("Antrag", new { variables = new { gebuehr = 30 }, businessKey = "A-1" });
            paymentId = await s.StartProcessAsync("Zahlung", new { businessKey = "Z-1" });
            taskId = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
            using var fetch = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock",
                new { workerId = "w1", maxTasks = 1, topics = new[] { new { topicName = "gebuehr-einziehen", lockDuration = 600_000 } } });
            JsonNode.Parse(await fetch.Content.ReadAsStringAsync())!.AsArray().Count.ShouldBe(1);
        }
        File.Exists(db).ShouldBeTrue();
        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            var instance = await s.InstanceAsync(id);
            instance["state"]!.GetValue<string>().ShouldBe("running");
            instance["variables"]!["gebuehr"]!.GetValue<int>().ShouldBe(30);
            using (var again = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock",
                       new { workerId = "w2", maxTasks = 1, topics = new[] { new { topicName = "gebuehr-einziehen", lockDuration = 1000 } } }))
                JsonNode.Parse(await again.Content.ReadAsStringAsync())!.AsArray().ShouldBeEmpty();
            using (var complete = await s.CompleteAsync(taskId))
                ((int)complete.StatusCode).ShouldBe(200);
            (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("completed");
            (await s.InstanceAsync(paymentId))["state"]!.GetValue<string>().ShouldBe("running");
        }
    }

    [Fact]
    public async Task FiftyConcurrentCompletions_OnSqlite_ExactlyOneSucceeds()
    {
        var processes = Processes("antrag.bpmn");
        await using var s = await TestServer.StartAsync(processes, "sqlite:{dir}/egov.db");
        await s.StartProcessAsync("Antrag");
        var taskId = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
        using var gate = new SemaphoreSlim(0);
        var calls = Enumerable.Range(0, 50).Select(async _ =>
        {
            await gate.WaitAsync();
            using var response = await s.CompleteAsync(taskId);
            if ((int)response.StatusCode != 200) await TestServer.ShouldBeProblemAsync(response, 409);
            return (int)response.StatusCode;
        }).ToList();
        gate.Release(50);
        var codes = await Task.WhenAll(calls);
        codes.Count(c => c == 200).ShouldBe(1);
        codes.Count(c => c == 409).ShouldBe(49);
    }

    [Fact]
    public async Task Migration_OnSqlite_MovesTheInstance()
    {
        await using var s = await TestServer.StartAsync(Processes("antrag.bpmn"), "sqlite:{dir}/egov.db");
        var id = await s.StartProcessAsync("Antrag");
        await s.DeployAsync("antrag-v2.bpmn");
        using var run = await s.SendAsync(HttpMethod.Post, "api/migrations",
            new { processId = "Antrag", fromVersion = 1, toVersion = 2, mapping = new Dictionary<string, string> { ["Pruefen"] = "Vorpruefen" } });
        JsonNode.Parse(await run.Content.ReadAsStringAsync())!["migrated"]!.GetValue<int>().ShouldBe(1);
        var instance = await s.InstanceAsync(id);
        instance["version"]!.GetValue<int>().ShouldBe(2);
        instance["waiting"]![0]!.GetValue<string>().ShouldBe("Vorpruefen");
        (await s.GroupTasksAsync())[0]!["elementId"]!.GetValue<string>().ShouldBe("Vorpruefen");
    }

    [Fact]
    public async Task Deployments_AreDurable_UnchangedKeepsItsVersion_AndInstancesContinueAfterARestart()
    {
        var processes = Processes("antrag.bpmn");
        var db = Path.Combine(Path.GetDirectoryName(processes)!, "data", "egov.db");
        string id;
        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            (await s.DeployAsync("antrag-v2.bpmn"))[0]!["version"]!.GetValue<int>().ShouldBe(2);
            id = await s.StartProcessAsync("Antrag");
            (await s.DeployAsync("antrag-v2.bpmn"))[0]!["version"]!.GetValue<int>().ShouldBe(2);
        }
        await using (var s = await TestServer.StartAsync(processes, $"sqlite:{db}"))
        {
            var versions = (await s.GetJsonAsync("api/process-definitions")).AsArray().Select(d => d!["version"]!.GetValue<int>()).Order().ToList();
            versions.ShouldBe([1, 2, 3]); // processes/ holds v1's model, which differs from the latest (v2): it comes back as v3
            var instance = await s.InstanceAsync(id);
            instance["version"]!.GetValue<int>().ShouldBe(2);
            var task = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
            using (var complete = await s.CompleteAsync(task))
                ((int)complete.StatusCode).ShouldBe(200);
            (await s.InstanceAsync(id))["waiting"]![0]!.GetValue<string>().ShouldBe("Bescheiden");
            (await s.StartProcessAsync("Antrag")).ShouldNotBeNullOrEmpty();
        }
    }

    [Fact]
    public async Task UnopenableStore_RefusesToStart()
    {
        var err = new StringWriter();
        var code = await EGovServer.RunAsync(new ServeOptions { Urls = "http://127.0.0.1:0", Store = "sqlite:/proc/egov-cannot-write/egov.db", ProcessesDirectory = null, Error = err });
        code.ShouldBe(1);
        err.ToString().ShouldContain("cannot open the store");
    }
}
