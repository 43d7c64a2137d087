using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Hardening.Tests;

/// <summary>
/// Every list endpoint is paged with a maximum page size (issue 20, item 5): an unpaged <c>/api/tasks</c> once answered 36 MB.
/// The routes are enumerated from the running server, so a new list endpoint without a bound fails here.
/// </summary>
public sealed class ListBoundsTests
{
    private const int AboveTheMaximum = 501;

    /// <summary>Lists bounded by construction, with the reason.</summary>
    private static readonly Dictionary<string, string> BoundedByConstruction = new(StringComparer.Ordinal)
    {
        ["engine-rest/engine"] = "Camunda's list of process engines: always the one engine",
        ["api/designer/element-templates"] = "one template per activity registered on this node (the packs' declarations), not data that grows with use",
        ["api/designer/{processId}/versions/{version}/forms"] = "the forms of one deployed version, bounded by the tenant's model-size quota",
        ["api/designer/{processId}/versions/{version}/scenarios"] = "the scenarios deployed with one version: at most DraftFiles.MaxFiles (50), each at most 1 MiB",
        ["api/termine/standorte/{id}/oeffnungszeiten"] = "one place's opening hours: at most 70 periods, refused above that when they are set (TerminStore check)",
    };

    [Fact]
    public async Task EveryEndpointDeclaredAsAList_TakesALimit()
    {
        await using var s = await TestServer.StartAsync();
        var lists = GetEndpoints(s).Where(ProducesAList).ToList();
        var unbounded = lists
            .Where(e => !HandlerParameters(e).Any(p => p is "limit" or "maxResults"))
            .Where(e => !BoundedByConstruction.ContainsKey(e.RoutePattern.RawText!.TrimStart('/')))
            .Select(e => e.RoutePattern.RawText)
            .ToList();

        lists.Count.ShouldBeGreaterThan(10, "the routes were found, with their response types");
        unbounded.ShouldBeEmpty("list endpoints without a limit");
    }

    [Fact]
    public async Task EveryListAnsweredWithoutParameters_RefusesALimitAboveTheMaximum()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("frist-kurz.bpmn");
        var lists = new List<string>();
        var unbounded = new List<string>();
        foreach (var e in GetEndpoints(s).Where(e => e.RoutePattern.Parameters.Count == 0))
        {
            var path = e.RoutePattern.RawText!.TrimStart('/');
            if (!path.StartsWith("api/", StringComparison.Ordinal) && !path.StartsWith("engine-rest/", StringComparison.Ordinal)) continue;
            if (BoundedByConstruction.ContainsKey(path)) continue;
            using var response = await s.Http.GetAsync(path);
            if (!response.IsSuccessStatusCode || response.Content.Headers.ContentType?.MediaType != "application/json") continue;
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            if (body is not JsonArray && body?["items"] is not JsonArray) continue;
            lists.Add(path);
            var limit = path.StartsWith("engine-rest/", StringComparison.Ordinal) ? "maxResults" : "limit";
            using var tooMany = await s.Http.GetAsync($"{path}?{limit}={AboveTheMaximum}");
            if ((int)tooMany.StatusCode != 400) unbounded.Add($"{path} ({(int)tooMany.StatusCode} for {limit}={AboveTheMaximum})");
        }

        lists.ShouldContain("api/incidents");
        lists.ShouldContain("api/process-definitions");
        unbounded.ShouldBeEmpty("list endpoints that accept any page size");
    }

    [Fact]
    public async Task ABoundedArray_TellsItsTotal_AndPages()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("frist-kurz.bpmn");
        await s.DeployAsync("schleife.bpmn");

        using var response = await s.Http.GetAsync("api/process-definitions?offset=1&limit=1");

        ((int)response.StatusCode).ShouldBe(200);
        response.Headers.GetValues("X-Total-Count").ShouldBe(["2"]);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task IncidentsAndTheirHistory_ArePagedByTheStore_EachPageIsTheSliceOfTheWholeList(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("skript-fehler.bpmn");
        var ids = new List<string>();
        for (var i = 0; i < 7; i++) ids.Add(await s.StartProcessAsync("Skript"));

        var all = (await s.GetJsonAsync("api/incidents")).AsArray().Select(x => x!["id"]!.GetValue<string>()).ToList();
        using var response = await s.Http.GetAsync("api/incidents?offset=2&limit=3");
        var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray().Select(x => x!["id"]!.GetValue<string>()).ToList();

        all.Count.ShouldBe(7);
        page.ShouldBe(all.Skip(2).Take(3).ToList());
        response.Headers.GetValues("X-Total-Count").ShouldBe(["7"]);
        using var beyond = await s.Http.GetAsync("api/incidents?offset=50&limit=3");
        JsonNode.Parse(await beyond.Content.ReadAsStringAsync())!.AsArray().ShouldBeEmpty();
        beyond.Headers.GetValues("X-Total-Count").ShouldBe(["7"]);

        using var ofOne = await s.Http.GetAsync($"api/incidents?processInstanceId={ids[4]}&limit=1");
        JsonNode.Parse(await ofOne.Content.ReadAsStringAsync())!.AsArray().ShouldHaveSingleItem()!["rootInstanceId"]!.GetValue<string>().ShouldBe(ids[4]);
        ofOne.Headers.GetValues("X-Total-Count").ShouldBe(["1"]);

        using var history = await s.Http.GetAsync($"api/process-instances/{ids[0]}/history/incidents?offset=0&limit=1");
        JsonNode.Parse(await history.Content.ReadAsStringAsync())!.AsArray().ShouldHaveSingleItem()!["event"]!.GetValue<string>().ShouldBe("created");
        history.Headers.GetValues("X-Total-Count").ShouldBe(["1"]);
    }

    private static List<RouteEndpoint> GetEndpoints(TestServer s) =>
        s.Server.App.Services.GetServices<EndpointDataSource>().SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .ToList();

    private static bool ProducesAList(RouteEndpoint e) =>
        e.Metadata.OfType<IProducesResponseTypeMetadata>().Where(p => p.StatusCode == StatusCodes.Status200OK).Any(p =>
            p.Type is { } t && t != typeof(string) && (typeof(IEnumerable).IsAssignableFrom(t) || (t.IsGenericType && t.Name.StartsWith("Page", StringComparison.Ordinal))));

    private static IEnumerable<string?> HandlerParameters(RouteEndpoint e) =>
        e.Metadata.OfType<MethodInfo>().SelectMany(m => m.GetParameters()).Select(p => p.Name);
}
