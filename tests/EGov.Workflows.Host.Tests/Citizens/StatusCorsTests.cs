using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Citizens.Status;
using EGov.Workflows.Identity.Citizens;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// CORS for the web component on a municipality's portal: only configured origins (for the installation or the tenant)
/// get the grant for <c>POST /api/status/{az}</c> and the component's script, the preflight is answered, credentials are
/// never allowed, and without configuration every other origin is refused (deny by default).
/// </summary>
public sealed class StatusCorsTests
{
    private const string Portal = "https://portal.musterstadt.example";
    private const string TenantPortal = "https://service.kreis.example:8443";
    private const string Stranger = "https://boese.example";

    private static Task<TestServer> StartAsync(Dictionary<string, string?>? settings) =>
        TestServer.StartAsync(configure: o => settings is null ? o : o with { Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build() });

    private static readonly Dictionary<string, string?> Configured = new()
    {
        ["Citizens:StatusOrigins:0"] = Portal,
        ["Tenants:default:Citizens:StatusOrigins"] = TenantPortal + "/",
    };

    private static async Task<(string Az, string Code)> CitizenCaseAsync(TestServer server)
    {
        await server.DeployAsync("citizen-status.bpmn");
        var id = Guid.NewGuid().ToString("N");
        var az = "B-2026-CORS-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();
        await server.Server.App.Services.GetRequiredService<CitizenCaseStore>().AddAsync("default", "buerger:cors", id, "Process_Buerger_Status", az);
        server.Server.Engines.Get("default").Engine.StartProcessAs(id, "Process_Buerger_Status", new JsonObject { ["buerger"] = new JsonObject { ["id"] = "buerger:cors" } }, az, "buerger:cors");
        return (az, await server.Server.App.Services.GetRequiredService<CitizenAccessCodes>().IssueAsync("default", id, az));
    }

    private static async Task<HttpResponseMessage> PreflightAsync(TestServer server, string origin, string method = "POST")
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/status/B-2026-AAAA-AAAA");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return await server.Anonymous.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PostFromAsync(TestServer server, string origin, string az, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/status/{az}") { Content = JsonContent.Create(new { code }) };
        request.Headers.Add("Origin", origin);
        return await server.Anonymous.SendAsync(request);
    }

    private static string? AllowedOrigin(HttpResponseMessage r) =>
        r.Headers.TryGetValues("Access-Control-Allow-Origin", out var v) ? v.Single() : null;

    [Fact]
    public async Task Preflight_FromAConfiguredOrigin_IsGranted_WithoutCredentials()
    {
        await using var server = await StartAsync(Configured);
        foreach (var origin in new[] { Portal, TenantPortal })
        {
            using var preflight = await PreflightAsync(server, origin);
            preflight.StatusCode.ShouldBe(HttpStatusCode.NoContent, origin);
            AllowedOrigin(preflight).ShouldBe(origin);
            preflight.Headers.GetValues("Access-Control-Allow-Methods").Single().ShouldBe("POST");
            preflight.Headers.GetValues("Access-Control-Allow-Headers").Single().ShouldContain("Content-Type");
            preflight.Headers.Contains("Access-Control-Allow-Credentials").ShouldBeFalse("never with credentials");
        }
        using var put = await PreflightAsync(server, Portal, "PUT");
        put.StatusCode.ShouldBe(HttpStatusCode.Forbidden, "only POST is granted");
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_IsRefused()
    {
        await using var server = await StartAsync(Configured);
        foreach (var origin in new[] { Stranger, "https://portal.musterstadt.example.boese.example", "http://portal.musterstadt.example", "null" })
        {
            using var preflight = await PreflightAsync(server, origin);
            preflight.StatusCode.ShouldBe(HttpStatusCode.Forbidden, origin);
            AllowedOrigin(preflight).ShouldBeNull(origin);
        }
    }

    [Fact]
    public async Task StatusByCode_FromAConfiguredOrigin_CarriesTheGrant_AlsoOnNotFound_AnotherOriginNever()
    {
        await using var server = await StartAsync(Configured);
        var (az, code) = await CitizenCaseAsync(server);
        using var ok = await PostFromAsync(server, Portal, az, code);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync());
        AllowedOrigin(ok).ShouldBe(Portal);
        ok.Headers.Vary.ShouldContain("Origin");
        ok.Headers.Contains("Access-Control-Allow-Credentials").ShouldBeFalse();

        using var wrong = await PostFromAsync(server, TenantPortal, az, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF");
        wrong.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        AllowedOrigin(wrong).ShouldBe(TenantPortal, "the component can tell 'nicht gefunden' from a network error");

        using var stranger = await PostFromAsync(server, Stranger, az, code);
        AllowedOrigin(stranger).ShouldBeNull("a browser on another origin cannot read the status");

        using var script = new HttpRequestMessage(HttpMethod.Get, "/status/egov-status.js");
        script.Headers.Add("Origin", Portal);
        using var js = await server.Anonymous.SendAsync(script);
        js.StatusCode.ShouldBe(HttpStatusCode.OK);
        AllowedOrigin(js).ShouldBe(Portal, "the portal loads the component as a module script");
    }

    [Fact]
    public async Task WithoutConfiguration_EveryOtherOriginIsRefused()
    {
        await using var server = await StartAsync(null);
        var (az, code) = await CitizenCaseAsync(server);
        using var preflight = await PreflightAsync(server, Portal);
        preflight.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        AllowedOrigin(preflight).ShouldBeNull();
        using var post = await PostFromAsync(server, Portal, az, code);
        AllowedOrigin(post).ShouldBeNull();
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://portal.example/pfad")]
    [InlineData("portal.example")]
    [InlineData("ftp://portal.example")]
    public async Task AnEntryThatIsNotAnOrigin_StopsTheStart(string origin)
    {
        var e = await Should.ThrowAsync<ServerStartException>(() => StartAsync(new() { ["Citizens:StatusOrigins"] = origin }));
        e.Message.ShouldContain(StatusCors.Section);
    }
}
