using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Interoperability with an OpenID Connect provider that is not ours: panva's certified <c>oidc-provider</c>
/// (tests/oidc-provider-double), started on loopback, shaped like Keycloak (roles in realm_access.roles, groups with a
/// leading "/"). The server signs a person in through the code flow there, and accepts the provider's JWT access tokens.
/// </summary>
public sealed partial class ExternalProviderTests
{
    private const string WebSecret = "s3cret-s3cret-s3cret-s3cret-123", MachineSecret = "other-secret-other-secret-12345";

    [OidcDoubleFact]
    public async Task CodeFlow_AtTheExternalProvider_SignsAPersonIn_WithMappedRolesGroupsAndTenant_AndSignOutEndsTheSession()
    {
        await using var env = await StartAsync();
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = true }) { BaseAddress = env.Server.BaseAddress };

        using var login = await http.GetAsync("/signin?returnUrl=%2Fapi%2Fme");
        var form = login.RequestMessage!.RequestUri!;
        form.Authority.ShouldBe(env.Provider.Authority, "the browser is at the external provider's sign-in page");
        (await login.Content.ReadAsStringAsync()).ShouldContain("name=\"login\"");

        using var back = await http.PostAsync(form, new FormUrlEncodedContent(new Dictionary<string, string> { ["login"] = "erika" }));
        var body = await back.Content.ReadAsStringAsync();
        ((int)back.StatusCode).ShouldBe(200, $"{back.RequestMessage!.RequestUri} {body}");
        back.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/api/me");
        var me = JsonNode.Parse(body)!;
        me["id"]!.GetValue<string>().ShouldBe("erika");
        me["displayName"]!.GetValue<string>().ShouldBe("Erika Muster");
        me["kind"]!.GetValue<string>().ShouldBe("Person");
        me["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["clerk"]);
        me["groups"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["buergerbuero"]);
        me["tenant"]!.GetValue<string>().ShouldBe("06412000");
        cookies.GetCookies(env.Server.BaseAddress)["egov.session"].ShouldNotBeNull();

        using (await http.GetAsync("/barrierefreiheit")) { } // a page sets the CSRF cookie, as in the browser
        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/abmelden") { Content = new FormUrlEncodedContent([]) };
        signOut.Headers.Add("X-XSRF-TOKEN", cookies.GetCookies(env.Server.BaseAddress)["XSRF-TOKEN"]!.Value);
        using var _ = await http.SendAsync(signOut);
        (await http.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [OidcDoubleFact]
    public async Task BearerToken_OfTheExternalProvider_IsValidated_AndMapped_AForgedOneIsNot()
    {
        await using var env = await StartAsync();
        using var http = new HttpClient { BaseAddress = env.Server.BaseAddress };
        using var tokenResponse = await http.PostAsync(new Uri(env.Provider, "token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "fachverfahren", ["client_secret"] = MachineSecret, ["scope"] = "api",
        }));
        var tokenBody = await tokenResponse.Content.ReadAsStringAsync();
        ((int)tokenResponse.StatusCode).ShouldBe(200, tokenBody);
        var token = JsonNode.Parse(tokenBody)!["access_token"]!.GetValue<string>();

        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var me = await http.SendAsync(request);
        var body = await me.Content.ReadAsStringAsync();
        ((int)me.StatusCode).ShouldBe(200, body);
        var json = JsonNode.Parse(body)!;
        json["id"]!.GetValue<string>().ShouldBe("fachverfahren");
        json["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["auditor"]);
        json["tenant"]!.GetValue<string>().ShouldBe("06412000");

        using var deploy = new HttpRequestMessage(HttpMethod.Post, "api/deployments") { Content = new StringContent("<x/>") };
        deploy.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await http.SendAsync(deploy)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "an auditor may not deploy");

        var parts = token.Split('.');
        var forged = $"{parts[0]}.{parts[1].Replace('A', 'B')}.{parts[2]}";
        using var bad = new HttpRequestMessage(HttpMethod.Get, "api/me");
        bad.Headers.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        (await http.SendAsync(bad)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private sealed class Environment(RunningServer server, Process provider, Uri providerUri, string folder) : IAsyncDisposable
    {
        public RunningServer Server { get; } = server;
        public Uri Provider { get; } = providerUri;

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            if (!provider.HasExited) provider.Kill(entireProcessTree: true);
            await provider.WaitForExitAsync();
            provider.Dispose();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<Environment> StartAsync()
    {
        var folder = OidcDoubleFactAttribute.Folder!;
        await EnsureNodeModulesAsync(folder);
        var port = FreePort();
        var work = Directory.CreateTempSubdirectory("egov-oidc-").FullName;
        var config = Path.Combine(work, "provider.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new
        {
            clients = new object[]
            {
                new Dictionary<string, object>
                {
                    ["client_id"] = "egov", ["client_secret"] = WebSecret, ["redirect_uris"] = new[] { $"http://127.0.0.1:{port}/signin-oidc" },
                    ["post_logout_redirect_uris"] = new[] { $"http://127.0.0.1:{port}/anmelden?abgemeldet=1" },
                    ["grant_types"] = new[] { "authorization_code", "refresh_token" }, ["response_types"] = new[] { "code" },
                    ["token_endpoint_auth_method"] = "client_secret_post",
                },
                new Dictionary<string, object>
                {
                    ["client_id"] = "fachverfahren", ["client_secret"] = MachineSecret, ["grant_types"] = new[] { "client_credentials" },
                    ["response_types"] = Array.Empty<string>(), ["redirect_uris"] = Array.Empty<string>(), ["scope"] = "api",
                },
            },
            accounts = new Dictionary<string, object>
            {
                ["erika"] = new Dictionary<string, object>
                {
                    ["preferred_username"] = "erika", ["name"] = "Erika Muster", ["groups"] = new[] { "/buergerbuero" },
                    ["realm_access"] = new { roles = new[] { "clerk" } }, ["tenant"] = "06412000",
                },
            },
            clientClaims = new Dictionary<string, object> { ["fachverfahren"] = new Dictionary<string, object> { ["realm_access"] = new { roles = new[] { "auditor" } }, ["tenant"] = "06412000" } },
            audience = "egov",
        }));
        var (process, uri) = await StartProviderAsync(folder, config);
        try
        {
            var server = await EGovServer.StartAsync(new ServeOptions
            {
                Urls = $"http://127.0.0.1:{port}", Store = "memory", ProcessesDirectory = null,
                OidcAuthority = uri.AbsoluteUri.TrimEnd('/'), OidcClientId = "egov", OidcClientSecret = WebSecret, OidcAudience = "egov",
                OidcClaimRoles = "realm_access.roles", OidcClaimGroups = "groups", OidcClaimTenant = "tenant",
            });
            return new Environment(server, process, uri, work);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }

    private static async Task<(Process, Uri)> StartProviderAsync(string folder, string config)
    {
        var psi = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("provider.mjs");
        psi.ArgumentList.Add(config);
        var process = Process.Start(psi)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (Listening().Match(e.Data) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value + "/"));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var first = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            lock (output) throw new InvalidOperationException($"the oidc-provider double did not start:\n{output}");
        }
        return (process, await listening.Task);
    }

    private static async Task EnsureNodeModulesAsync(string folder)
    {
        if (File.Exists(Path.Combine(folder, "node_modules", "oidc-provider", "package.json"))) return;
        var (code, output) = await NodeWorkerTests.RunAsync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], folder, TimeSpan.FromMinutes(5));
        code.ShouldBe(0, $"npm ci in {folder} failed:\n{output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^listening on (http://\S+)")]
    private static partial Regex Listening();
}

/// <summary>A fact that needs node and tests/oidc-provider-double; skipped with the reason when either is missing.</summary>
public sealed class OidcDoubleFactAttribute : FactAttribute
{
    public OidcDoubleFactAttribute()
    {
        if (Folder is null) Skip = "tests/oidc-provider-double not found above the test's output folder";
        else if (NodeFactAttribute.FindOnPath("node") is null) Skip = "node is not installed (apt-get install nodejs npm): the external provider test needs it";
        else if (!Directory.Exists(Path.Combine(Folder, "node_modules")) && NodeFactAttribute.FindOnPath("npm") is null)
            Skip = "node_modules is missing and npm is not installed to run npm ci";
    }

    public static string? Folder { get; } = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "oidc-provider-double");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        return null;
    }
}
