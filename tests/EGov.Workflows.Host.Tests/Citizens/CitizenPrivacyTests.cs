using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// Two citizens, signed in with BundID: every page and sub-page of <c>/buerger/vorgaenge/{id}</c> and every
/// <c>/api/citizen/cases/{id}</c> route — read from the server's routes, so one added later is covered too — answers
/// citizen B with 404 for citizen A's case, for every method it takes, exactly as for an unknown id; A's own case opens.
/// </summary>
public sealed class CitizenPrivacyTests(BundIdEnvironment env) : IClassFixture<BundIdEnvironment>, IAsyncLifetime
{
    private const string Process = "Process_Buerger_Antrag";
    private string _staffToken = "";

    public async Task InitializeAsync()
    {
        if (BundIdFactAttribute.SkipReason is not null) return;
        _staffToken = await new Identities(env.Server).ClientTokenAsync("staff-" + Guid.NewGuid().ToString("N")[..8], Identities.AllRoles, ["*"], ["*"]);
        using var http = new HttpClient { BaseAddress = env.Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _staffToken);
        if ((await http.GetAsync($"/api/process-definitions/{Process}")).IsSuccessStatusCode) return;
        using var form = new MultipartFormDataContent();
        var bpmn = new ByteArrayContent(await File.ReadAllBytesAsync(TestServer.ModelPath("citizen-apply.bpmn")));
        bpmn.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        form.Add(bpmn, "files", "citizen-apply.bpmn");
        var schema = new ByteArrayContent(Encoding.UTF8.GetBytes(CitizenApplyTests.Form));
        schema.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(schema, "files", "buerger-antrag.form");
        using var deployed = await http.PostAsync("/api/deployments", form);
        ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [BundIdFact]
    public async Task EveryCasePageAndSubPage_AnswersAnotherCitizen404_AsForAnUnknownCase()
    {
        var a = await SignInAsync("STORK-QAA-Level-3", "U01");
        var b = await SignInAsync("STORK-QAA-Level-4", "U07"); // a higher level than A: the level is never why B is refused
        using var start = await a.PostAsJsonAsync($"/api/citizen/services/{Process}/start", new { data = new { kennzeichen = "MS-P 1", zone = "A" } });
        var started = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;
        ((int)start.StatusCode).ShouldBe(201, started.ToJsonString());
        var id = started["id"]!.GetValue<string>();
        var az = started["aktenzeichen"]!.GetValue<string>();

        var routes = CaseRoutes();
        foreach (var known in new[] {
            "/buerger/vorgaenge/{id}", "/buerger/vorgaenge/{id}/antwort", "/buerger/vorgaenge/{id}/bezahlen", "/buerger/vorgaenge/{id}/identifizierung",
            "/api/citizen/cases/{id}/status", "/api/citizen/cases/{id}/payment", "/api/citizen/cases/{id}/eid-check" })
            routes.Select(r => r.Pattern).ShouldContain(known, "the routes are read from the server");

        foreach (var (pattern, method) in routes)
        {
            using var foreign = await SendAsync(b, method, pattern.Replace("{id}", id, StringComparison.Ordinal));
            var body = await foreign.Content.ReadAsStringAsync();
            ((int)foreign.StatusCode).ShouldBe(404, $"{method} {pattern} as another citizen: {body}");
            body.ShouldNotContain(az, Case.Sensitive, $"{method} {pattern} names nothing of the case");
            using var unknown = await SendAsync(b, method, pattern.Replace("{id}", Guid.NewGuid().ToString("N"), StringComparison.Ordinal));
            ((int)unknown.StatusCode).ShouldBe(404, $"{method} {pattern} with an unknown id");
        }

        (await b.GetStringAsync("/api/citizen/cases")).ShouldNotContain(id, Case.Sensitive, "B's list never shows A's case");
        // A opens the own case: the refusals above are about the owner, not the route.
        using var own = await a.GetAsync($"/buerger/vorgaenge/{id}");
        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await own.Content.ReadAsStringAsync()).ShouldContain(az);
        using var ownStatus = await a.GetAsync($"/api/citizen/cases/{id}/status");
        ownStatus.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await a.GetStringAsync("/api/citizen/cases")).ShouldContain(id);
    }

    /// <summary>Every route with a case id of the citizen's pages and API, with each method it takes.</summary>
    private List<(string Pattern, string Method)> CaseRoutes()
    {
        var list = new List<(string, string)>();
        foreach (var e in env.Server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = e.RoutePattern.RawText ?? "";
            if (!pattern.StartsWith("/buerger/vorgaenge/{id}", StringComparison.Ordinal) && !pattern.StartsWith("/api/citizen/cases/{id}", StringComparison.Ordinal)) continue;
            foreach (var method in e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get])
                list.Add((pattern, method));
        }
        return list.Distinct().ToList();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method))
        {
            // A form as the pages send it (text and a file) — for a JSON endpoint an empty object.
            request.Content = path.StartsWith("/api/", StringComparison.Ordinal)
                ? JsonContent.Create(new { })
                : new MultipartFormDataContent { { new StringContent("n-0000000000000000"), "aktion" }, { new StringContent("fremd", Encoding.UTF8), "text" } };
        }
        return await client.SendAsync(request);
    }

    private async Task<HttpClient> SignInAsync(string level, string user) =>
        (await env.SignedInCitizenAsync(user, level)).Client;
}
