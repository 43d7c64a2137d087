using System.Text.Json.Nodes;
using EGov.Workflows.Host;
using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Storage faults seen from a client: 503 problems that say what is wrong, with Retry-After, nothing saved; honest
/// health (/health/live, /health/ready); a server that refuses to start beside a missing database.
/// </summary>
public sealed class DurabilityTests
{
    private static EfRuntimeStore Store(TestServer s) => (EfRuntimeStore)s.Server.App.Services.GetRequiredService<StoreChoice>().Store;

    private static Task<long> CountInstancesAsync(TestServer s) => Task.Run(() =>
    {
        using var c = Persistence.Schema.SchemaMigrator.Open(Store(s).Options);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM instances";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    [Fact]
    public async Task Health_LiveAndReady_OnADurableStore_AreOk_AndTellNothingInternal()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/data/egov.db", nodeId: "node-a");

        using var live = await s.Http.GetAsync("health/live");
        var liveText = await live.Content.ReadAsStringAsync();
        ((int)live.StatusCode).ShouldBe(200, liveText);
        JsonNode.Parse(liveText)!["status"]!.GetValue<string>().ShouldBe("live");

        var ready = await ReadyAsync(s, 200);
        ready["status"]!.GetValue<string>().ShouldBe("ready");
        ready["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ShouldBe(["store", "jobs"]);
        var text = ready.ToJsonString();
        text.ShouldNotContain(s.DataDir);
        text.ShouldNotContain("sqlite");
        text.ShouldNotContain("node-a");
    }

    [Fact]
    public async Task DiskFull_AStartAnswers503StorageFull_WithRetryAfter_SavesNothing_AndWorksWhenSpaceIsBack()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/data/egov.db");
        await s.DeployAsync("antrag.bpmn");
        await s.StartProcessAsync("Antrag");

        StoreFaults.FillDisk(Store(s)); // a write that needs new pages fails: a start with a large variable
        using (var response = await s.SendAsync(HttpMethod.Post, "api/process-definitions/Antrag/start", new { businessKey = "A-2", variables = new { anlage = new string('x', 100_000) } }))
        {
            var problem = await TestServer.ShouldBeProblemAsync(response, 503);
            problem["title"]!.GetValue<string>().ShouldBe("Storage full");
            problem["detail"]!.GetValue<string>().ShouldContain("nothing of this request was saved");
            response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(30));
        }
        (await CountInstancesAsync(s)).ShouldBe(1);

        StoreFaults.Clear(Store(s));
        await s.StartProcessAsync("Antrag");
        (await CountInstancesAsync(s)).ShouldBe(2);
    }

    [Fact]
    public async Task ReadOnlyDatabase_OnTheCamundaApi_Answers503_InCamundasShape()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/data/egov.db");
        await s.DeployAsync("zahlung.bpmn");
        await s.StartProcessAsync("Zahlung", new
        {
            variables = new { betrag = 30, kassenzeichen = "KZ-1", bar = false, satz = 1.5, antrag = new { art = "Bewohnerparken" } },
        });

        StoreFaults.MakeReadOnly(Store(s));
        using var response = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock", new
        {
            workerId = "w1", maxTasks = 1, topics = new[] { new { topicName = "gebuehr-einziehen", lockDuration = 10_000 } },
        });
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(503, text);
        JsonNode.Parse(text)!["message"]!.GetValue<string>().ShouldStartWith("Database read-only");
        response.Headers.RetryAfter.ShouldNotBeNull();
        StoreFaults.Clear(Store(s));
    }

    [Fact]
    public async Task DatabaseFileDeleted_WritesAnswer503_AndReadyIs503_WithTheReason()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/data/egov.db");
        await s.DeployAsync("antrag.bpmn");
        await s.StartProcessAsync("Antrag");
        await ReadyAsync(s, 200);

        StoreFaults.DeleteFiles(Store(s));
        using (var response = await s.SendAsync(HttpMethod.Post, "api/process-definitions/Antrag/start", new { }))
            (await TestServer.ShouldBeProblemAsync(response, 503))["title"]!.GetValue<string>().ShouldBe("Database file replaced");

        await Task.Delay(ReadinessProbeCache);
        var ready = await ReadyAsync(s, 503);
        ready["status"]!.GetValue<string>().ShouldBe("not ready");
        ready["reason"]!.GetValue<string>().ShouldBe("database file deleted or replaced");
        File.Exists(Store(s).DatabasePath).ShouldBeFalse("no new, empty database in its place");

        // /api/health is not a static 200 either: the same checks, the same answer.
        using var health = await s.Anonymous.GetAsync("api/health");
        var text = await health.Content.ReadAsStringAsync();
        ((int)health.StatusCode).ShouldBe(503, text);
        health.Headers.RetryAfter.ShouldNotBeNull();
        JsonNode.Parse(text)!["status"]!.GetValue<string>().ShouldBe("not ready");
        JsonNode.Parse(text)!["reason"]!.GetValue<string>().ShouldBe("database file deleted or replaced");
    }

    [Fact]
    public async Task MissingDatabase_BesideOtherFiles_RefusesToStart_UnlessCreate()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "data");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "egov.db-wal"), "left over"); // the WAL of a database someone deleted
        var err = new StringWriter();
        var options = new ServeOptions { Urls = "http://127.0.0.1:0", Store = $"sqlite:{dir}/egov.db", ProcessesDirectory = null, Error = err };

        (await EGovServer.RunAsync(options)).ShouldBe(1);
        err.ToString().ShouldContain("the database file does not exist, but its folder does and is not empty (egov.db-wal)");
        err.ToString().ShouldContain("--create");
        File.Exists(Path.Combine(dir, "egov.db")).ShouldBeFalse();

        File.Delete(Path.Combine(dir, "egov.db-wal"));
        await File.WriteAllTextAsync(Path.Combine(dir, "notiz.txt"), "x");
        var output = new StringWriter();
        await using (await EGovServer.StartAsync(options with { Create = true, Out = output }))
            output.ToString().ShouldContain("a new, empty database was created (--create)");
    }

    [Fact]
    public async Task FirstStart_InAnEmptyFolder_CreatesTheDatabase_AndTheBannerSaysSo()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "data");
        var output = new StringWriter();
        await using (await EGovServer.StartAsync(new ServeOptions { Urls = "http://127.0.0.1:0", Store = $"sqlite:{dir}/egov.db", ProcessesDirectory = null, Out = output }))
        {
            output.ToString().ShouldContain("first start: a new, empty database was created in an empty folder");
            output.ToString().ShouldContain("/health/ready");
        }
        var again = new StringWriter();
        await using (await EGovServer.StartAsync(new ServeOptions { Urls = "http://127.0.0.1:0", Store = $"sqlite:{dir}/egov.db", ProcessesDirectory = null, Out = again }))
            again.ToString().ShouldNotContain("created");
    }

    private static readonly TimeSpan ReadinessProbeCache = Health.ReadinessProbe.CacheFor + TimeSpan.FromMilliseconds(100);

    private static async Task<JsonNode> ReadyAsync(TestServer s, int status)
    {
        using var response = await s.Http.GetAsync("health/ready");
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        if (status == 503) response.Headers.RetryAfter.ShouldNotBeNull();
        return JsonNode.Parse(text)!;
    }
}
