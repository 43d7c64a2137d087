using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using EGov.Workflows.Host.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Every route × role, generated from the server's endpoint list (so a new route is covered the day it is mapped): each
/// endpoint states a permission; without identity every non-public route answers 401; a role that does not hold the
/// permission gets 403; a role that holds it gets past the gate (whatever the endpoint then says about the dummy input).
/// </summary>
public sealed partial class PermissionMatrixTests
{
    private sealed record Route(string Method, string Pattern, string Path, Permission? Permission, string Name, bool IsPage = false);

    private static List<Route> Routes(RunningServer server)
    {
        var routes = new List<Route>();
        foreach (var e in server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (e.RoutePattern.RawText ?? "").TrimStart('/');
            var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var m in methods)
                routes.Add(new Route(m, pattern, Parameter().Replace(pattern, "x1.u1"), e.Metadata.GetMetadata<EndpointPermission>()?.Permission, e.DisplayName ?? pattern,
                    e.Metadata.GetMetadata<PageEndpoint>() is not null));
        }
        return routes;
    }

    [Fact]
    public async Task EveryRoute_StatesAPermission()
    {
        await using var s = await TestServer.StartAsync();
        var routes = Routes(s.Server);
        routes.Count.ShouldBeGreaterThan(40);
        var without = routes.Where(r => r.Permission is null).Select(r => $"{r.Method} {r.Pattern}").ToList();
        without.ShouldBeEmpty("routes without RequirePermission refuse everything; state the permission where the route is mapped");
    }

    [Fact]
    public async Task EveryNonPublicRoute_WithoutIdentity_Answers401_OrSendsAPageIntoSignIn()
    {
        await using var s = await TestServer.StartAsync();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = s.BaseAddress };
        var wrong = new List<string>();
        foreach (var r in Routes(s.Server).Where(r => r.Permission is not (null or Permission.Public)))
        {
            using var response = await SendAsync(http, r, bearer: null);
            var expected = r.Method == "GET" && r.IsPage ? HttpStatusCode.Redirect : HttpStatusCode.Unauthorized;
            if (response.StatusCode != expected) wrong.Add($"{r.Method} {r.Pattern}: {(int)response.StatusCode}, expected {(int)expected}");
        }
        wrong.ShouldBeEmpty();
    }

    [Fact]
    public async Task EveryRoute_TimesEveryRole_RefusesExactlyTheRolesWithoutThePermission()
    {
        await using var s = await TestServer.StartAsync();
        var tokens = new Dictionary<string, string>();
        foreach (var role in Identities.AllRoles)
            tokens[role] = await s.Identities.ClientTokenAsync($"matrix-{role}", [role], topics: ["*"]);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = s.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var wrong = new List<string>();
        var checkedPairs = 0;
        foreach (var r in Routes(s.Server).Where(r => r.Permission is not (null or Permission.Public)))
            foreach (var role in Identities.AllRoles)
            {
                using var response = await SendAsync(http, r, tokens[role]);
                var allowed = RolePermissions.Allows(Caller(role), r.Permission!.Value);
                var status = (int)response.StatusCode;
                if (allowed && status is 401 or 403) wrong.Add($"{r.Method} {r.Pattern} as {role}: {status}, but {role} holds {r.Permission} ({await response.Content.ReadAsStringAsync()})");
                if (!allowed && status != 403) wrong.Add($"{r.Method} {r.Pattern} as {role}: {status}, expected 403 ({role} lacks {r.Permission})");
                checkedPairs++;
            }
        wrong.ShouldBeEmpty();
        checkedPairs.ShouldBeGreaterThan(300);
    }

    [Fact]
    public void RoleTable_GivesEveryPermissionToSomeRole()
    {
        // CitizenSelf belongs to BundID sessions (CallerKind.Citizen), not to a role: see Citizens/CitizenPermissionTests.
        foreach (var p in Enum.GetValues<Permission>().Where(p => p is not (Permission.Public or Permission.SignedIn or Permission.CitizenSelf)))
            RolePermissions.RolesWith(p).ShouldNotBeEmpty($"no role holds {p}");
    }

    private static Caller Caller(string role) => new("x", null, CallerKind.Client, new HashSet<string> { role }, new HashSet<string>(), ["default"]);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Route r, string? bearer)
    {
        using var request = new HttpRequestMessage(new HttpMethod(r.Method), r.Path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (r.Method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        return await http.SendAsync(request);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
