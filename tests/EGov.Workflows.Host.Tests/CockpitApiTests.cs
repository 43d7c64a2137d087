using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests;

/// <summary>The operators' cockpit API (issue 11 items 7–8): list, activity, changes with a reason, batches, permissions.</summary>
public sealed class CockpitApiTests
{
    public static TheoryData<string> Stores => new() { "memory", "sqlite:{dir}/egov.db" };

    private static async Task<JsonNode> WaitForBatchAsync(TestServer s, string id)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var batch = await s.GetJsonAsync($"api/batches/{id}");
            if (batch["status"]!.GetValue<string>() != "running" || DateTime.UtcNow > until) return batch;
            await Task.Delay(100);
        }
    }

    private static async Task<JsonNode> AcceptedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(202, text);
        return JsonNode.Parse(text)!;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task List_FiltersByProcessVersionStateBusinessKeyAndIncident_PagedOnTheServer(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("antrag.bpmn");
        await s.DeployAsync("skript.bpmn");
        var antraege = new List<string>();
        for (var n = 0; n < 5; n++) antraege.Add(await s.StartProcessAsync("Antrag", new { businessKey = $"AZ-2026-{n}" }));
        var kaputt = await s.StartProcessAsync("Skript", new { businessKey = "SK-1" });
        using (var cancel = await s.SendAsync(HttpMethod.Post, $"api/process-instances/{antraege[0]}/cancel", new { reason = "Doppelt angelegt" }))
            cancel.StatusCode.ShouldBe(HttpStatusCode.OK);

        // The in-memory store moves ended trees into its compact archive, which it does not list; a durable store lists every case.
        var durable = store != "memory";
        var all = await s.GetJsonAsync("api/process-instances?limit=2");
        all["total"]!.GetValue<long>().ShouldBe(durable ? 6 : 5);
        all["items"]!.AsArray().Count.ShouldBe(2);
        all["items"]![0]!["id"]!.GetValue<string>().ShouldBe(kaputt); // newest first

        (await s.GetJsonAsync("api/process-instances?processId=Antrag&version=1&state=running"))["total"]!.GetValue<long>().ShouldBe(4);
        if (durable) (await s.GetJsonAsync("api/process-instances?state=terminated"))["items"]![0]!["id"]!.GetValue<string>().ShouldBe(antraege[0]);
        var byKey = await s.GetJsonAsync("api/process-instances?businessKey=AZ-2026-3");
        byKey["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ShouldBe([antraege[3]]);
        (await s.GetJsonAsync("api/process-instances?businessKey=AZ-2026"))["total"]!.GetValue<long>().ShouldBe(durable ? 5 : 4);
        (await s.GetJsonAsync("api/process-instances?businessKey=AZ%25"))["total"]!.GetValue<long>().ShouldBe(0); // no wildcards from the user

        var withIncident = await s.GetJsonAsync("api/process-instances?withIncident=true");
        withIncident["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ShouldBe([kaputt]);
        withIncident["items"]![0]!["openIncidents"]!.GetValue<int>().ShouldBe(1);
        (await s.GetJsonAsync("api/process-instances?state=incident"))["total"]!.GetValue<long>().ShouldBe(1);
        (await s.GetJsonAsync("api/process-instances?withIncident=false"))["total"]!.GetValue<long>().ShouldBe(durable ? 5 : 4);
        (await s.GetJsonAsync("api/process-instances?startedFrom=2000-01-01&startedTo=2001-01-01"))["total"]!.GetValue<long>().ShouldBe(0);
        (await s.GetJsonAsync($"api/process-instances?startedFrom=2000-01-01&startedTo={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}"))["total"]!.GetValue<long>().ShouldBe(durable ? 6 : 5);

        using (var bad = await s.SendAsync(HttpMethod.Get, "api/process-instances?state=kaputt")) await TestServer.ShouldBeProblemAsync(bad, 400);
        using (var bad = await s.SendAsync(HttpMethod.Get, "api/process-instances?startedFrom=gestern")) await TestServer.ShouldBeProblemAsync(bad, 400);
        using (var bad = await s.SendAsync(HttpMethod.Get, "api/process-instances?limit=501")) await TestServer.ShouldBeProblemAsync(bad, 400);
    }

    [Fact]
    public async Task Variables_NeedAReason_AndTheReasonIsRecordedInHistoryAndJournal_ThenRetryCompletesTheCase()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("skript.bpmn");
        var id = await s.StartProcessAsync("Skript", new { businessKey = "SK-1" });
        var instance = await s.InstanceAsync(id);
        instance["state"]!.GetValue<string>().ShouldBe("incident");

        using (var noReason = await s.SendAsync(HttpMethod.Put, $"api/process-instances/{id}/variables", new { variables = new { betrag = 21 } }))
            (await TestServer.ShouldBeProblemAsync(noReason, 400))["detail"]!.GetValue<string>().ShouldContain("reason");
        (await s.InstanceAsync(id))["variables"]!.AsObject().ContainsKey("betrag").ShouldBeFalse(); // nothing half-written

        using (var set = await s.SendAsync(HttpMethod.Put, $"api/process-instances/{id}/variables", new { variables = new { betrag = 21 }, reason = "Betrag aus dem Antrag nachgetragen" }))
            set.StatusCode.ShouldBe(HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        var history = await s.GetJsonAsync($"api/process-instances/{id}/history/variables");
        history.AsArray().ShouldContain(h => h!["name"]!.GetValue<string>() == "betrag" && h["command"]!.GetValue<string>() == "SetVariables: Betrag aus dem Antrag nachgetragen");

        var activity = await s.GetJsonAsync($"api/process-instances/{id}/activity");
        activity["state"]!.GetValue<string>().ShouldBe("incident");
        activity["tokens"]!.AsArray().ShouldContain(t => t!["elementId"]!.GetValue<string>() == "Rechnen" && t["incidents"]!.GetValue<int>() == 1);
        activity["taken"]!.AsArray().Select(t => t!["elementId"]!.GetValue<string>()).ShouldContain("Start");

        var incidentId = instance["incidents"]![0]!["id"]!.GetValue<string>();
        using (var retry = await s.SendAsync(HttpMethod.Post, $"api/incidents/{incidentId}/retry"))
            retry.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await s.WaitForStateAsync(id, "completed"))["variables"]!["summe"]!.GetValue<int>().ShouldBe(42);

        var journal = (await s.GetJsonAsync($"api/process-instances/{id}/operator-actions"))["items"]!.AsArray();
        journal.Select(a => a!["action"]!.GetValue<string>()).ShouldBe(["setVariables", "retry"]);
        journal[0]!["reason"]!.GetValue<string>().ShouldBe("Betrag aus dem Antrag nachgetragen");
        journal[0]!["detail"]!.GetValue<string>().ShouldBe("betrag"); // the names, never the values
        journal[1]!["detail"]!.GetValue<string>().ShouldBe("Rechnen");
    }

    [Fact]
    public async Task Activity_NamesTheSequenceFlowsTheHistoryRecorded_NotFlowsInferredFromTheElements()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db", configure: o => o with { Create = true });
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag");
        var waiting = await s.GetJsonAsync($"api/process-instances/{id}/activity");
        waiting["flows"]!.AsArray().Select(f => f!["elementId"]!.GetValue<string>()).ShouldBe(["f1"]); // the waiting token arrived by f1
        var erika = await s.PersonAsync();
        var task = (await s.GroupTasksAsync(query: $"processInstanceId={id}"))[0]!["id"]!.GetValue<string>();
        (await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{task}/claim", new { })).EnsureSuccessStatusCode();
        (await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{task}/complete", new { variables = new { } })).EnsureSuccessStatusCode();
        var ended = await s.GetJsonAsync($"api/process-instances/{id}/activity");
        ended["flows"]!.AsArray().Select(f => f!["elementId"]!.GetValue<string>()).ShouldBe(["f1", "f2"]);
    }

    [Fact]
    public async Task Cancel_NeedsAReason_AndAnEndedCaseIs409()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag", new { businessKey = "A-1" });
        using (var none = await s.SendAsync(HttpMethod.Post, $"api/process-instances/{id}/cancel", new { reason = "  " })) await TestServer.ShouldBeProblemAsync(none, 400);
        (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("running");
        using (var ok = await s.SendAsync(HttpMethod.Post, $"api/process-instances/{id}/cancel", new { reason = "Antrag zurückgezogen" })) ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("terminated");
        using (var again = await s.SendAsync(HttpMethod.Post, $"api/process-instances/{id}/cancel", new { reason = "nochmal" })) await TestServer.ShouldBeProblemAsync(again, 409);
        using (var vars = await s.SendAsync(HttpMethod.Put, $"api/process-instances/{id}/variables", new { variables = new { x = 1 }, reason = "zu spät" })) await TestServer.ShouldBeProblemAsync(vars, 409);
        (await s.GetJsonAsync($"api/process-instances/{id}/operator-actions"))["items"]![0]!["reason"]!.GetValue<string>().ShouldBe("Antrag zurückgezogen");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task BatchRetry_OnTheFilteredSet_RunsInTheBackground_WithAReport(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("skript.bpmn");
        await s.DeployAsync("antrag.bpmn");
        var broken = new List<string>();
        for (var n = 0; n < 3; n++) broken.Add(await s.StartProcessAsync("Skript", new { businessKey = $"SK-{n}" }));
        var fine = await s.StartProcessAsync("Antrag", new { businessKey = "A-1" });

        // Fix the cause on all three in one batch, then retry them in another.
        var set = await AcceptedAsync(await s.SendAsync(HttpMethod.Post, "api/batches/set-variables",
            new { filter = new { processId = "Skript", withIncident = true }, variables = new { betrag = 5 }, reason = "Betrag fehlte" }));
        set["total"]!.GetValue<int>().ShouldBe(3);
        (await WaitForBatchAsync(s, set["id"]!.GetValue<string>()))["succeeded"]!.GetValue<int>().ShouldBe(3);

        using (var noReason = await s.SendAsync(HttpMethod.Post, "api/batches/retry", new { filter = new { withIncident = true } }))
            (await TestServer.ShouldBeProblemAsync(noReason, 400))["detail"]!.GetValue<string>().ShouldContain("Begründung ist erforderlich");
        var retry = await AcceptedAsync(await s.SendAsync(HttpMethod.Post, "api/batches/retry", new { filter = new { withIncident = true }, reason = "Betrag nachgetragen" }));
        var done = await WaitForBatchAsync(s, retry["id"]!.GetValue<string>());
        done["status"]!.GetValue<string>().ShouldBe("completed");
        done["succeeded"]!.GetValue<int>().ShouldBe(3);
        done["pending"]!.GetValue<int>().ShouldBe(0);
        foreach (var id in broken) (await s.WaitForStateAsync(id, "completed"))["state"]!.GetValue<string>().ShouldBe("completed");
        (await s.InstanceAsync(fine))["state"]!.GetValue<string>().ShouldBe("running");

        var report = await s.GetJsonAsync($"api/batches/{retry["id"]}/items");
        report["items"]!.AsArray().Select(i => i!["instanceId"]!.GetValue<string>()).Order().ShouldBe(broken.Order());
        report["items"]!.AsArray().ShouldAllBe(i => i!["status"]!.GetValue<string>() == "succeeded");
        (await s.GetJsonAsync("api/batches"))["total"]!.GetValue<long>().ShouldBe(2);

        // A second retry of the same cases finds nothing to do and says so.
        var again = await AcceptedAsync(await s.SendAsync(HttpMethod.Post, "api/batches/retry", new { instanceIds = broken, reason = "Nochmal" }));
        (await WaitForBatchAsync(s, again["id"]!.GetValue<string>()))["skipped"]!.GetValue<int>().ShouldBe(3);
        var journal = (await s.GetJsonAsync($"api/process-instances/{broken[0]}/operator-actions"))["items"]!.AsArray();
        journal.Select(a => a!["action"]!.GetValue<string>()).ShouldBe(["setVariables", "retry"]);
        journal[1]!["reason"]!.GetValue<string>().ShouldBe("Betrag nachgetragen");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task BatchCancel_ACaseWithItsOwnReason_HasItInItsJournal_TheOthersTheBatchs(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("antrag.bpmn");
        var ids = new List<string>();
        for (var n = 0; n < 3; n++) ids.Add(await s.StartProcessAsync("Antrag", new { businessKey = $"R-{n}" }));
        var reasons = new Dictionary<string, string> { [ids[0]] = "Antrag zurückgenommen (Schreiben vom 1.12.)", [ids[1]] = "Doppelt eingegangen" };

        // Without the batch's reason every case needs its own; a reason for a case outside the selection, or an empty one, is refused.
        using (var missing = await s.SendAsync(HttpMethod.Post, "api/batches/cancel", new { instanceIds = ids, reasons }))
            (await TestServer.ShouldBeProblemAsync(missing, 400))["detail"]!.GetValue<string>().ShouldContain(ids[2]);
        using (var stranger = await s.SendAsync(HttpMethod.Post, "api/batches/cancel", new { instanceIds = ids.Take(1), reason = "x", reasons }))
            (await TestServer.ShouldBeProblemAsync(stranger, 400))["detail"]!.GetValue<string>().ShouldContain("nicht zur Auswahl");
        using (var empty = await s.SendAsync(HttpMethod.Post, "api/batches/cancel", new { instanceIds = ids, reason = "x", reasons = new Dictionary<string, string> { [ids[0]] = " " } }))
            (await TestServer.ShouldBeProblemAsync(empty, 400))["detail"]!.GetValue<string>().ShouldContain("ist leer");
        using (var byFilter = await s.SendAsync(HttpMethod.Post, "api/batches/cancel", new { filter = new { processId = "Antrag" }, reasons }))
            await TestServer.ShouldBeProblemAsync(byFilter, 400);
        (await s.GetJsonAsync("api/batches"))["total"]!.GetValue<long>().ShouldBe(0);

        var batch = await AcceptedAsync(await s.SendAsync(HttpMethod.Post, "api/batches/cancel", new { instanceIds = ids, reason = "Bereinigung", reasons }));
        (await WaitForBatchAsync(s, batch["id"]!.GetValue<string>()))["succeeded"]!.GetValue<int>().ShouldBe(3);
        async Task<string> ReasonOf(string id) =>
            (await s.GetJsonAsync($"api/process-instances/{id}/operator-actions"))["items"]![0]!["reason"]!.GetValue<string>();
        (await ReasonOf(ids[0])).ShouldBe("Antrag zurückgenommen (Schreiben vom 1.12.)");
        (await ReasonOf(ids[1])).ShouldBe("Doppelt eingegangen");
        (await ReasonOf(ids[2])).ShouldBe("Bereinigung");
        var report = (await s.GetJsonAsync($"api/batches/{batch["id"]}/items"))["items"]!.AsArray();
        report.Select(i => i!["reason"]?.GetValue<string>()).ShouldBe(["Antrag zurückgenommen (Schreiben vom 1.12.)", "Doppelt eingegangen", null]);

        // Every case with its own reason: the batch's may be left out.
        var more = new List<string> { await s.StartProcessAsync("Antrag", new { businessKey = "R-9" }) };
        await AcceptedAsync(await s.SendAsync(HttpMethod.Post, "api/batches/cancel",
            new { instanceIds = more, reasons = new Dictionary<string, string> { [more[0]] = "Verzicht" } }));
    }

    [Fact]
    public async Task BatchCancel_NeedsAReason_AndCancelsTheSelection()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var ids = new List<string>();
        for (var n = 0; n < 4; n++) ids.Add(await s.StartProcessAsync("Antrag", new { businessKey = $"B-{n}" }));
        using (var none = await s.SendAsync(HttpMethod.Post, "api/batches/cancel", new { instanceIds = ids })) await TestServer.ShouldBeProblemAsync(none, 400);
        using (var nothing = await s.SendAsync(HttpMethod.Post, "api/batches/cancel", new { filter = new { businessKey = "GIBTSNICHT" }, reason = "x" }))
            await TestServer.ShouldBeProblemAsync(nothing, 400);
        var batch = await AcceptedAsync(await s.SendAsync(HttpMethod.Post, "api/batches/cancel", new { instanceIds = ids.Take(2), reason = "Testfälle" }));
        (await WaitForBatchAsync(s, batch["id"]!.GetValue<string>()))["succeeded"]!.GetValue<int>().ShouldBe(2);
        (await s.InstanceAsync(ids[0]))["state"]!.GetValue<string>().ShouldBe("terminated");
        (await s.InstanceAsync(ids[2]))["state"]!.GetValue<string>().ShouldBe("running");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task CaseHistory_OfMoreThan500Rows_IsPagedOnTheServer_EveryRowOnce_WithTheTotal(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("lange-historie.bpmn");
        var id = await s.StartProcessAsync("LangeHistorie");

        // Start, 600 inner instances and the body ended; Bereit active (listed last).
        const int total = 1 + 600 + 1 + 1;
        var seen = new List<JsonNode>();
        for (var offset = 0; ; offset += 200)
        {
            using var response = await s.SendAsync(HttpMethod.Get, $"api/process-instances/{id}/history?offset={offset}&limit=200");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Headers.GetValues("X-Total-Count").ShouldHaveSingleItem().ShouldBe(total.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
            if (page.Count == 0) break;
            page.Count.ShouldBeLessThanOrEqualTo(200);
            seen.AddRange(page.Select(x => x!));
        }
        seen.Count.ShouldBe(total);
        seen.Count(x => x!["elementId"]!.GetValue<string>() == "Vermerken").ShouldBe(600);
        seen[^1]!["elementId"]!.GetValue<string>().ShouldBe("Bereit");
        seen[^1]!["endedAt"].ShouldBeNull();
        seen.Take(total - 1).ShouldAllBe(x => x!["endedAt"] != null);

        // One page past the end is empty (not an error); a limit above 500 is refused.
        using (var past = await s.SendAsync(HttpMethod.Get, $"api/process-instances/{id}/history?offset={total}&limit=50"))
            JsonNode.Parse(await past.Content.ReadAsStringAsync())!.AsArray().ShouldBeEmpty();
        using (var tooMany = await s.SendAsync(HttpMethod.Get, $"api/process-instances/{id}/history?limit=501"))
            await TestServer.ShouldBeProblemAsync(tooMany, 400);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task BatchMigrate_APlanThatDoesNotValidate_MigratesNothing_AndCreatesNoBatch(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("antrag.bpmn");
        var ids = new List<string>();
        for (var n = 0; n < 3; n++) ids.Add(await s.StartProcessAsync("Antrag", new { businessKey = $"M-{n}" }));
        await s.DeployAsync("antrag-v2.bpmn");

        // Pruefen does not exist in v2 and is not mapped: refused as a whole.
        using (var bad = await s.SendAsync(HttpMethod.Post, "api/batches/migrate", new { plan = new { processId = "Antrag", fromVersion = 1, toVersion = 2, mapping = new { } } }))
        {
            var problem = await TestServer.ShouldBeProblemAsync(bad, 422);
            problem["errors"]!.AsArray().ShouldContain(e => e!.GetValue<string>().Contains("'Pruefen'"));
        }
        using (var kind = await s.SendAsync(HttpMethod.Post, "api/batches/migrate",
                   new { instanceIds = ids, plan = new { processId = "Antrag", fromVersion = 1, toVersion = 2, mapping = new Dictionary<string, string> { ["Pruefen"] = "Ende" } } }))
            await TestServer.ShouldBeProblemAsync(kind, 422);
        (await s.GetJsonAsync("api/batches"))["total"]!.GetValue<long>().ShouldBe(0);
        foreach (var id in ids) (await s.InstanceAsync(id))["version"]!.GetValue<int>().ShouldBe(1);

        var batch = await AcceptedAsync(await s.SendAsync(HttpMethod.Post, "api/batches/migrate",
            new { plan = new { processId = "Antrag", fromVersion = 1, toVersion = 2, mapping = new Dictionary<string, string> { ["Pruefen"] = "Vorpruefen" } }, reason = "Neue Vorprüfung" }));
        var done = await WaitForBatchAsync(s, batch["id"]!.GetValue<string>());
        done["succeeded"]!.GetValue<int>().ShouldBe(3, done.ToJsonString());
        foreach (var id in ids)
        {
            var instance = await s.InstanceAsync(id);
            instance["version"]!.GetValue<int>().ShouldBe(2);
            instance["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Vorpruefen"]);
        }
        var journal = (await s.GetJsonAsync($"api/process-instances/{ids[0]}/operator-actions"))["items"]![0]!;
        journal["action"]!.GetValue<string>().ShouldBe("migrate");
        journal["detail"]!.GetValue<string>().ShouldBe("Antrag Version 1 → 2");
    }

    private static readonly (string Method, string Pattern, Permission Permission)[] CockpitRoutes =
    [
        ("GET", "/api/process-instances", Permission.InstanceRead),
        ("GET", "/api/process-instances/{id}/activity", Permission.InstanceRead),
        ("PUT", "/api/process-instances/{id}/variables", Permission.InstanceOperate),
        ("POST", "/api/process-instances/{id}/cancel", Permission.InstanceOperate),
        ("GET", "/api/process-instances/{id}/operator-actions", Permission.HistoryRead),
        ("POST", "/api/batches/retry", Permission.IncidentOperate),
        ("POST", "/api/batches/cancel", Permission.InstanceOperate),
        ("POST", "/api/batches/set-variables", Permission.InstanceOperate),
        ("POST", "/api/batches/migrate", Permission.Migrate),
        ("GET", "/api/batches", Permission.InstanceRead),
        ("GET", "/api/batches/{id}", Permission.InstanceRead),
        ("GET", "/api/batches/{id}/items", Permission.InstanceRead),
        ("POST", "/api/batches/{id}/cancel", Permission.InstanceOperate),
    ];

    [Fact]
    public async Task EveryCockpitRoute_StatesThePermissionTheSameActionNeedsElsewhere_AndIsInTheOpenApiDocument()
    {
        await using var s = await TestServer.StartAsync();
        var endpoints = s.Server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var openApi = await s.GetJsonAsync("openapi/v1.json");
        foreach (var (method, pattern, permission) in CockpitRoutes)
        {
            var e = endpoints.SingleOrDefault(x => "/" + x.RoutePattern.RawText!.TrimStart('/') == pattern
                                                   && (x.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(method) ?? false));
            e.ShouldNotBeNull($"{method} {pattern} is not mapped");
            e.Metadata.GetMetadata<EndpointPermission>()!.Permission.ShouldBe(permission, $"{method} {pattern}");
            openApi["paths"]![pattern]?[method.ToLowerInvariant()].ShouldNotBeNull($"{method} {pattern} is not in /openapi/v1.json");
        }
    }

    [Fact]
    public async Task PermissionMatrix_OfTheCockpitRoutes_OperatorPasses_AuditorReadsOnly_ClerkAndOthersAreRefused()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag", new { businessKey = "P-1" });
        var wrong = new List<string>();
        using var http = new HttpClient { BaseAddress = s.BaseAddress };
        foreach (var role in Identities.AllRoles)
        {
            var token = await s.Identities.ClientTokenAsync($"cockpit-{role}", [role], topics: ["*"]);
            foreach (var (method, pattern, permission) in CockpitRoutes)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), pattern.Replace("{id}", id, StringComparison.Ordinal).TrimStart('/'));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                if (method is "POST" or "PUT") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                using var response = await http.SendAsync(request);
                var allowed = RolePermissions.Table[role].Contains(permission);
                var status = (int)response.StatusCode;
                if (allowed && status is 401 or 403) wrong.Add($"{method} {pattern} as {role}: {status}, but {role} holds {permission}");
                if (!allowed && status != 403) wrong.Add($"{method} {pattern} as {role}: {status}, expected 403");
            }
        }
        wrong.ShouldBeEmpty();
        RolePermissions.Table[Caller.Operator].ShouldContain(Permission.Migrate);
        RolePermissions.Table[Caller.Auditor].ShouldNotContain(Permission.InstanceOperate);
        RolePermissions.Table[Caller.Clerk].ShouldNotContain(Permission.InstanceRead);
        // Nothing of the case changed through the refused and the dummy requests.
        (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("running");
    }
}
