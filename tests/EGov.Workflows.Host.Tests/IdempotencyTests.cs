using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Host;
using EGov.Workflows.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests;

/// <summary>Idempotent starts (Idempotency-Key) and unique business keys (egov:uniqueBusinessKey): a client that retries never creates a second case.</summary>
public sealed class IdempotencyTests
{
    private static async Task<(int Status, JsonNode? Body, HttpResponseMessage Response)> StartAsync(TestServer s, string process, object body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/process-definitions/{process}/start") { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        var response = await s.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    private static long CountInstances(TestServer s)
    {
        var store = (EfRuntimeStore)s.Server.App.Services.GetRequiredService<StoreChoice>().Store;
        using var c = Persistence.Schema.SchemaMigrator.Open(store.Options);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM instances";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/data/egov.db")]
    public async Task SameKeySameBody_AnswersTheFirstAnswerAgain_AndStartsOneCase(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("antrag.bpmn");
        var body = new { businessKey = "A-1", variables = new { antragsteller = "Erika" } };

        var first = await StartAsync(s, "Antrag", body, "key-1");
        var again = await StartAsync(s, "Antrag", body, "key-1");

        first.Status.ShouldBe(201);
        again.Status.ShouldBe(201);
        again.Body!.ToJsonString().ShouldBe(first.Body!.ToJsonString());
        again.Response.Headers.GetValues("Idempotency-Replayed").ShouldBe(["true"]);
        first.Response.Headers.Location!.ToString().ShouldBe($"/api/process-instances/{first.Body!["id"]}");
        if (store != "memory") CountInstances(s).ShouldBe(1);
    }

    [Fact]
    public async Task SameKeyDifferentBody_Is422_AndStartsNothing()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/data/egov.db");
        await s.DeployAsync("antrag.bpmn");
        (await StartAsync(s, "Antrag", new { businessKey = "A-1" }, "key-1")).Status.ShouldBe(201);

        var other = await StartAsync(s, "Antrag", new { businessKey = "A-2" }, "key-1");

        other.Status.ShouldBe(422);
        other.Body!["title"]!.GetValue<string>().ShouldBe("Idempotency-Key reused");
        CountInstances(s).ShouldBe(1);
        (await StartAsync(s, "Antrag", new { businessKey = "A-2" }, "key-2")).Status.ShouldBe(201);
        CountInstances(s).ShouldBe(2);
    }

    [Fact]
    public async Task TheFirstAnswerNeverRecorded_ARepeatStillFindsTheCase_AndStartsNothing()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/data/egov.db");
        await s.DeployAsync("antrag.bpmn");
        var first = await StartAsync(s, "Antrag", new { businessKey = "A-1" }, "key-1");
        var store = (EfRuntimeStore)s.Server.App.Services.GetRequiredService<StoreChoice>().Store;
        using (var c = Persistence.Schema.SchemaMigrator.Open(store.Options))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "DELETE FROM idempotency_keys"; // as if the node died between the commit and recording the answer
            cmd.ExecuteNonQuery();
        }

        var again = await StartAsync(s, "Antrag", new { businessKey = "A-1" }, "key-1");

        again.Status.ShouldBe(201);
        again.Body!["id"]!.GetValue<string>().ShouldBe(first.Body!["id"]!.GetValue<string>());
        CountInstances(s).ShouldBe(1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("zwei worte")]
    public async Task AKeyThatIsEmptyOrNotPrintableAscii_Is400(string key)
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/process-definitions/Antrag/start") { Content = JsonContent.Create(new { }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        using var response = await s.Http.SendAsync(request);
        await TestServer.ShouldBeProblemAsync(response, 400);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/data/egov.db")]
    public async Task UniqueBusinessKey_ASecondStartWithTheKey_Is409_AndStartsNothing(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("eindeutig.bpmn");
        var first = await StartAsync(s, "Eindeutig", new { businessKey = "AZ-2026-0001" }, null);

        var second = await StartAsync(s, "Eindeutig", new { businessKey = "AZ-2026-0001", variables = new { x = 1 } }, null);

        first.Status.ShouldBe(201);
        second.Status.ShouldBe(409);
        second.Body!["title"]!.GetValue<string>().ShouldBe("Business key taken");
        second.Body!["instanceId"]!.GetValue<string>().ShouldBe(first.Body!["id"]!.GetValue<string>());
        (await StartAsync(s, "Eindeutig", new { businessKey = "AZ-2026-0002" }, null)).Status.ShouldBe(201);
        (await StartAsync(s, "Eindeutig", new { }, null)).Status.ShouldBe(201); // without a business key: nothing to be unique
        if (store != "memory") CountInstances(s).ShouldBe(3);
    }

    [Fact]
    public async Task UniqueBusinessKey_ConcurrentStartsWithTheKey_ExactlyOneWins()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/data/egov.db");
        await s.DeployAsync("eindeutig.bpmn");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => StartAsync(s, "Eindeutig", new { businessKey = "AZ-1" }, null)));

        answers.Count(a => a.Status == 201).ShouldBe(1);
        answers.Count(a => a.Status == 409).ShouldBe(7);
        CountInstances(s).ShouldBe(1);
    }
}
