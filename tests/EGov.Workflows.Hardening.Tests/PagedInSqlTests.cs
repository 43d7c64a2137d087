using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tests;

namespace EGov.Workflows.Hardening.Tests;

/// <summary>
/// (Issue 20, item 5) Lists that used to be read whole before paging — a case's element-instance history, the accounts and
/// clients, the external tasks filtered by worker or lock — are read a page at a time (and counted) in the store: each page
/// is what the whole list has at that place, and <c>X-Total-Count</c> is the whole list's length.
/// </summary>
public sealed class PagedInSqlTests
{
    private static async Task<(JsonArray Items, long Total)> PageAsync(TestServer s, string path, string? tenant = null)
    {
        using var response = await s.SendAsync(HttpMethod.Get, path, tenant: tenant);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, body);
        return (JsonNode.Parse(body)!.AsArray(), long.Parse(response.Headers.GetValues("X-Total-Count").Single(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<List<string>> AllPagesAsync(TestServer s, string path, int limit, string offsetName = "offset", string limitName = "limit")
    {
        var seen = new List<string>();
        for (var offset = 0; ; offset += limit)
        {
            var sep = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var (items, total) = await PageAsync(s, $"{path}{sep}{offsetName}={offset}&{limitName}={limit}");
            seen.AddRange(items.Select(i => i!.ToJsonString()));
            items.Count.ShouldBeLessThanOrEqualTo(limit);
            if (offset + limit >= total) { seen.Count.ShouldBe((int)total, "the pages together are the whole list"); return seen; }
        }
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task ACasesHistory_PagedInTheStore_EndedThenActive_PagesAddUpToTheWholeList(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("paging-zahlung.bpmn");
        var id = await s.StartProcessAsync("Zahlung");

        var (whole, total) = await PageAsync(s, $"api/process-instances/{id}/history");
        total.ShouldBe(whole.Count);
        whole.Count.ShouldBeGreaterThanOrEqualTo(2);
        whole[^1]!["endedAt"].ShouldBeNull("the waiting external task comes last, as active");
        whole[0]!["endedAt"].ShouldNotBeNull();

        (await AllPagesAsync(s, $"api/process-instances/{id}/history", 1)).ShouldBe(whole.Select(i => i!.ToJsonString()));
        var (beyond, beyondTotal) = await PageAsync(s, $"api/process-instances/{id}/history?offset=99&limit=5");
        beyond.ShouldBeEmpty();
        beyondTotal.ShouldBe(total);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task TheExternalTaskList_ByWorkerAndByLock_IsFilteredAndPagedInTheStore(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("paging-zahlung.bpmn");
        for (var n = 0; n < 5; n++) await s.StartProcessAsync("Zahlung", new { businessKey = $"Z-{n}" });
        foreach (var (worker, max) in new[] { ("w1", 3), ("w2", 1) })
        {
            using var fetched = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock", new
            {
                workerId = worker, maxTasks = max, topics = new[] { new { topicName = "gebuehr-einziehen", lockDuration = 600_000 } },
            });
            ((int)fetched.StatusCode).ShouldBe(200, await fetched.Content.ReadAsStringAsync());
        }

        var (w1, w1Total) = await PageAsync(s, "engine-rest/external-task?workerId=w1");
        (w1.Count, w1Total).ShouldBe((3, 3L));
        w1.Select(t => t!["workerId"]!.GetValue<string>()).ShouldAllBe(w => w == "w1");
        var (second, secondTotal) = await PageAsync(s, "engine-rest/external-task?workerId=w1&firstResult=1&maxResults=1");
        (second.Count, secondTotal).ShouldBe((1, 3L));
        second[0]!["id"]!.GetValue<string>().ShouldBe(w1[1]!["id"]!.GetValue<string>());
        (await PageAsync(s, "engine-rest/external-task?locked=true")).Total.ShouldBe(4);
        var (free, freeTotal) = await PageAsync(s, "engine-rest/external-task?locked=false&maxResults=1");
        (free.Count, freeTotal).ShouldBe((1, 1L));
        (await PageAsync(s, "engine-rest/external-task?workerId=w2&locked=false")).Total.ShouldBe(0);
        (await PageAsync(s, "engine-rest/external-task?workerId=niemand")).Total.ShouldBe(0);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task AccountsAndClients_ArePagedInTheStore_WithTheirTotal(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        foreach (var name in new[] { "anna", "bernd", "carla", "dieter" })
            await s.Identities.CreatePersonAsync(name, ["clerk"]);
        foreach (var name in new[] { "kasse-1", "kasse-2", "kasse-3" })
            await s.Identities.CreateClientAsync(name, ["worker"]);

        var (users, usersTotal) = await PageAsync(s, "api/admin/users?limit=500");
        usersTotal.ShouldBe(users.Count);
        (await AllPagesAsync(s, "api/admin/users", 2)).ShouldBe(users.Select(u => u!.ToJsonString()));
        var (page, total) = await PageAsync(s, "api/admin/users?offset=1&limit=2");
        (page.Count, total).ShouldBe((2, usersTotal));

        var (clients, clientsTotal) = await PageAsync(s, "api/admin/clients?limit=500");
        clientsTotal.ShouldBe(clients.Count);
        clients.Select(c => c!["clientId"]!.GetValue<string>()).ShouldContain("kasse-2");
        clients.Select(c => c!["clientId"]!.GetValue<string>()).ShouldNotContain("egov-web");
        (await AllPagesAsync(s, "api/admin/clients", 2)).ShouldBe(clients.Select(c => c!.ToJsonString()));
    }
}
