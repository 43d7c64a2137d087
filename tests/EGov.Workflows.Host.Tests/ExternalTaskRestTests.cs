using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>/engine-rest/external-task with Camunda 7's JSON shapes.</summary>
public sealed class ExternalTaskRestTests
{
    private static object Fetch(string worker, int maxTasks = 10, long? asyncResponseTimeout = null, long lockDuration = 10_000, string[]? variables = null) => new
    {
        workerId = worker, maxTasks, usePriority = true, asyncResponseTimeout,
        topics = new[] { new { topicName = "gebuehr-einziehen", lockDuration, variables } },
    };

    private static async Task<JsonArray> FetchAsync(TestServer s, object body)
    {
        using var response = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock", body);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, text);
        response.Content.Headers.ContentType!.ToString().ShouldBe("application/json");
        return JsonNode.Parse(text)!.AsArray();
    }

    private static async Task<(TestServer, string)> StartWithPaymentAsync()
    {
        var s = await TestServer.StartAsync();
        await s.DeployAsync("zahlung.bpmn");
        var id = await s.StartProcessAsync("Zahlung", new
        {
            variables = new { betrag = 30, kassenzeichen = "KZ-1", bar = false, satz = 1.5, antrag = new { art = "Bewohnerparken" }, leer = (string?)null },
            businessKey = "Z-1",
        });
        return (s, id);
    }

    [Fact]
    public async Task FetchAndLock_AnswersCamundaShapeWithTypedVariables()
    {
        var (s, id) = await StartWithPaymentAsync();
        await using var _ = s;
        var tasks = await FetchAsync(s, Fetch("w1"));
        tasks.Count.ShouldBe(1);
        var t = tasks[0]!.AsObject();
        foreach (var key in new[] { "activityId", "activityInstanceId", "errorMessage", "errorDetails", "executionId", "id", "lockExpirationTime",
                     "processDefinitionId", "processDefinitionKey", "processInstanceId", "retries", "suspended", "workerId", "topicName",
                     "tenantId", "variables", "priority", "businessKey" })
            t.ContainsKey(key).ShouldBeTrue(key);
        t["activityId"]!.GetValue<string>().ShouldBe("Einziehen");
        t["processInstanceId"]!.GetValue<string>().ShouldBe(id);
        t["processDefinitionKey"]!.GetValue<string>().ShouldBe("Zahlung");
        t["workerId"]!.GetValue<string>().ShouldBe("w1");
        t["topicName"]!.GetValue<string>().ShouldBe("gebuehr-einziehen");
        t["businessKey"]!.GetValue<string>().ShouldBe("Z-1");
        t["lockExpirationTime"]!.GetValue<string>().ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$");
        var v = t["variables"]!;
        v["betrag"]!["type"]!.GetValue<string>().ShouldBe("Integer");
        v["betrag"]!["value"]!.GetValue<int>().ShouldBe(30);
        v["kassenzeichen"]!["type"]!.GetValue<string>().ShouldBe("String");
        v["bar"]!["type"]!.GetValue<string>().ShouldBe("Boolean");
        v["satz"]!["type"]!.GetValue<string>().ShouldBe("Double");
        v["antrag"]!["type"]!.GetValue<string>().ShouldBe("Json");
        JsonNode.Parse(v["antrag"]!["value"]!.GetValue<string>())!["art"]!.GetValue<string>().ShouldBe("Bewohnerparken");
        v["leer"]!["type"]!.GetValue<string>().ShouldBe("Null");
    }

    [Fact]
    public async Task FetchAndLock_VariablesFilter_LimitsTheVariables()
    {
        var (s, _) = await StartWithPaymentAsync();
        await using var __ = s;
        var tasks = await FetchAsync(s, Fetch("w1", variables: ["betrag"]));
        tasks[0]!["variables"]!.AsObject().Select(kv => kv.Key).ShouldBe(["betrag"]);
    }

    [Fact]
    public async Task LockedTask_IsNotFetchedAgainUntilTheLockExpires()
    {
        var (s, _) = await StartWithPaymentAsync();
        await using var __ = s;
        (await FetchAsync(s, Fetch("w1", lockDuration: 600))).Count.ShouldBe(1);
        (await FetchAsync(s, Fetch("w2"))).ShouldBeEmpty();
        await Task.Delay(800);
        var again = await FetchAsync(s, Fetch("w2"));
        again.Count.ShouldBe(1);
        again[0]!["workerId"]!.GetValue<string>().ShouldBe("w2");
    }

    [Fact]
    public async Task Complete_ByTheLockOwner_SetsVariablesAndEnds_WrongWorkerIs400_UnknownIs404()
    {
        var (s, id) = await StartWithPaymentAsync();
        await using var __ = s;
        var taskId = (await FetchAsync(s, Fetch("w1")))[0]!["id"]!.GetValue<string>();
        using (var wrong = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/complete", new { workerId = "w2" }))
        {
            ((int)wrong.StatusCode).ShouldBe(400);
            var error = JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!;
            error["type"]!.GetValue<string>().ShouldBe("RestException");
            error["message"]!.GetValue<string>().ShouldContain("locked by worker 'w1'");
        }
        using (var ok = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/complete", new
               {
                   workerId = "w1",
                   variables = new Dictionary<string, object>
                   {
                       ["quittung"] = new { value = "Q-77", type = "String" },
                       ["bezahlt"] = new { value = true, type = "boolean" },
                       ["beleg"] = new { value = "{\"nr\":5}", type = "json" },
                   },
               }))
            ((int)ok.StatusCode).ShouldBe(204);
        var instance = await s.InstanceAsync(id);
        instance["state"]!.GetValue<string>().ShouldBe("completed");
        instance["variables"]!["quittung"]!.GetValue<string>().ShouldBe("Q-77");
        instance["variables"]!["bezahlt"]!.GetValue<bool>().ShouldBeTrue();
        instance["variables"]!["beleg"]!["nr"]!.GetValue<int>().ShouldBe(5);
        using var unknown = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/complete", new { workerId = "w1" });
        ((int)unknown.StatusCode).ShouldBe(404);
        JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["message"]!.GetValue<string>().ShouldContain("does not exist");
    }

    [Fact]
    public async Task Failure_WithRetries_MakesItFetchableAfterTheTimeout_ZeroRetriesOpensAnIncident()
    {
        var (s, id) = await StartWithPaymentAsync();
        await using var __ = s;
        var taskId = (await FetchAsync(s, Fetch("w1")))[0]!["id"]!.GetValue<string>();
        using (var fail = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/failure",
                   new { workerId = "w1", errorMessage = "Kasse nicht erreichbar", errorDetails = "timeout after 30 s", retries = 2, retryTimeout = 300 }))
            ((int)fail.StatusCode).ShouldBe(204);
        (await FetchAsync(s, Fetch("w1"))).ShouldBeEmpty();
        await Task.Delay(500);
        var again = (await FetchAsync(s, Fetch("w1")))[0]!;
        again["retries"]!.GetValue<int>().ShouldBe(2);
        again["errorMessage"]!.GetValue<string>().ShouldBe("Kasse nicht erreichbar");
        again["errorDetails"]!.GetValue<string>().ShouldBe("timeout after 30 s");

        using (var last = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/failure",
                   new { workerId = "w1", errorMessage = "endgültig", retries = 0, retryTimeout = 0 }))
            ((int)last.StatusCode).ShouldBe(204);
        (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("incident");
        (await FetchAsync(s, Fetch("w1"))).ShouldBeEmpty();
        var incident = (await s.GetJsonAsync("api/incidents"))[0]!;
        incident["elementId"]!.GetValue<string>().ShouldBe("Einziehen");

        // retry: the task can be fetched once more
        using (var retry = await s.SendAsync(HttpMethod.Post, $"api/incidents/{incident["id"]!.GetValue<string>()}/retry"))
            ((int)retry.StatusCode).ShouldBe(200);
        (await FetchAsync(s, Fetch("w1"))).Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("failure", "failed")]
    [InlineData("bpmnError", "reported with a BPMN error")]
    [InlineData("extendLock", "extended by worker 'w2'")]
    public async Task AWorkerWithoutTheLock_GetsCamundasError_AndNothingChanges(string operation, string verb)
    {
        var (s, id) = await StartWithPaymentAsync();
        await using var __ = s;
        var taskId = (await FetchAsync(s, Fetch("w1")))[0]!["id"]!.GetValue<string>();
        var before = (await s.GetJsonAsync($"engine-rest/external-task/{taskId}")).ToJsonString();

        using var wrong = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/{operation}",
            new { workerId = "w2", errorMessage = "nicht meins", errorCode = "ZAHLUNG_ABGELEHNT", retries = 0, retryTimeout = 0, newDuration = 60_000 });

        ((int)wrong.StatusCode).ShouldBe(400);
        wrong.Content.Headers.ContentType!.ToString().ShouldBe("application/json");
        var error = JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!;
        error["type"]!.GetValue<string>().ShouldBe("RestException");
        error["message"]!.GetValue<string>().ShouldContain(verb);
        error["message"]!.GetValue<string>().ShouldContain("locked by worker 'w1'");
        (await s.GetJsonAsync($"engine-rest/external-task/{taskId}")).ToJsonString().ShouldBe(before);
        (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("running");
        (await s.GetJsonAsync($"api/process-instances/{id}/history/tasks")).AsArray()
            .Select(e => e!["event"]!.GetValue<string>()).ShouldBe(["created", "locked"]);
    }

    [Fact]
    public async Task Failure_ReleasesTheLock_SoARetriedIncidentIsFetchableByAnyWorker()
    {
        var (s, id) = await StartWithPaymentAsync();
        await using var __ = s;
        var taskId = (await FetchAsync(s, Fetch("w1", lockDuration: 600_000)))[0]!["id"]!.GetValue<string>();
        using (var last = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/failure",
                   new { workerId = "w1", errorMessage = "endgültig", retries = 0, retryTimeout = 0 }))
            ((int)last.StatusCode).ShouldBe(204);

        var task = await s.GetJsonAsync($"engine-rest/external-task/{taskId}");
        task["workerId"].ShouldBeNull();
        task["lockExpirationTime"].ShouldBeNull();
        var incidentId = (await s.GetJsonAsync("api/incidents"))[0]!["id"]!.GetValue<string>();
        using (var retry = await s.SendAsync(HttpMethod.Post, $"api/incidents/{incidentId}/retry"))
            ((int)retry.StatusCode).ShouldBe(200);
        (await FetchAsync(s, Fetch("w2"))).Single()!["id"]!.GetValue<string>().ShouldBe(taskId);
        (await s.GetJsonAsync($"api/process-instances/{id}/history/tasks")).AsArray()
            .Select(e => (e!["event"]!.GetValue<string>(), e["userId"]?.GetValue<string>())).ShouldBe([
                ("created", null), ("locked", "w1"), ("failed", "w1"), ("locked", "w2"),
            ]);
    }

    [Fact]
    public async Task BpmnError_IsCaughtByTheBoundaryEvent()
    {
        var (s, id) = await StartWithPaymentAsync();
        await using var __ = s;
        var taskId = (await FetchAsync(s, Fetch("w1")))[0]!["id"]!.GetValue<string>();
        using (var err = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/bpmnError", new
               {
                   workerId = "w1", errorCode = "ZAHLUNG_ABGELEHNT", errorMessage = "Konto gedeckt? nein",
                   variables = new Dictionary<string, object> { ["grund"] = new { value = "Deckung", type = "String" } },
               }))
            ((int)err.StatusCode).ShouldBe(204);
        var instance = await s.InstanceAsync(id);
        instance["state"]!.GetValue<string>().ShouldBe("completed");
        instance["variables"]!["grund"]!.GetValue<string>().ShouldBe("Deckung");
        (await s.GetJsonAsync($"api/process-instances/{id}/history")).AsArray()
            .Select(h => h!["elementId"]!.GetValue<string>()).ShouldContain("NichtBezahlt");
    }

    [Fact]
    public async Task ExtendLock_AndUnlock()
    {
        var (s, _) = await StartWithPaymentAsync();
        await using var __ = s;
        var task = (await FetchAsync(s, Fetch("w1", lockDuration: 1_000)))[0]!;
        var taskId = task["id"]!.GetValue<string>();
        using (var other = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/extendLock", new { workerId = "w2", newDuration = 60_000 }))
            ((int)other.StatusCode).ShouldBe(400);
        using (var extend = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/extendLock", new { workerId = "w1", newDuration = 60_000 }))
            ((int)extend.StatusCode).ShouldBe(204);
        var listed = (await s.GetJsonAsync($"engine-rest/external-task/{taskId}"))!;
        DateTimeOffset.Parse(listed["lockExpirationTime"]!.GetValue<string>().Replace("+0000", "+00:00", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddSeconds(30));
        await Task.Delay(1_200);
        (await FetchAsync(s, Fetch("w2"))).ShouldBeEmpty();

        using (var unlock = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/unlock", new { }))
            ((int)unlock.StatusCode).ShouldBe(204);
        (await FetchAsync(s, Fetch("w2"))).Count.ShouldBe(1);
        using var bad = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/extendLock", new { workerId = "w2", newDuration = 0 });
        ((int)bad.StatusCode).ShouldBe(400);
        JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["type"]!.GetValue<string>().ShouldBe("InvalidRequestException");
    }

    [Fact]
    public async Task LongPolling_WaitsForANewTask_AndAnswersEmptyOnTimeout()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("zahlung.bpmn");
        var started = DateTime.UtcNow;
        (await FetchAsync(s, Fetch("w1", asyncResponseTimeout: 500))).ShouldBeEmpty();
        (DateTime.UtcNow - started).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(450));

        var poll = FetchAsync(s, Fetch("w1", asyncResponseTimeout: 20_000));
        await Task.Delay(300);
        poll.IsCompleted.ShouldBeFalse();
        await s.StartProcessAsync("Zahlung");
        var tasks = await poll.WaitAsync(TimeSpan.FromSeconds(10));
        tasks.Count.ShouldBe(1);
    }

    [Fact]
    public async Task FetchAndLock_BadRequests_AreCamundaErrors()
    {
        await using var s = await TestServer.StartAsync();
        using var noWorker = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock", new { maxTasks = 1, topics = Array.Empty<object>() });
        ((int)noWorker.StatusCode).ShouldBe(400);
        noWorker.Content.Headers.ContentType!.ToString().ShouldBe("application/json");
        JsonNode.Parse(await noWorker.Content.ReadAsStringAsync())!["type"]!.GetValue<string>().ShouldBe("InvalidRequestException");
        using var malformed = await s.PostRawAsync("engine-rest/external-task/fetchAndLock", "{\"workerId\": ");
        ((int)malformed.StatusCode).ShouldBe(400);
        JsonNode.Parse(await malformed.Content.ReadAsStringAsync())!["message"].ShouldNotBeNull();
    }

    [Fact]
    public async Task EngineAndVersion_AnswerLikeCamunda()
    {
        await using var s = await TestServer.StartAsync();
        (await s.GetJsonAsync("engine-rest/engine"))[0]!["name"]!.GetValue<string>().ShouldBe("default");
        (await s.GetJsonAsync("engine-rest/version"))["version"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Tenants_WorkersSeeOnlyTheirTenantsTasks()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("zahlung.bpmn", tenant: "06412000");
        await s.StartProcessAsync("Zahlung", tenant: "06412000");
        (await FetchAsync(s, Fetch("w1"))).ShouldBeEmpty();
        using var response = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock", Fetch("w1"), "06412000");
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Count.ShouldBe(1);
    }
}
