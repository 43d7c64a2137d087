using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

public sealed class ApiTests
{
    [Fact]
    public async Task Health_AnswersOkWithTheStore()
    {
        await using var s = await TestServer.StartAsync();
        var health = await s.GetJsonAsync("api/health");
        health["status"]!.GetValue<string>().ShouldBe("ok");
        health["store"]!.GetValue<string>().ShouldBe("memory");
        health["tenant"]!.GetValue<string>().ShouldBe("default");
    }

    [Fact]
    public async Task OpenApi_DocumentListsTheRoutes()
    {
        await using var s = await TestServer.StartAsync();
        var doc = await s.GetJsonAsync("openapi/v1.json");
        var paths = doc["paths"]!.AsObject().Select(kv => kv.Key).ToList();
        paths.ShouldContain("/api/process-definitions/{processId}/start");
        paths.ShouldContain("/api/tasks/{id}/complete");
        paths.ShouldContain("/api/migrations");
        paths.ShouldContain("/engine-rest/external-task/fetchAndLock");
    }

    [Fact]
    public async Task Deploy_XmlBody_AnswersProcessIdAndVersion_AndRedeployIsTheNextVersion()
    {
        await using var s = await TestServer.StartAsync();
        var first = await s.DeployAsync("antrag.bpmn");
        first.Count.ShouldBe(1);
        first[0]!["processId"]!.GetValue<string>().ShouldBe("Antrag");
        first[0]!["version"]!.GetValue<int>().ShouldBe(1);
        var second = await s.DeployAsync("antrag-v2.bpmn");
        second[0]!["version"]!.GetValue<int>().ShouldBe(2);
        var defs = (await s.GetJsonAsync("api/process-definitions")).AsArray();
        defs.Count.ShouldBe(2);
        defs.Single(d => d!["version"]!.GetValue<int>() == 2)!["latest"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Deploy_Multipart_DeploysEveryFile()
    {
        await using var s = await TestServer.StartAsync();
        using var form = new MultipartFormDataContent();
        foreach (var name in new[] { "antrag.bpmn", "zahlung.bpmn" })
        {
            var file = new ByteArrayContent(await File.ReadAllBytesAsync(TestServer.ModelPath(name)));
            file.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            form.Add(file, "files", name);
        }
        using var response = await s.Http.PostAsync("api/deployments", form);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        ((int)response.StatusCode).ShouldBe(201);
        body.Select(d => d!["processId"]!.GetValue<string>()).Order().ShouldBe(["Antrag", "Zahlung"]);
    }

    [Fact]
    public async Task Deploy_BrokenModel_Is422WithPositionedMessages()
    {
        await using var s = await TestServer.StartAsync();
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(TestServer.ModelPath("kaputt.bpmn")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        using var response = await s.Http.PostAsync("api/deployments?name=kaputt.bpmn", content);
        var problem = await TestServer.ShouldBeProblemAsync(response, 422);
        var errors = problem["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        errors.ShouldNotBeEmpty();
        errors.ShouldAllBe(e => System.Text.RegularExpressions.Regex.IsMatch(e, @"^kaputt\.bpmn:\d+:\d+: "));
    }

    [Fact]
    public async Task Deploy_NotXml_Is422_AndWrongContentTypeIs400WithWhatIsExpected()
    {
        await using var s = await TestServer.StartAsync();
        using var bad = await s.PostRawAsync("api/deployments?name=x.bpmn", "<definitions", "application/xml");
        await TestServer.ShouldBeProblemAsync(bad, 422);
        using var wrong = await s.PostRawAsync("api/deployments", "{}", "application/json");
        var problem = await TestServer.ShouldBeProblemAsync(wrong, 400);
        problem["expected"]!.GetValue<string>().ShouldContain("application/xml");
    }

    [Fact]
    public async Task Start_ThenGetInstance_ShowsStateVariablesAndWaiting()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag", new { variables = new { antragsteller = "Erika Mustermann", gebuehr = 30 }, businessKey = "A-2026-1" });
        var instance = await s.InstanceAsync(id);
        instance["id"]!.GetValue<string>().ShouldBe(id);
        instance["processId"]!.GetValue<string>().ShouldBe("Antrag");
        instance["version"]!.GetValue<int>().ShouldBe(1);
        instance["state"]!.GetValue<string>().ShouldBe("running");
        instance["businessKey"]!.GetValue<string>().ShouldBe("A-2026-1");
        instance["variables"]!["antragsteller"]!.GetValue<string>().ShouldBe("Erika Mustermann");
        instance["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Pruefen"]);
    }

    [Fact]
    public async Task Start_UnknownProcess_Is404_MalformedBody_Is400WithExpectedShape()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        using var unknown = await s.SendAsync(HttpMethod.Post, "api/process-definitions/Gibtsnicht/start", new { });
        (await TestServer.ShouldBeProblemAsync(unknown, 404))["detail"]!.GetValue<string>().ShouldContain("Gibtsnicht");
        using var malformed = await s.PostRawAsync("api/process-definitions/Antrag/start", "{\"variables\": ");
        var problem = await TestServer.ShouldBeProblemAsync(malformed, 400);
        problem["expected"]!.GetValue<string>().ShouldContain("businessKey");
        using var wrongType = await s.PostRawAsync("api/process-definitions/Antrag/start", "{\"variables\": 5}");
        await TestServer.ShouldBeProblemAsync(wrongType, 400);
    }

    [Fact]
    public async Task UnknownInstanceAndRoute_Are404Problems()
    {
        await using var s = await TestServer.StartAsync();
        using var instance = await s.SendAsync(HttpMethod.Get, "api/process-instances/nope");
        await TestServer.ShouldBeProblemAsync(instance, 404);
        using var history = await s.SendAsync(HttpMethod.Get, "api/process-instances/nope/history");
        await TestServer.ShouldBeProblemAsync(history, 404);
        using var cancel = await s.SendAsync(HttpMethod.Delete, "api/process-instances/nope");
        await TestServer.ShouldBeProblemAsync(cancel, 404);
        using var route = await s.SendAsync(HttpMethod.Get, "api/nothing-here");
        ((int)route.StatusCode).ShouldBe(404);
        route.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Tasks_ListClaimComplete_ThenHistory()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag");
        var erika = await s.PersonAsync("erika");
        var max = await s.PersonAsync("max");
        var tasks = await s.GroupTasksAsync(query: "candidateGroup=sachbearbeitung");
        tasks.Count.ShouldBe(1);
        var taskId = tasks[0]!["id"]!.GetValue<string>();
        tasks[0]!["elementId"]!.GetValue<string>().ShouldBe("Pruefen");
        (await s.GroupTasksAsync(query: "candidateGroup=kasse")).ShouldBeEmpty();

        using (var claim = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{taskId}/claim", new { takeOver = false }))
            ((int)claim.StatusCode).ShouldBe(200);
        (await TestServer.GetJsonAsAsync(erika, "api/tasks?view=mine"))["items"]!.AsArray().Count.ShouldBe(1);
        using (var other = await TestServer.SendAsAsync(max, HttpMethod.Post, $"api/tasks/{taskId}/claim", new { takeOver = false }))
            (await TestServer.ShouldBeProblemAsync(other, 409))["holder"]!.GetValue<string>().ShouldBe("erika");

        using (var complete = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{taskId}/complete", new { variables = new { entscheidung = "genehmigt" } }))
        {
            var body = JsonNode.Parse(await complete.Content.ReadAsStringAsync())!;
            ((int)complete.StatusCode).ShouldBe(200);
            body["state"]!.GetValue<string>().ShouldBe("completed");
            body["variables"]!["entscheidung"]!.GetValue<string>().ShouldBe("genehmigt");
        }
        var history = (await s.GetJsonAsync($"api/process-instances/{id}/history")).AsArray();
        history.Select(h => h!["elementId"]!.GetValue<string>()).ShouldBe(["Start", "Pruefen", "Ende"]);
        history[1]!["elementType"]!.GetValue<string>().ShouldBe("userTask");
        history.ShouldAllBe(h => h!["endedAt"] != null && h["startedAt"] != null);
    }

    [Fact]
    public async Task History_ShowsActiveElementsWithoutEnd()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag");
        var history = (await s.GetJsonAsync($"api/process-instances/{id}/history")).AsArray();
        var active = history.Single(h => h!["elementId"]!.GetValue<string>() == "Pruefen")!;
        active["endedAt"].ShouldBeNull();
        active["elementType"]!.GetValue<string>().ShouldBe("userTask");
    }

    [Fact]
    public async Task CompleteTwice_SecondIs409_UnknownTaskIs404()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag");
        var taskId = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
        using (var first = await s.CompleteAsync(taskId))
            ((int)first.StatusCode).ShouldBe(200);
        using (var second = await s.CompleteAsync(taskId))
            (await TestServer.ShouldBeProblemAsync(second, 409))["detail"]!.GetValue<string>().ShouldContain("nicht mehr offen");
        using (var unknown = await s.CompleteAsync($"{id}.u999"))
            await TestServer.ShouldBeProblemAsync(unknown, 404);
        using (var garbage = await s.CompleteAsync("garbage"))
            await TestServer.ShouldBeProblemAsync(garbage, 404);
    }

    [Fact]
    public async Task FiftyConcurrentCompletions_ExactlyOneSucceeds_OthersGet409()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag");
        var taskId = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
        await s.PersonAsync();
        using var gate = new SemaphoreSlim(0);
        var calls = Enumerable.Range(0, 50).Select(async n =>
        {
            await gate.WaitAsync();
            using var response = await s.CompleteAsync(taskId, new { von = n });
            if ((int)response.StatusCode != 200) await TestServer.ShouldBeProblemAsync(response, 409);
            return (int)response.StatusCode;
        }).ToList();
        gate.Release(50);
        var codes = await Task.WhenAll(calls);
        codes.Count(c => c == 200).ShouldBe(1);
        codes.Count(c => c == 409).ShouldBe(49);
        var instance = await s.InstanceAsync(id);
        instance["state"]!.GetValue<string>().ShouldBe("completed");
        (await s.GetJsonAsync($"api/process-instances/{id}/history")).AsArray()
            .Count(h => h!["elementId"]!.GetValue<string>() == "Pruefen").ShouldBe(1);
    }

    [Fact]
    public async Task Cancel_TerminatesAndSecondCancelIs409()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag");
        using (var cancel = await s.SendAsync(HttpMethod.Delete, $"api/process-instances/{id}"))
            ((int)cancel.StatusCode).ShouldBe(200);
        (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("terminated");
        (await s.GroupTasksAsync()).ShouldBeEmpty();
        using var again = await s.SendAsync(HttpMethod.Delete, $"api/process-instances/{id}");
        await TestServer.ShouldBeProblemAsync(again, 409);
    }

    [Fact]
    public async Task MessageAndSignal_MoveTheInstanceOn()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("nachweis.bpmn");
        var id = await s.StartProcessAsync("Nachweis", new { businessKey = "N-7" });
        using (var wrongKey = await s.SendAsync(HttpMethod.Post, "api/messages", new { name = "NachweisEingegangen", correlationKey = "N-8" }))
            await TestServer.ShouldBeProblemAsync(wrongKey, 404);
        using (var message = await s.SendAsync(HttpMethod.Post, "api/messages", new { name = "NachweisEingegangen", correlationKey = "N-7", variables = new { nachweis = "Meldebescheinigung" } }))
        {
            ((int)message.StatusCode).ShouldBe(200);
            JsonNode.Parse(await message.Content.ReadAsStringAsync())!["correlated"]!.GetValue<int>().ShouldBe(1);
        }
        (await s.InstanceAsync(id))["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Frist"]);
        using (var signal = await s.SendAsync(HttpMethod.Post, "api/signals", new { name = "FristAbgelaufen" }))
            JsonNode.Parse(await signal.Content.ReadAsStringAsync())!["received"]!.GetValue<int>().ShouldBe(1);
        var done = await s.InstanceAsync(id);
        done["state"]!.GetValue<string>().ShouldBe("completed");
        done["variables"]!["nachweis"]!.GetValue<string>().ShouldBe("Meldebescheinigung");
        using var noName = await s.SendAsync(HttpMethod.Post, "api/messages", new { correlationKey = "x" });
        (await TestServer.ShouldBeProblemAsync(noName, 400))["expected"].ShouldNotBeNull();
        using var noSignal = await s.SendAsync(HttpMethod.Post, "api/signals", new { });
        await TestServer.ShouldBeProblemAsync(noSignal, 400);
    }

    [Fact]
    public async Task Incident_IsListed_AndRetryRunsTheElementAgain()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("skript.bpmn");
        var id = await s.StartProcessAsync("Skript");
        (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("incident");
        var incidents = (await s.GetJsonAsync("api/incidents")).AsArray();
        incidents.Count.ShouldBe(1);
        incidents[0]!["elementId"]!.GetValue<string>().ShouldBe("Rechnen");
        incidents[0]!["processId"]!.GetValue<string>().ShouldBe("Skript");
        var incidentId = incidents[0]!["id"]!.GetValue<string>();

        // still failing: a new incident; after setting the variable through a new instance path we only check the retry ran
        using (var retry = await s.SendAsync(HttpMethod.Post, $"api/incidents/{incidentId}/retry"))
            ((int)retry.StatusCode).ShouldBe(200);
        (await s.GetJsonAsync("api/incidents")).AsArray().Single()!["id"]!.GetValue<string>().ShouldNotBe(incidentId);
        using var again = await s.SendAsync(HttpMethod.Post, $"api/incidents/{incidentId}/retry");
        await TestServer.ShouldBeProblemAsync(again, 409); // resolved already: like a task completed twice
        using var unknown = await s.SendAsync(HttpMethod.Post, $"api/incidents/{id}.i999/retry");
        await TestServer.ShouldBeProblemAsync(unknown, 404);
    }

    [Fact]
    public async Task Tenants_SeeNothingOfEachOther()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn", tenant: "06412000");
        var id = await s.StartProcessAsync("Antrag", tenant: "06412000");

        // the default tenant and another municipality do not see the definition, the instance or its task
        (await s.GetJsonAsync("api/process-definitions")).AsArray().ShouldBeEmpty();
        (await s.GetJsonAsync("api/process-definitions", "06411000")).AsArray().ShouldBeEmpty();
        using (var start = await s.SendAsync(HttpMethod.Post, "api/process-definitions/Antrag/start", new { }, "06411000"))
            await TestServer.ShouldBeProblemAsync(start, 404);
        using (var get = await s.SendAsync(HttpMethod.Get, $"api/process-instances/{id}", null, "06411000"))
            await TestServer.ShouldBeProblemAsync(get, 404);
        (await s.GroupTasksAsync("06411000")).ShouldBeEmpty();
        var taskId = (await s.GroupTasksAsync("06412000"))[0]!["id"]!.GetValue<string>();
        using (var complete = await s.CompleteAsync(taskId, tenant: "06411000"))
            await TestServer.ShouldBeProblemAsync(complete, 404);
        var other = await s.PersonAsync("otto", tenant: "06411000"); // a clerk of the same group name in another municipality
        (await TestServer.GetJsonAsAsync(other, "api/tasks?view=group"))["items"]!.AsArray().ShouldBeEmpty();
        using (var foreign = await TestServer.SendAsAsync(other, HttpMethod.Get, $"api/tasks/{taskId}"))
            await TestServer.ShouldBeProblemAsync(foreign, 404);
        using (var forbidden = await TestServer.SendAsAsync(other, HttpMethod.Get, "api/tasks", null, "06412000"))
            ((int)forbidden.StatusCode).ShouldBeOneOf(403, 404);
        using (var cancel = await s.SendAsync(HttpMethod.Delete, $"api/process-instances/{id}", null, "06411000"))
            await TestServer.ShouldBeProblemAsync(cancel, 404);
        (await s.InstanceAsync(id, "06412000"))["state"]!.GetValue<string>().ShouldBe("running");

        using var bad = await s.SendAsync(HttpMethod.Get, "api/tasks", null, "not a tenant!");
        await TestServer.ShouldBeProblemAsync(bad, 400);
    }
}
