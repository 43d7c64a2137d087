using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests.Hardening;

/// <summary>
/// Bad input is a 400 with a problem that says what is wrong, never a 500 (issue 20, item 8): what an outside probe sent.
/// </summary>
public sealed class BadInputTests
{
    private static async Task<(TestServer Server, string TaskId)> LockedPaymentTaskAsync()
    {
        var s = await TestServer.StartAsync();
        await s.DeployAsync("zahlung.bpmn");
        await s.StartProcessAsync("Zahlung", new { businessKey = "Z-1" });
        using var fetch = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock",
            new { workerId = "w1", maxTasks = 1, topics = new[] { new { topicName = "gebuehr-einziehen", lockDuration = 60_000 } } });
        var tasks = JsonNode.Parse(await fetch.Content.ReadAsStringAsync())!.AsArray();
        return (s, tasks.Single()!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"variables": {"a": 1, "a": 2}}""", "duplicate")]
    [InlineData("""{"variables": {"name": "\ud800"}}""", "")]
    [InlineData("""{"variables": {"n": 1e400}}""", "")]
    [InlineData("""{"variables": {"n": NaN}}""", "")]
    public async Task StartWithABrokenJsonBody_Is400(string body, string mentions)
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        using var response = await s.PostRawAsync("api/process-definitions/Antrag/start", body);
        var problem = await TestServer.ShouldBeProblemAsync(response, 400);
        problem["detail"]!.GetValue<string>().ShouldContain(mentions);
        (await s.GroupTasksAsync()).ShouldBeEmpty("nothing was started");
    }

    [Theory]
    [InlineData("Double", "\"NaN\"")]
    [InlineData("Double", "\"1e400\"")]
    [InlineData("Double", "\"Infinity\"")]
    [InlineData("Integer", "3000000000")]
    [InlineData("Short", "100000")]
    [InlineData("Long", "1e30")]
    [InlineData("Date", "\"not a date\"")]
    [InlineData("Boolean", "\"vielleicht\"")]
    public async Task CamundaTypedValueOutsideItsType_Is400_AndTheTaskStaysOpen(string type, string value)
    {
        var (s, taskId) = await LockedPaymentTaskAsync();
        await using var _ = s;
        var body = "{\"workerId\": \"w1\", \"variables\": {\"x\": {\"value\": " + value + ", \"type\": \"" + type + "\"}}}";
        using var response = await s.PostRawAsync($"engine-rest/external-task/{taskId}/complete", body);
        ((int)response.StatusCode).ShouldBe(400, await response.Content.ReadAsStringAsync());
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>().ShouldContain("'x'");
        using var still = await s.SendAsync(HttpMethod.Get, $"engine-rest/external-task/{taskId}");
        ((int)still.StatusCode).ShouldBe(200);
    }

    [Theory]
    [InlineData("lock", """{"workerId": "w1", "lockDuration": 1450000000000000}""")]
    [InlineData("extendLock", """{"workerId": "w1", "newDuration": 9223372036854775807}""")]
    [InlineData("failure", """{"workerId": "w1", "errorMessage": "x", "retries": 1, "retryTimeout": 9223372036854775807}""")]
    public async Task DurationsBeyondTheCalendar_Are400(string command, string body)
    {
        var (s, taskId) = await LockedPaymentTaskAsync();
        await using var _ = s;
        if (command == "lock") { using var u = await s.SendAsync(HttpMethod.Post, $"engine-rest/external-task/{taskId}/unlock"); }
        using var response = await s.PostRawAsync($"engine-rest/external-task/{taskId}/{command}", body);
        ((int)response.StatusCode).ShouldBe(400, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FetchAndLock_WithAnAsyncResponseTimeoutBeyondCamundasMaximum_Is400()
    {
        await using var s = await TestServer.StartAsync();
        using var response = await s.PostRawAsync("engine-rest/external-task/fetchAndLock",
            """{"workerId": "w1", "maxTasks": 1, "asyncResponseTimeout": 9223372036854775807, "topics": [{"topicName": "t", "lockDuration": 1000}]}""");
        ((int)response.StatusCode).ShouldBe(400, await response.Content.ReadAsStringAsync());
    }
}
