using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Idempotency-Key beyond starts (issue 21, item 5): a repeated message, user-task completion or external-task completion,
/// failure or BPMN error with the same key gets the first answer again and changes nothing; the same key with another body
/// is refused (422).
/// </summary>
public sealed class IdempotentCommandsTests
{
    private static Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(TestServer s, string path, object body, string key) =>
        PostAsync(s.Http, path, body, key);

    private static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(HttpClient http, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task ARepeatedMessage_WithTheSameKey_AnswersTheFirstAnswer_AndMovesNothingMore(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("nachweis.bpmn");
        await s.StartProcessAsync("Nachweis", new { businessKey = "N-1" });
        await s.StartProcessAsync("Nachweis", new { businessKey = "N-2" });
        var message = new { name = "NachweisEingegangen", all = true };

        var first = await PostAsync(s, "api/messages", message, "nachricht-1");
        first.Status.ShouldBe(200);
        first.Body!["correlated"]!.GetValue<int>().ShouldBe(2);
        var late = await s.StartProcessAsync("Nachweis", new { businessKey = "N-3" });

        var again = await PostAsync(s, "api/messages", message, "nachricht-1");
        again.Status.ShouldBe(200);
        again.Body!["correlated"]!.GetValue<int>().ShouldBe(2);
        again.Response.Headers.GetValues("Idempotency-Replayed").ShouldBe(["true"]);
        (await s.InstanceAsync(late))["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldContain("Warten", "the repeat moved nothing");

        var other = await PostAsync(s, "api/messages", new { name = "NachweisEingegangen", correlationKey = "N-3" }, "nachricht-1");
        other.Status.ShouldBe(422);
        other.Body!["title"]!.GetValue<string>().ShouldBe("Idempotency-Key reused");
        foreach (var r in new[] { first, again, other }) r.Response.Dispose();
    }

    [Fact]
    public async Task ARepeatedExternalTaskCompletion_WithTheSameKey_Is204Again_InsteadOf404()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await s.DeployAsync("zahlung.bpmn");
        await s.StartProcessAsync("Zahlung", new { businessKey = "Z-1" });
        using var fetch = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock",
            new { workerId = "w1", maxTasks = 1, topics = new[] { new { topicName = "gebuehr-einziehen", lockDuration = 60_000 } } });
        var taskId = JsonNode.Parse(await fetch.Content.ReadAsStringAsync())!.AsArray().Single()!["id"]!.GetValue<string>();
        var body = new { workerId = "w1" };

        var first = await PostAsync(s, $"engine-rest/external-task/{taskId}/complete", body, "zahlung-1");
        var again = await PostAsync(s, $"engine-rest/external-task/{taskId}/complete", body, "zahlung-1");
        using var unkeyed = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/complete", body);

        first.Status.ShouldBe(204);
        again.Status.ShouldBe(204);
        again.Response.Headers.GetValues("Idempotency-Replayed").ShouldBe(["true"]);
        ((int)unkeyed.StatusCode).ShouldBe(404, "without the key a second completion finds no task");
        first.Response.Dispose();
        again.Response.Dispose();
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task ARepeatedUserTaskCompletion_WithTheSameKey_AnswersTheFirstAnswer_InsteadOf409(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag");
        var taskId = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
        var erika = await s.PersonAsync();
        var body = new { variables = new { genehmigt = true } };

        var first = await PostAsync(erika, $"api/tasks/{taskId}/complete", body, "bescheid-1");
        var again = await PostAsync(erika, $"api/tasks/{taskId}/complete", body, "bescheid-1");
        var other = await PostAsync(erika, $"api/tasks/{taskId}/complete", new { variables = new { genehmigt = false } }, "bescheid-1");
        using var unkeyed = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{taskId}/complete", body);

        first.Status.ShouldBe(200, first.Body?.ToJsonString());
        again.Status.ShouldBe(200);
        again.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        again.Response.Headers.GetValues("Idempotency-Replayed").ShouldBe(["true"]);
        other.Status.ShouldBe(422);
        ((int)unkeyed.StatusCode).ShouldBeOneOf([404, 409], "without the key a second completion finds the task done");
        var events = (await s.GetJsonAsync($"api/process-instances/{id}/history/tasks")).AsArray();
        events.Count(e => e!["event"]!.GetValue<string>() == "completed").ShouldBe(1);
        foreach (var r in new[] { first, again, other }) r.Response.Dispose();
    }

    [Fact]
    public async Task ARepeatedExternalTaskFailure_AndBpmnError_WithTheSameKey_AreRecordedOnce()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await s.DeployAsync("zahlung.bpmn");
        var id = await s.StartProcessAsync("Zahlung", new { businessKey = "Z-2" });
        async Task<string> FetchAsync()
        {
            using var fetch = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock",
                new { workerId = "w1", maxTasks = 1, topics = new[] { new { topicName = "gebuehr-einziehen", lockDuration = 60_000 } } });
            return JsonNode.Parse(await fetch.Content.ReadAsStringAsync())!.AsArray().Single()!["id"]!.GetValue<string>();
        }
        var taskId = await FetchAsync();
        var failure = new { workerId = "w1", errorMessage = "Kasse nicht erreichbar", retries = 2, retryTimeout = 0 };

        var failed = await PostAsync(s, $"engine-rest/external-task/{taskId}/failure", failure, "fehler-1");
        var failedAgain = await PostAsync(s, $"engine-rest/external-task/{taskId}/failure", failure, "fehler-1");

        failed.Status.ShouldBe(204);
        failedAgain.Status.ShouldBe(204);
        failedAgain.Response.Headers.GetValues("Idempotency-Replayed").ShouldBe(["true"]);
        (await FetchAsync()).ShouldBe(taskId, "the repeat did not lock or fail it again");

        var error = new { workerId = "w1", errorCode = "ZAHLUNG_ABGELEHNT", errorMessage = "Konto gesperrt" };
        var thrown = await PostAsync(s, $"engine-rest/external-task/{taskId}/bpmnError", error, "abgelehnt-1");
        var thrownAgain = await PostAsync(s, $"engine-rest/external-task/{taskId}/bpmnError", error, "abgelehnt-1");
        using var unkeyed = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/bpmnError", error);

        thrown.Status.ShouldBe(204);
        thrownAgain.Status.ShouldBe(204);
        thrownAgain.Response.Headers.GetValues("Idempotency-Replayed").ShouldBe(["true"]);
        ((int)unkeyed.StatusCode).ShouldBe(404, "without the key the task is gone");
        var events = (await s.GetJsonAsync($"api/process-instances/{id}/history/tasks")).AsArray().Select(e => e!["event"]!.GetValue<string>()).ToList();
        events.Count(e => e == "failed").ShouldBe(1);
        events.Count(e => e == "bpmnError").ShouldBe(1);
        foreach (var r in new[] { failed, failedAgain, thrown, thrownAgain }) r.Response.Dispose();
    }
}
