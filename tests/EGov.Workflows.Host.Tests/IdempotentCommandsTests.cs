using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Idempotency-Key beyond starts (issue 21, item 5): a repeated message or external-task completion with the same key gets
/// the first answer again and changes nothing; the same key with another body is refused (422).
/// </summary>
public sealed class IdempotentCommandsTests
{
    private static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(TestServer s, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await s.Http.SendAsync(request);
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
}
